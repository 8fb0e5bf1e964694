from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cfcity.cases"
    label = "cases"
    verbose_name = "优秀工作案例与交流会"

    def ready(self):
        from cfcity.reporting import demo as reporting_demo

        from .demo import extend
        if extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(extend)
