from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "cfcity.monitoring"
    verbose_name = "监测预警"
    default_auto_field = "django.db.models.BigAutoField"
