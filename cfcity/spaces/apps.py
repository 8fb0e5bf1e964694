from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "cfcity.spaces"
    label = "spaces"
    verbose_name = "儿童友好空间"
