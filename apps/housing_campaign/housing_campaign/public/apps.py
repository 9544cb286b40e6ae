from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.public"
    label = "public"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Trang công khai"
