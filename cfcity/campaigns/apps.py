from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "cfcity.campaigns"
    label = "campaigns"
    verbose_name = "儿童作品征集"
