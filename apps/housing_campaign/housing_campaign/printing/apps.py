from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.printing"
    label = "printing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Mẫu in, văn bản"
