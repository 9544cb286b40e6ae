from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.commendations"
    label = "commendations"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Khen thưởng"
