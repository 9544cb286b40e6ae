from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "housing_campaign.funding"
    label = "funding"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Kinh phí: quỹ, phân bổ, giải ngân")
