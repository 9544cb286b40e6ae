from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """What ties the domains together: reference data sync, demo seeding, the site's commands and
    the admin of the shared mechanisms (timeline, jobs) scoped by territory. The top layer: it may
    import every domain; nothing imports it."""

    name = "housing_campaign.site"
    label = "site"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Trang triển khai")
