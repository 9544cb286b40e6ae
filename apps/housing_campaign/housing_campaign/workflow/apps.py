from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Quy trình"
