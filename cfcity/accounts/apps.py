from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cfcity.accounts"
    verbose_name = "用户与角色"
    default_auto_field = "django.db.models.BigAutoField"
