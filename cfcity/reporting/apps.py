from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cfcity.reporting"
    verbose_name = "填报与审核"
    default_auto_field = "django.db.models.BigAutoField"
