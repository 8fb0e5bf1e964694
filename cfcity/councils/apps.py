from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "cfcity.councils"
    label = "councils"
    verbose_name = "儿童议事会"

    def ready(self):
        from cfcity.audit.services import register_labels
        from cfcity.monitoring import warnings
        from cfcity.reporting import demo as reporting_demo

        from . import demo, rules
        from .services import LABELS
        register_labels(LABELS)
        if rules.proposal_rules not in warnings.EXTRA_RULES:
            warnings.EXTRA_RULES.append(rules.proposal_rules)
        if demo.extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(demo.extend)
        try:  # the calendar (cfcity.agenda) may be absent
            from cfcity.agenda import display, registry
        except ImportError:
            return
        from .deadlines import proposal_deadlines
        registry.register(proposal_deadlines)
        display.KIND_LABELS.setdefault("proposal", "议事会建议答复")
