from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cfcity.assessments"
    label = "assessments"
    verbose_name = "儿童影响评价"

    def ready(self):
        from cfcity.audit.services import register_labels
        from cfcity.reporting import demo as reporting_demo

        from .demo import extend
        from .services import LABELS
        register_labels(LABELS)
        # after the spaces demo (cfcity.spaces comes earlier in INSTALLED_APPS): the project
        # links the spaces that demo made
        if extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(extend)
        try:  # the calendar (cfcity.agenda) may be absent
            from cfcity.agenda import display, registry
        except ImportError:
            return
        from .deadlines import KIND, assessment_deadlines
        display.KIND_LABELS.setdefault(KIND, "儿童影响评价")
        registry.register(assessment_deadlines)
