from django.contrib.admin.apps import AdminConfig


class CadreAdminConfig(AdminConfig):
    """The admin app with the project's scoped site (cadre.admin_site)."""

    default_site = "cadre.admin_site.CadreAdminSite"
