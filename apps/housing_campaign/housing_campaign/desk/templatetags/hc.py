from django import template

from housing_campaign.core import formatting

register = template.Library()


@register.filter
def vnd(value):
    return formatting.format_vnd(value)


@register.filter
def dmy(value):
    return formatting.format_date(value)

