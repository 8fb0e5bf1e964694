from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cfcity.ops"
    label = "ops"
    verbose_name = "运行维护"

    def ready(self):
        # the Celery app is made with Django (not on `import cfcity`: the progress engine must
        # import without Django), so tasks queued by the web tier use its settings
        from cfcity import celery  # noqa: F401

        from . import signals  # noqa: F401  (request ids and failure counts across Celery)
