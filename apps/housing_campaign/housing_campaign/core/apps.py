from django.apps import AppConfig


class Config(AppConfig):
    name = "housing_campaign.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Hệ thống"

    def ready(self):
        from django.core import checks

        from .hookspec import check_hooks

        checks.register(check_hooks)
