from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "cfcity.orgs"
    verbose_name = "组织机构"
