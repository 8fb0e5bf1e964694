from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cfcity.plans"
    verbose_name = "行动方案"
