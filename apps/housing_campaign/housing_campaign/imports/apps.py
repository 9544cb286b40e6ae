from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Nhập danh sách từ Excel"
