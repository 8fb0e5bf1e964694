from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "cfcity.welfare"
    label = "welfare"
    verbose_name = "困境儿童关爱保护"

    def ready(self):
        from cfcity.monitoring import warnings

        from .measures import roster_rules
        if roster_rules not in warnings.EXTRA_RULES:
            warnings.EXTRA_RULES.append(roster_rules)
