from django import template

from housing_campaign.core import formatting

register = template.Library()


@register.filter
def vnd(value):
    return formatting.format_vnd(value)


@register.filter
def dmy(value):
    return formatting.format_date(value)



# The desk page of each document type a notification may be about.
DOCUMENT_PAGES = {"housing_case": "desk:case", "feedback": "feedback:detail"}


@register.filter
def document_url(notification) -> str:
    """The desk page a notification is about ("" when it has none): the case page for a case, the feedback
    page for residents' feedback."""
    from django.urls import reverse

    name = DOCUMENT_PAGES.get(notification.doctype or "housing_case")
    if not notification.object_id or name is None:
        return ""
    return reverse(name, args=[notification.object_id])
