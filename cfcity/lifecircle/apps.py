from django.apps import AppConfig


class LifecircleConfig(AppConfig):
    name = "cfcity.lifecircle"
    label = "lifecircle"
    verbose_name = "15分钟儿童社区生活圈"
