from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.contributions"
    label = "contributions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Đóng góp, ủng hộ"
