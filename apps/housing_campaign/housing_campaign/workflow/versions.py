"""Versions of a workflow made visible: what each version is (draft, active, piloted, retired), and
what differs between two of them, element by element and field by field, in Vietnamese names.

Reads only; the writes are in ``drafts.py`` (drafts) and the activation and migration services."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing_campaign.core import hookspec

from . import definitions, registry
from .models import Stage, WorkflowDefinition, WorkflowState, WorkflowTransition


def version_status(definition: WorkflowDefinition) -> str:
    from .drafts import draft_lock_reason

    if definition.is_active:
        return _("đang áp dụng")
    if definition.pilots.exists():
        return _("đang thí điểm")
    if definition.activated_at or definition.retired_at:
        return _("đã ngừng áp dụng")
    if draft_lock_reason(definition) is None:
        return _("bản nháp")
    return _("chưa áp dụng, đã có hồ sơ")


def versions_of(doctype: str) -> list[dict]:
    model = registry.model_for(doctype)
    rows = []
    for d in WorkflowDefinition.objects.filter(doctype=doctype).order_by("-version"):
        rows.append({"definition": d, "status": version_status(d),
                     "documents": model.objects.filter(workflow=d).count()})
    return rows


class Labels:
    """Vietnamese names of what a definition names by code (roles, states, fields, side effects …)."""

    def __init__(self, doctype: str, *datas: dict):
        from housing_campaign.accounts.models import Role

        self.doctype = doctype
        self.roles = dict(Role.objects.values_list("code", "name_vi"))
        self.states = {}
        for data in datas:
            for s in data.get("states") or []:
                self.states.setdefault(s.get("code"), s.get("label_vi") or s.get("code"))
        self.stages = dict(Stage.choices)
        self.kinds = dict(WorkflowTransition.Kind.choices)
        self.territory = dict(WorkflowTransition.TerritoryRule.choices)
        self.effects = {k: v["label"] for k, v in hookspec.side_effect_specs().items()}
        self.fields = {name: label for name, label, _group in registry.field_choices(doctype)}

    def state(self, code) -> str:
        return str(self.states.get(code, code or "—"))

    def value(self, key: str, value) -> str:
        if value in (None, "", []):
            return "—"
        if isinstance(value, bool):
            return _("có") if value else _("không")
        if key in ("edit_roles", "roles"):
            return ", ".join(self.roles.get(v, v) for v in value)
        if key == "required_fields":
            return ", ".join(str(self.fields.get(v, v)) for v in value)
        if key == "side_effects":
            return ", ".join(self.effects.get(v, v) for v in value)
        if key in ("source", "target", "initial_state"):
            return self.state(value)
        if key == "stage":
            return str(self.stages.get(value, value))
        if key == "kind":
            return str(self.kinds.get(value, value))
        if key == "territory_rule":
            return str(self.territory.get(value, value))
        if key == "sla_days":
            return _("%(days)s ngày") % {"days": value}
        return str(value)

    def transition(self, t: dict) -> str:
        label = t.get("label_vi") or t.get("action")
        return f"“{label}” ({self.state(t.get('source'))} → {self.state(t.get('target'))})"


def _field_label(model, key: str) -> str:
    text = str(model._meta.get_field(key).verbose_name)
    return text[:1].upper() + text[1:]


DEFINITION_FIELDS = (("name", gettext_lazy("Tên quy trình")), ("description", gettext_lazy("Mô tả")),
                     ("initial_state", gettext_lazy("Trạng thái đầu")))


@dataclass
class Difference:
    element: str        # "state" | "transition" | "definition"
    change: str         # "added" | "removed" | "changed"
    name: str           # the element in words
    key: object = None  # a state code or (source, action), to find it on the diagram
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)

    @property
    def change_label(self) -> str:
        return {"added": _("thêm mới"), "removed": _("bỏ đi"), "changed": _("sửa")}[self.change]


def _summary(model, keys, item: dict, labels: Labels, *, skip=()) -> list[tuple[str, str]]:
    defaults = definitions.STATE_DEFAULTS if model is WorkflowState else definitions.TRANSITION_DEFAULTS
    out = []
    for key in keys:
        if key in skip or key in ("code", "action", "label_en") or item.get(key) in (None, "", []) \
                or (key in defaults and item.get(key) == defaults[key]):
            continue
        out.append((_field_label(model, key), labels.value(key, item.get(key))))
    return out


def definition_diff(old: dict, new: dict) -> list[Difference]:
    """What changed from ``old`` to ``new`` (two ``definition_to_dict`` results of one document type):
    states matched by code, transitions by (source state, action)."""
    labels = Labels(new.get("doctype") or old.get("doctype"), new, old)
    out: list[Difference] = []
    for key, label in DEFINITION_FIELDS:
        if (old.get(key) or "") != (new.get(key) or ""):
            out.append(Difference("definition", "changed", _("Thông tin chung"), fields=[
                (str(label), labels.value(key, old.get(key)), labels.value(key, new.get(key)))]))
    out += _elements(old["states"], new["states"], lambda s: s.get("code"), WorkflowState, definitions.STATE_KEYS,
                     labels, "state", lambda s: f"“{s.get('label_vi') or s.get('code')}”")
    out += _elements(old["transitions"], new["transitions"], lambda t: (t.get("source"), t.get("action")),
                     WorkflowTransition, definitions.TRANSITION_KEYS, labels, "transition", labels.transition)
    return out


def _elements(old_items, new_items, key_of, model, keys, labels: Labels, element: str, name_of) -> list[Difference]:
    before = {key_of(i): i for i in old_items}
    after = {key_of(i): i for i in new_items}
    out = []
    for key, item in after.items():
        if key not in before:
            out.append(Difference(element, "added", name_of(item), key,
                                  [(f, "—", v) for f, v in _summary(model, keys, item, labels)]))
            continue
        was = before[key]
        changed = [(_field_label(model, k), labels.value(k, was.get(k)), labels.value(k, item.get(k)))
                   for k in keys if _norm(was.get(k)) != _norm(item.get(k))]
        if changed:
            out.append(Difference(element, "changed", name_of(item), key, changed))
    for key, item in before.items():
        if key not in after:
            out.append(Difference(element, "removed", name_of(item), key,
                                  [(f, v, "—") for f, v in _summary(model, keys, item, labels)]))
    return out


def _norm(value):
    return None if value in ("", [], None) else value
