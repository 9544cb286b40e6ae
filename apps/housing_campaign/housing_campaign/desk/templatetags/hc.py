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
def _summary_context(items: list[dict], summary_id: str) -> dict:
    return {"summary_items": items, "summary_id": summary_id}


@register.inclusion_tag("desk/_error_summary.html")
def form_error_summary(form):
    """The error summary of a Django form (desk/_form_fields.html): each field's messages, linked to the field,
    then the form's own messages."""
    items = [{"id": field.auto_id, "label": field.label, "message": message}
             for field in form.visible_fields() for message in field.errors]
    items += [{"message": message} for message in form.non_field_errors()]
    items += [{"message": message} for field in form.hidden_fields() for message in field.errors]
    prefix = f"{form.prefix}-" if form.prefix else ""
    return _summary_context(items, f"{prefix}error-summary")


@register.inclusion_tag("desk/_error_summary.html")
def error_summary(errors, **field_ids):
    """The error summary of a hand-written form whose view returns ``errors`` as {field: [messages]}
    (a ServiceError's): the messages about the whole form ("__all__") first, then each field's, linked to the
    element ``field_ids`` names for it (``kind="p-kind"``); a field not named is listed without a link."""
    errors = errors or {}
    items = [{"message": message} for message in errors.get("__all__", ())]
    for name, messages in errors.items():
        if name != "__all__":
            items += [{"id": field_ids.get(name, ""), "message": message} for message in messages]
    return _summary_context(items, "error-summary")


@register.inclusion_tag("desk/_field_errors.html")
def field_errors(messages, field_id):
    """A hand-written field's messages, with the id its input names in aria-describedby (<field_id>_error)."""
    return {"messages": messages, "field_id": field_id}
