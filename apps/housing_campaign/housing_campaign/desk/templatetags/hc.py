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
DOCUMENT_PAGES = {"housing_case": "desk:case", "feedback": "feedback:detail", "commendation": "desk:nomination"}


@register.filter
def document_url(notification) -> str:
    """The desk page a notification is about ("" when it has none): the case page for a case, the feedback
    page for residents' feedback."""
    from django.urls import reverse

    name = DOCUMENT_PAGES.get(notification.doctype or "housing_case")
    if not notification.object_id or name is None:
        return ""
    return reverse(name, args=[notification.object_id])


@register.filter
def uses_emulation(user) -> bool:
    """Whether the "Thi đua - Khen thưởng" section is in the user's menu: the roles that nominate, review, vote
    or audit (``accounts.permissions.EMULATION_USERS``) and superusers."""
    from housing_campaign.accounts.permissions import EMULATION_USERS
    from housing_campaign.accounts.selectors import actor_for

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(authority.roles & EMULATION_USERS for authority in actor_for(user).all_authorities)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template ("" when absent or not a mapping)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
