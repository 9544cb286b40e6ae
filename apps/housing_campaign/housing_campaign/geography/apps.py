from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.geography"
    label = "geography"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Đơn vị hành chính"
