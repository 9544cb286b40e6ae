from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Hồ sơ hỗ trợ nhà ở"
