from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.funding"
    label = "funding"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Kinh phí: quỹ, phân bổ, giải ngân"
