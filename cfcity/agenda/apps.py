from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "cfcity.agenda"
    label = "agenda"
    verbose_name = "日程与提醒"

    def ready(self):
        from . import providers, registry
        registry.register(providers.report_due)
        registry.register(providers.milestones_due)
