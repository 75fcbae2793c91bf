from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Oversight (监督): sanctions now; personal-matters reports, inquiries,
    complaints, audits and look-back to come. Registers its checks with the
    alert engine."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "干部监督"

    def ready(self) -> None:
        # Declaring the influence check to the check protocol; its query
        # needs the models loaded, hence here and not at import.
        from oversight import checks

        checks.register()
