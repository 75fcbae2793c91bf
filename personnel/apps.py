from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "干部信息"
    default_auto_field = "django.db.models.BigAutoField"
