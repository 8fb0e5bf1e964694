from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "cfcity.voice"
    label = "voice"
    verbose_name = "儿童心声"

    def ready(self):
        from cfcity.audit.services import register_labels
        from cfcity.monitoring import warnings
        from cfcity.reporting import demo as reporting_demo

        from . import demo, rules, services
        register_labels(services.LABELS)
        if rules.overdue_messages not in warnings.EXTRA_RULES:
            warnings.EXTRA_RULES.append(rules.overdue_messages)
        if demo.extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(demo.extend)
        for name in demo.USERNAMES:
            if name not in reporting_demo.EXTENSION_USERNAMES:
                reporting_demo.EXTENSION_USERNAMES.append(name)
