from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.extrafields"
    label = "extrafields"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Trường bổ sung"
