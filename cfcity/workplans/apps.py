from django.apps import AppConfig


class WorkplansConfig(AppConfig):
    name = "cfcity.workplans"
    label = "workplans"
    verbose_name = "年度工作计划"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cfcity.agenda import registry
        from cfcity.reporting import demo as reporting_demo

        from . import demo
        from .deadlines import deadlines
        registry.register(deadlines)
        if demo.extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(demo.extend)

