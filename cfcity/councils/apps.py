from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "cfcity.councils"
    label = "councils"
    verbose_name = "儿童议事会"
