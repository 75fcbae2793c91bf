from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "interchange"
    verbose_name = "任免审批表交换"
    default_auto_field = "django.db.models.BigAutoField"
