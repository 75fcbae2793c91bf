from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CadreAdminConfig(AdminConfig):
    """The admin app with the project's scoped site (cadre.admin_site)."""

    default_site = "cadre.admin_site.CadreAdminSite"


class CadreConfig(AppConfig):
    """The project package as an app, for what composes every app: the
    first-run ``bootstrap`` command."""

    name = "cadre"
    verbose_name = "干部管理信息系统"
