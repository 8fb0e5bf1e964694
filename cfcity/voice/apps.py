from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "cfcity.voice"
    label = "voice"
    verbose_name = "儿童心声"
