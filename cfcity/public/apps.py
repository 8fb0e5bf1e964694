from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "cfcity.public"
    label = "public"
    verbose_name = "公开进展"
