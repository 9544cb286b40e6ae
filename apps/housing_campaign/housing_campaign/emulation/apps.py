from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "housing_campaign.emulation"
    label = "emulation"
    verbose_name = _("Phong trào thi đua")
