"""Which document a print format is rendered for, scoped to the user's territory. Each document type
says how it is found, sampled and built in ``hooks.print_doctypes`` (its own domain's documents.py)."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.hookspec import get_attr, print_doctypes, territory_scope


def _spec(doctype: str) -> dict:
    spec = print_doctypes().get(doctype)
    if spec is None:
        raise ServiceError(gettext("Loại hồ sơ không có mẫu in: %(doctype)s") % {"doctype": doctype},
                           code=ErrorCode.NOT_FOUND)
    return spec


def context_for(*, actor: Actor, doctype: str, reference: str) -> tuple[dict, str]:
    """Context and title for ``reference`` (a case code, a commune code for lists, a nomination code or
    a contribution number), found inside the actor's territory only."""
    return get_attr(_spec(doctype)["by_reference"])(actor=actor, reference=(reference or "").strip())


def example_reference(*, actor: Actor, doctype: str) -> str:
    """A document of this type the actor may see, to preview a format on."""
    return get_attr(_spec(doctype)["example"])(actor=actor)


def issued_document_visible(*, actor: Actor, document) -> bool:
    """Whether the actor may read an issued document (the same rule as the lists, for one document)."""
    return issued_documents_visible(actor=actor, queryset=type(document).objects.filter(pk=document.pk)).exists()


def issued_documents_visible(*, actor: Actor, queryset: QuerySet) -> QuerySet:
    """The issued documents of ``queryset`` the actor may read: those issued for a document inside
    their territory (per document type, the rows of its ``scope`` model in ``hooks.territory_scopes``)."""
    if any(a.everywhere for a in actor.all_authorities):
        return queryset
    visible = Q(pk__in=[])
    for doctype, spec in print_doctypes().items():
        scoped = territory_scope(spec["scope"])
        visible |= Q(doctype=doctype, object_id__in=scoped(actor).values("pk"))
    return queryset.filter(visible)


def sample_context(doctype: str) -> dict | None:
    """A real document's context to test-render an edited template, when one exists."""
    return get_attr(_spec(doctype)["sample"])()


def signers_visible(actor: Actor) -> QuerySet:
    """The signer records of issuing bodies inside the actor's territory (``hooks.territory_scopes``)."""
    from housing_campaign.accounts.selectors import units_visible

    from .models import Signer

    return Signer.objects.filter(unit__in=units_visible(actor))
