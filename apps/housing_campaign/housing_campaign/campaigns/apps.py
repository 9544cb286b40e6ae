from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.campaigns"
    label = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Chương trình, định mức"
