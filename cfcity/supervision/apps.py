from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "cfcity.supervision"
    label = "supervision"
    verbose_name = "督查整改"

    def ready(self):
        from cfcity.monitoring import warnings
        from cfcity.reporting import demo as reporting_demo

        from . import demo, rules
        if rules.rectification_rules not in warnings.EXTRA_RULES:
            warnings.EXTRA_RULES.append(rules.rectification_rules)
        if demo.build not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(demo.build)
        try:  # the calendar (cfcity.agenda) may be absent
            from cfcity.agenda import registry
        except ImportError:
            return
        from .deadlines import rectification_deadlines
        registry.register(rectification_deadlines)
