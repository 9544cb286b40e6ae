from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.desk"
    label = "desk"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Bàn làm việc"
