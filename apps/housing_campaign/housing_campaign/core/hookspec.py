"""Reading ``hooks.py`` (Frappe's ``frappe.get_hooks`` and ``frappe.get_attr``).

``hooks.py`` is data; this module turns a dotted path into the callable only when it is needed, so
the registry never takes part in an import cycle. ``hook_problems()`` resolves every path once and
is run as a Django system check at start-up (``manage.py check`` fails on a broken path).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

SCHEDULE_SECONDS = {"all": 60, "hourly": 3600, "daily": 24 * 3600, "weekly": 7 * 24 * 3600}
# Events of ``hooks.doc_events`` (and of the webhooks, which subscribe to them): a document created (form, import),
# moved by a transition, its fields edited, its handover certificate issued or revoked.
DOC_EVENTS = ("on_create", "on_transition", "on_change", "on_certificate_issued", "on_certificate_revoked")


def _module():
    return importlib.import_module("housing_campaign.hooks")


def get_hooks(name: str, default: Any = None) -> Any:
    """One kind of hook (``doctypes``, ``side_effects``, ``scheduler_events`` ...)."""
    return getattr(_module(), name, default if default is not None else {})


@cache
def get_attr(path: str) -> Callable:
    """The object a dotted path names; ImportError/AttributeError name the path when it is broken."""
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ImportError(f"“{path}” is not a dotted path")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise AttributeError(f"{module_name} has no attribute {attr!r} (hooks.py: {path})") from None


def doctype_models() -> dict[str, str]:
    return dict(get_hooks("doctypes"))


def side_effect_specs() -> dict[str, dict]:
    return dict(get_hooks("side_effects"))


def side_effect_label(name: str) -> str:
    """A side effect's label (hooks.side_effects) in the active language; its name when hooks.py lacks it."""
    from django.utils.translation import gettext

    label = get_hooks("side_effects").get(name, {}).get("label")
    return gettext(label) if label else name


def doctype_label(doctype: str) -> str:
    """A document type's name in the active language ("housing_case" -> "Hồ sơ hỗ trợ nhà ở"): the verbose
    name of the model hooks.doctypes names, else the label of hooks.print_doctypes; the code when unknown."""
    from django.apps import apps
    from django.utils.text import capfirst
    from django.utils.translation import gettext

    model_label = get_hooks("doctypes").get(doctype)
    if model_label:
        try:
            return capfirst(str(apps.get_model(model_label)._meta.verbose_name))
        except (LookupError, ValueError):
            pass
    spec = get_hooks("print_doctypes").get(doctype) or {}
    return gettext(spec["label"]) if spec.get("label") else doctype


def doctype_choices() -> list[tuple[str, str]]:
    """(code, name) of the document types the workflow engine drives (hooks.doctypes): the ``choices`` of
    models' ``doctype`` fields, so lists, filters and forms show names, never codes. Evaluated when used
    (callable choices), so a document type added to hooks.py needs no migration."""
    return [(code, doctype_label(code)) for code in get_hooks("doctypes")]


def print_doctype_choices() -> list[tuple[str, str]]:
    """(code, name) of the document types print formats are written for (hooks.print_doctypes)."""
    return [(code, doctype_label(code)) for code in get_hooks("print_doctypes")]


def doc_event_handlers(doctype: str, event: str) -> list[str]:
    events = get_hooks("doc_events")
    return [*events.get("*", {}).get(event, []), *events.get(doctype, {}).get(event, [])]


def doc_event_listeners(doctype: str, event: str) -> list[str]:
    """The handlers of ``event`` that listen now: a handler named in ``hooks.doc_event_listens`` is asked
    (``fn(*, doctype, event) -> bool``) and left out when it answers False, so a change nobody listens to
    writes no job (a bulk import with no webhook configured)."""
    guards = get_hooks("doc_event_listens")
    listening = []
    for path in doc_event_handlers(doctype, event):
        guard = guards.get(path)
        if guard is None or get_attr(guard)(doctype=doctype, event=event):
            listening.append(path)
    return listening


COUNTER_EVENTS = ("created", "moved", "rekeyed")


def doc_counter(doctype: str, event: str) -> Callable | None:
    """The function that keeps a document type's aggregates on ``event`` (hooks.doc_counters), called in the
    same transaction as the change; None when the type keeps none."""
    path = get_hooks("doc_counters").get(doctype, {}).get(event)
    return get_attr(path) if path else None


def scheduled_jobs() -> dict[str, int]:
    """{dotted path: interval in seconds} of every scheduled job."""
    jobs: dict[str, int] = {}
    for frequency, paths in get_hooks("scheduler_events").items():
        for path in paths:
            jobs[path] = SCHEDULE_SECONDS[frequency]
    return jobs


def jinja_filters() -> dict[str, Callable]:
    return {name: get_attr(path) for name, path in get_hooks("jinja").get("filters", {}).items()}


def jinja_methods() -> dict[str, Callable]:
    return {name: get_attr(path) for name, path in get_hooks("jinja").get("methods", {}).items()}


def computed_fields(doctype: str) -> dict[str, dict]:
    return dict(get_hooks("computed_fields").get(doctype, {}))


def evidence_snapshot(doctype: str) -> Callable | None:
    """``fn(*, campaign, participant) -> dict`` computing the evidence a new document of ``doctype`` keeps
    (hooks.evidence_snapshots), or None when the type keeps none."""
    path = get_hooks("evidence_snapshots").get(doctype)
    return get_attr(path) if path else None


def print_doctypes() -> dict[str, dict]:
    return dict(get_hooks("print_doctypes"))


def territory_scope(model_label: str) -> Callable | None:
    """``fn(actor) -> QuerySet`` of the rows of ``model_label`` ("app_label.Model") an actor may see,
    or None when the model is not scoped by territory."""
    path = get_hooks("territory_scopes").get(model_label)
    return get_attr(path) if path else None


def fixture_loaders() -> dict[str, Callable]:
    return {name: get_attr(path) for name, path in get_hooks("fixtures").items()}


def _paths() -> list[tuple[str, str]]:
    """(where, dotted path) of every path in hooks.py."""
    found: list[tuple[str, str]] = []
    for name, events in get_hooks("doc_events").items():
        for event, paths in events.items():
            found += [(f"doc_events[{name!r}][{event!r}]", p) for p in paths]
    found += [(f"side_effects[{n!r}]", spec.get("handler", "")) for n, spec in get_hooks("side_effects").items()]
    for frequency, paths in get_hooks("scheduler_events").items():
        found += [(f"scheduler_events[{frequency!r}]", p) for p in paths]
    for kind in ("filters", "methods"):
        found += [(f"jinja[{kind!r}][{n!r}]", p) for n, p in get_hooks("jinja").get(kind, {}).items()]
    found += [(f"fixtures[{n!r}]", p) for n, p in get_hooks("fixtures").items()]
    for doctype, spec in get_hooks("print_doctypes").items():
        found += [(f"print_doctypes[{doctype!r}][{k!r}]", spec.get(k, ""))
                  for k in ("by_reference", "example", "sample")]
    found += [(f"territory_scopes[{label!r}]", p) for label, p in get_hooks("territory_scopes").items()]
    for doctype, names in get_hooks("computed_fields").items():
        found += [(f"computed_fields[{doctype!r}][{n!r}]", spec.get("path", "")) for n, spec in names.items()]
    for doctype, counters in get_hooks("doc_counters").items():
        found += [(f"doc_counters[{doctype!r}][{event!r}]", path) for event, path in counters.items()]
    found += [(f"evidence_snapshots[{d!r}]", p) for d, p in get_hooks("evidence_snapshots").items()]
    for handler, guard in get_hooks("doc_event_listens").items():
        found += [(f"doc_event_listens[{handler!r}]", guard)]
    return found


def hook_problems() -> list[str]:
    """Every broken entry of hooks.py, named (unknown model, unresolvable path, unknown event)."""
    from django.apps import apps

    problems = []
    doctypes = get_hooks("doctypes")
    for name, label in doctypes.items():
        try:
            apps.get_model(label)
        except (LookupError, ValueError) as exc:
            problems.append(f"doctypes[{name!r}]: {label!r}: {exc}")
    for name, events in get_hooks("doc_events").items():
        if name != "*" and name not in doctypes:
            problems.append(f"doc_events[{name!r}]: unknown document type")
        problems += [f"doc_events[{name!r}][{e!r}]: unknown event (known: {', '.join(DOC_EVENTS)})"
                     for e in events if e not in DOC_EVENTS]
    handlers = {path for events in get_hooks("doc_events").values() for paths in events.values() for path in paths}
    problems += [f"doc_event_listens[{path!r}]: not a handler of doc_events" for path in get_hooks("doc_event_listens")
                 if path not in handlers]
    for name, spec in get_hooks("side_effects").items():
        problems += [f"side_effects[{name!r}]: unknown document type {d!r}" for d in spec.get("doctypes", [])
                     if d not in doctypes]
        if not spec.get("label"):
            problems.append(f"side_effects[{name!r}]: no label")
    for name, counters in get_hooks("doc_counters").items():
        if name not in doctypes:
            problems.append(f"doc_counters[{name!r}]: unknown document type")
        problems += [f"doc_counters[{name!r}][{e!r}]: unknown event (known: {', '.join(COUNTER_EVENTS)})"
                     for e in counters if e not in COUNTER_EVENTS]
    problems += [f"evidence_snapshots[{d!r}]: unknown document type" for d in get_hooks("evidence_snapshots")
                 if d not in doctypes]
    problems += [f"scheduler_events[{f!r}]: unknown frequency (known: {', '.join(SCHEDULE_SECONDS)})"
                 for f in get_hooks("scheduler_events") if f not in SCHEDULE_SECONDS]
    scopes = get_hooks("territory_scopes")
    for label in scopes:
        try:
            apps.get_model(label)
        except (LookupError, ValueError) as exc:
            problems.append(f"territory_scopes[{label!r}]: {exc}")
    problems += [f"print_doctypes[{d!r}]['scope']: {spec['scope']!r} is not a key of territory_scopes"
                 for d, spec in get_hooks("print_doctypes").items() if spec.get("scope") not in scopes]
    for where, path in _paths():
        try:
            target = get_attr(path)
        except Exception as exc:  # noqa: BLE001 - every broken path is reported, named
            problems.append(f"{where}: {path!r} cannot be resolved: {exc}")
            continue
        if not callable(target):
            problems.append(f"{where}: {path!r} is not callable")
    return problems


def check_hooks(app_configs=None, **kwargs):
    """Django system check: every entry of hooks.py resolves (``manage.py check`` fails otherwise)."""
    from django.core.checks import Error

    return [Error(problem, id="housing_campaign.E001", obj="housing_campaign.hooks") for problem in hook_problems()]
