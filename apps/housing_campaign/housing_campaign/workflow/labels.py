"""Workflow states and actions by name, in the reader's language (core.i18n.localized_label applied to
the compiled definitions), for pages, lists and the admin: never a code where a person reads."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from housing_campaign.core.i18n import localized_label

from .engine import compiled
from .models import WorkflowDefinition, WorkflowState


def state_label(workflow_id: int | None, code: str) -> str:
    """The state's label in the active language; the code itself when the definition lacks it."""
    if not code:
        return ""
    if workflow_id is None:
        return code
    spec = compiled(workflow_id).states.get(code)
    return localized_label(spec) if spec else code


def document_state_label(document) -> str:
    return state_label(document.workflow_id, document.state)


def action_label(workflow_id: int | None, source: str, action: str) -> str:
    """The action's button label in the active language; the code when the definition lacks it."""
    if not action:
        return ""
    if workflow_id is None:
        return action
    spec = compiled(workflow_id).transitions.get((source, action))
    return localized_label(spec) if spec else action


def definition_id(doctype: str, version: int | None, memo: dict | None = None) -> int | None:
    """The id of a document type's workflow version (the log keeps versions, not ids); ``memo`` (a dict the
    caller keeps for one page) saves the query for the next row of the same version."""
    if version is None:
        return None
    memo = {} if memo is None else memo
    key = (doctype, version)
    if key not in memo:
        memo[key] = WorkflowDefinition.objects.filter(doctype=doctype, version=version).values_list(
            "pk", flat=True).first()
    return memo[key]


def event_labels(event, memo: dict | None = None) -> dict[str, str]:
    """From, to and action of a timeline row (core.models.DocumentEvent) by name, in the active language."""
    workflow_id = definition_id(event.doctype, event.workflow_version, memo)
    source_id = workflow_id
    if event.kind == "migrated" and (event.data or {}).get("from_version"):
        source_id = definition_id(event.doctype, event.data["from_version"], memo)
    return {"from": state_label(source_id, event.from_state), "to": state_label(workflow_id, event.to_state),
            "action": action_label(workflow_id, event.from_state, event.action)}


class StateListFilter(admin.SimpleListFilter):
    """The admin's "by state" filter with the states' names (of the active versions) instead of codes."""

    title = _("trạng thái")
    parameter_name = "state"
    doctype = "housing_case"

    def lookups(self, request, model_admin):
        seen: dict[str, str] = {}
        for state in WorkflowState.objects.filter(definition__doctype=self.doctype,
                                                  definition__is_active=True).order_by("order", "id"):
            seen.setdefault(state.code, localized_label(state))
        return list(seen.items())

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


def state_list_filter(doctype: str) -> type[StateListFilter]:
    return type(f"StateListFilter_{doctype}", (StateListFilter,), {"doctype": doctype})
