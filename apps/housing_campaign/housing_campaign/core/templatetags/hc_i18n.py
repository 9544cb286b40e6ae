"""Template filters for the interface language (core/i18n.py): ``{{ state|localized_label }}`` and
``{{ stored|render_message }}``."""
from django import template

from housing_campaign.core import i18n

register = template.Library()


@register.filter
def localized_label(obj) -> str:
    return i18n.localized_label(obj)


@register.filter
def render_message(value) -> str:
    return i18n.render_message(value)
