from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "干部信息"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Declaring the registry's checks to the check protocol; the models
        # they query must be loaded first, hence here and not at import.
        from personnel import checks

        checks.register()
