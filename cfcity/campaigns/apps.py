from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "cfcity.campaigns"
    label = "campaigns"
    verbose_name = "儿童作品征集"

    def ready(self):
        from cfcity.audit.services import register_labels
        from cfcity.reporting import demo as reporting_demo

        from .demo import extend
        from .services import LABELS
        register_labels(LABELS)
        if extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(extend)
