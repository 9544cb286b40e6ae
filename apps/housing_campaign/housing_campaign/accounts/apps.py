from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Tài khoản, vai trò"
