from django.apps import AppConfig


class CoreConfig(AppConfig):
    """No domain: the pieces every app shares (history context, the Job base,
    the user-facing error type, admin mixins, the .xlsx writer). It imports
    no other app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "公共"
