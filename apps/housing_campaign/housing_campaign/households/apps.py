from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.households"
    label = "households"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Hộ gia đình"
