from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "housing_campaign.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Hệ thống")

    def ready(self):
        from django.core.checks import register

        from . import checks  # noqa: F401 - registers the deployment checks (base URL, debug)
        from .hookspec import check_hooks

        register(check_hooks)
