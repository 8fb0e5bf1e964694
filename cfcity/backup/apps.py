from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "cfcity.backup"
    label = "cfcity_backup"
    verbose_name = "备份与恢复"
