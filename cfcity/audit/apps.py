from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cfcity.audit"
    verbose_name = "操作记录"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import admin_log

        admin_log.install()  # the admin's changes are audited too
