from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "cfcity.evaluation"
    label = "evaluation"
    verbose_name = "第三方评估"

    def ready(self):
        from cfcity.reporting import demo

        from .demo import extend
        if extend not in demo.EXTENSIONS:
            demo.EXTENSIONS.append(extend)
