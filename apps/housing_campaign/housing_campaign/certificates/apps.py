from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.certificates"
    label = "certificates"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Giấy chứng nhận"
