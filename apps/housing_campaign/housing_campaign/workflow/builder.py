"""The workflow builder: a custom admin page of ``WorkflowDefinition`` where the diagram is the editor.

- ``builder/<doctype>/`` opens the draft of a document type if there is one, else its active version
  (read-only, with “Tạo bản nháp”).
- ``<pk>/builder/`` shows the version's diagram (laid out by Graphviz), the form of the state or
  transition selected on it (``?state=<id>``, ``?transition=<id>``, ``?insert=<id>``, ``?new=state``,
  ``?new=transition``), the problems, and the draft beside the active version with their differences.
  A POST names its operation in ``op`` and calls one service of ``drafts.py``; a refused edit comes
  back with every reason and everything typed.
- ``<pk>/builder/check/`` answers the condition field as it is typed (problems, and the value on a
  case of the user's territory); ``<pk>/builder/export.yaml`` downloads the canonical YAML.

Who: the page and the YAML are read by those who may view workflows (the auditor too, read-only);
edits, the condition check and “try on a case” need the change permission (administrators,
superusers). Declared in ``accounts/permissions.py``.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from housing_campaign.accounts.models import Role
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core import hookspec
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import query_id, query_text

from . import definitions, diagram, drafts, registry, versions
from .conditions import condition_problems, condition_try
from .forms import InfoForm, InsertForm, StateForm, TransitionForm
from .models import Stage, WorkflowDefinition, WorkflowTransition

TEMPLATE = "admin/workflow/builder.html"
OPS = ("draft_create", "discard", "info_save", "state_save", "state_delete", "transition_save",
       "transition_delete", "insert", "try_condition")


def builder_url(definition: WorkflowDefinition, **query) -> str:
    url = reverse("admin:workflow_builder", args=[definition.pk])
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def activation_url(definition: WorkflowDefinition) -> str:
    """The activation page: its checks, the choice of province or pilot, the confirmation."""
    return reverse("admin:workflow_activate", args=[definition.pk])


def doctype_title(doctype: str) -> str:
    try:
        return str(registry.model_for(doctype)._meta.verbose_name)
    except ServiceError:
        return doctype


class WorkflowBuilderMixin:
    """Mixed into ``WorkflowDefinitionAdmin`` (needs ``guarded_view`` and the admin's permissions)."""

    def builder_urls(self):
        return [
            path("builder/<str:doctype>/", self.guarded_view(self.builder_start_view, write=None),
                 name="workflow_builder_start"),
            path("<int:pk>/builder/", self.guarded_view(self.builder_view), name="workflow_builder"),
            path("<int:pk>/builder/check/", self.guarded_view(self.builder_check_view, read="change", write=None),
                 name="workflow_builder_check"),
            path("<int:pk>/builder/export.yaml", self.guarded_view(self.builder_export_view, write=None),
                 name="workflow_builder_export"),
        ]

    # ------------------------------------------------------------------ entry, export, live check
    def builder_start_view(self, request, doctype):
        if doctype not in hookspec.doctype_models():
            raise Http404(_("Loại hồ sơ không tồn tại."))
        found = drafts.drafts_of(doctype)
        definition = (found[0] if found else None) \
            or WorkflowDefinition.objects.filter(doctype=doctype, is_active=True).first() \
            or WorkflowDefinition.objects.filter(doctype=doctype).order_by("-version").first()
        if definition is None:
            raise Http404(_("Chưa có quy trình nào cho loại hồ sơ này."))
        return HttpResponseRedirect(builder_url(definition))

    def builder_export_view(self, request, pk):
        definition = get_object_or_404(WorkflowDefinition, pk=pk)
        text = definitions.canonical_yaml(definitions.definition_to_dict(definition))
        response = HttpResponse(text, content_type="application/x-yaml; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="{definition.doctype}-v{definition.version}.yaml"')
        return response

    def builder_check_view(self, request, pk):
        definition = get_object_or_404(WorkflowDefinition, pk=pk)
        condition = request.GET.get("condition", "")
        if len(condition) > drafts.MAX_CONDITION:
            too_long = _("Điều kiện quá dài (tối đa %(max)s ký tự).") % {"max": drafts.MAX_CONDITION}
            return JsonResponse({"problems": [too_long], "try": None})
        problems = condition_problems(definition.doctype, condition)
        tried = None
        document = query_text(request.GET.get("document"), max_length=40)
        if document:
            result = condition_try(doctype=definition.doctype, actor=actor_for(request.user), expression=condition,
                                   document_code=document)
            tried = {"ok": result["ok"], "message": result.get("message", ""), "value": result.get("value"),
                     "document": str(result["document"]) if result.get("document") is not None else ""}
        return JsonResponse({"problems": problems, "try": tried})

    # ------------------------------------------------------------------ the page
    def builder_view(self, request, pk):
        definition = get_object_or_404(WorkflowDefinition.objects.select_related("edited_by", "based_on"), pk=pk)
        if request.method == "POST":
            return self._builder_post(request, definition)
        return self._builder_page(request, definition)

    def _may_edit(self, request, definition) -> bool:
        return self.has_change_permission(request) and drafts.draft_lock_reason(definition) is None

    def _builder_post(self, request, definition):
        op = request.POST.get("op", "")
        if op not in OPS:
            messages.error(request, _("Thao tác không hợp lệ; không có gì thay đổi."))
            return self._builder_page(request, definition, status=400)
        actor = actor_for(request.user)
        revision = _revision(request.POST.get("revision"))
        try:
            if op == "draft_create":
                draft = drafts.draft_create(actor=actor, doctype=definition.doctype)
                messages.success(request, _("Đã tạo bản nháp phiên bản %(version)s từ phiên bản đang áp dụng. Bấm vào "
                                            "một trạng thái hoặc bước chuyển trên sơ đồ để sửa.")
                                 % {"version": draft.version})
                return HttpResponseRedirect(builder_url(draft))
            if op == "discard":
                if request.POST.get("confirm") != "yes":
                    return HttpResponseRedirect(builder_url(definition, panel="discard"))
                version = drafts.draft_discard(actor=actor, definition_id=definition.pk, revision=revision)
                messages.success(request, _("Đã hủy bản nháp phiên bản %(version)s.") % {"version": version})
                return HttpResponseRedirect(reverse("admin:workflow_builder_start", args=[definition.doctype]))
            if op == "state_delete":
                state = definition.states.filter(pk=query_id(request.POST.get("state"))).first()
                if state is None:
                    raise ServiceError(_("Trạng thái này không còn trong bản nháp."), code=ErrorCode.NOT_FOUND)
                removed = drafts.draft_state_delete(actor=actor, definition_id=definition.pk, revision=revision,
                                                    state_id=state.pk)
                if removed:
                    messages.success(request, _("Đã xóa trạng thái “%(state)s” và %(count)s bước chuyển nối với nó: "
                                                "%(steps)s.") % {"state": state.label_vi, "count": len(removed),
                                                                 "steps": ", ".join(removed)})
                else:
                    messages.success(request, _("Đã xóa trạng thái “%(state)s”.") % {"state": state.label_vi})
                return HttpResponseRedirect(builder_url(definition))
            if op == "transition_delete":
                transition = definition.transitions.filter(pk=query_id(request.POST.get("transition"))).first()
                if transition is None:
                    raise ServiceError(_("Bước chuyển này không còn trong bản nháp."), code=ErrorCode.NOT_FOUND)
                drafts.draft_transition_delete(actor=actor, definition_id=definition.pk, revision=revision,
                                               transition_id=transition.pk)
                messages.success(request, _("Đã xóa bước chuyển “%(step)s”.") % {"step": transition.label_vi})
                return HttpResponseRedirect(builder_url(definition))
        except ServiceError as exc:
            return self._refused(request, definition, exc, panel={"panel": "discard"} if op == "discard" else {})
        return self._form_post(request, definition, op, actor, revision)

    def _form_post(self, request, definition, op, actor, revision):
        """The operations with a form: on a refusal the form comes back bound (everything typed)."""
        panel, form = self._bound_form(request, definition, op)
        if form is None:
            messages.error(request, _("Phần tử này không còn trong bản nháp; sơ đồ dưới đây là bản mới nhất."))
            return HttpResponseRedirect(builder_url(definition))
        if op == "try_condition":
            form.is_valid()  # only to show what was typed with its field errors; nothing is saved
            if "condition" in form.errors or "try_document" in form.errors:
                result = {"ok": False, "message": " ".join(form.errors.get("condition", [])
                                                           + form.errors.get("try_document", []))}
            else:
                result = condition_try(doctype=definition.doctype, actor=actor,
                                       expression=form.cleaned_data.get("condition", ""),
                                       document_code=form.cleaned_data.get("try_document", ""))
            return self._builder_page(request, definition, panel=panel, form=form, tried=result)
        if not form.is_valid():
            return self._builder_page(request, definition, panel=panel, form=form,
                                      reasons=[_("Hãy sửa các ô được đánh dấu bên dưới.")])
        data = form.cleaned_data
        common = {"actor": actor, "definition_id": definition.pk, "revision": data["revision"]}
        try:
            if op == "info_save":
                drafts.draft_info_save(**common, data=data)
                messages.success(request, _("Đã lưu thông tin chung của bản nháp."))
                return HttpResponseRedirect(builder_url(definition))
            if op == "state_save":
                state = drafts.draft_state_save(**common, state_id=panel.get("state_id"), data=data)
                messages.success(request, _("Đã lưu trạng thái “%(state)s”.") % {"state": state.label_vi})
                return HttpResponseRedirect(builder_url(definition, state=state.pk))
            if op == "transition_save":
                transition = drafts.draft_transition_save(**common, transition_id=panel.get("transition_id"),
                                                          data=data)
                messages.success(request, _("Đã lưu bước chuyển “%(step)s”.") % {"step": transition.label_vi})
                return HttpResponseRedirect(builder_url(definition, transition=transition.pk))
            state = drafts.draft_state_insert_between(**common, transition_id=panel["insert_id"], data=data)
            messages.success(request, _("Đã thêm trạng thái “%(state)s” và nối lại bước chuyển. Xem lại các bước "
                                        "chuyển của nó trên sơ đồ.") % {"state": state.label_vi})
            return HttpResponseRedirect(builder_url(definition, state=state.pk))
        except ServiceError as exc:
            return self._refused(request, definition, exc, panel=panel, form=form)

    def _refused(self, request, definition, exc: ServiceError, *, panel=None, form=None):
        reasons = list(exc.details or [exc.message])
        if exc.code == ErrorCode.STALE_REVISION and form is not None:
            # Told and shown the new diagram; what they typed stays, now on the current revision so that
            # saving again is a deliberate choice made with the other person's change in view.
            definition.refresh_from_db()
            data = form.data.copy()
            data["revision"] = str(definition.revision)
            form = _with_kwargs(type(form), data, **form.builder_kwargs)
        if exc.code == ErrorCode.STALE_REVISION:
            definition.refresh_from_db()
        return self._builder_page(request, definition, panel=panel or {}, form=form, reasons=reasons,
                                  status=409 if exc.code == ErrorCode.STALE_REVISION else 200)

    # ------------------------------------------------------------------ forms of the panel
    def _bound_form(self, request, definition, op):
        """(panel, bound form) for a POST; the form is None when its element is gone."""
        data = request.POST
        if op == "info_save":
            return {"kind": "info"}, _with_kwargs(InfoForm, data)
        states = _state_choices(definition)
        if op == "state_save":
            state = None
            if data.get("state"):
                state = definition.states.filter(pk=query_id(data.get("state"))).first()
                if state is None:
                    return {}, None
            current = _state_dict(state) if state else {}
            panel = {"kind": "state", "state_id": state.pk if state else None, "state": state}
            return panel, _with_kwargs(StateForm, data, doctype=definition.doctype, current=current)
        if op in ("transition_save", "try_condition"):
            transition = None
            if data.get("transition"):
                transition = definition.transitions.filter(pk=query_id(data.get("transition"))).first()
                if transition is None:
                    return {}, None
            current = _transition_dict(transition) if transition else {}
            panel = {"kind": "transition", "transition_id": transition.pk if transition else None,
                     "transition": transition}
            return panel, _with_kwargs(TransitionForm, data, doctype=definition.doctype, states=states,
                                       current=current)
        transition = definition.transitions.filter(pk=query_id(data.get("transition"))).first()  # insert
        if transition is None:
            return {}, None
        return {"kind": "insert", "insert_id": transition.pk, "transition": transition}, _with_kwargs(InsertForm, data)

    def _panel_from_query(self, request, definition, editable: bool) -> tuple[dict, object]:
        """The panel and unbound form a GET selects."""
        query = request.GET
        revision = {"revision": definition.revision}
        doctype = definition.doctype
        states = _state_choices(definition)
        if query.get("state"):
            state = definition.states.filter(pk=query_id(query.get("state"))).first()
            if state is not None:
                current = _state_dict(state)
                initial = {**current, **revision, "is_initial": state.code == definition.initial_state}
                form = _with_kwargs(StateForm, None, initial=initial, doctype=doctype, current=current,
                                    read_only=not editable)
                return {"kind": "state", "state_id": state.pk, "state": state}, form
            return {"kind": "missing"}, None
        if query.get("transition") or query.get("insert"):
            key = "transition" if query.get("transition") else "insert"
            transition = definition.transitions.filter(pk=query_id(query.get(key))).first()
            if transition is None:
                return {"kind": "missing"}, None
            if key == "insert" and editable:
                target = definition.states.filter(code=transition.target).first()
                form = _with_kwargs(InsertForm, None, initial={
                    **revision, "roles": list(transition.roles), "stage": target.stage if target else Stage.SURVEY})
                return {"kind": "insert", "insert_id": transition.pk, "transition": transition}, form
            current = _transition_dict(transition)
            form = _with_kwargs(TransitionForm, None, initial={**current, **revision}, doctype=doctype,
                                states=states, current=current, read_only=not editable)
            return {"kind": "transition", "transition_id": transition.pk, "transition": transition}, form
        new = query.get("new")
        if new == "state" and editable:
            return {"kind": "state", "state_id": None}, _with_kwargs(
                StateForm, None, initial={**revision, "stage": Stage.SURVEY}, doctype=doctype)
        if new == "transition" and editable:
            source = query_text(query.get("source"), max_length=60)
            initial = {**revision, "source": source if any(c == source for c, _ in states) else "",
                       "kind": WorkflowTransition.Kind.FORWARD, "quorum": 1, "allow_previous_actor": True,
                       "territory_rule": WorkflowTransition.TerritoryRule.CONTAINS}
            return {"kind": "transition", "transition_id": None}, _with_kwargs(
                TransitionForm, None, initial=initial, doctype=doctype, states=states)
        if query.get("panel") == "discard" and editable:
            return {"kind": "discard"}, None
        if query.get("panel") == "info" and editable:
            return {"kind": "info"}, _with_kwargs(InfoForm, None, initial={
                **revision, "name": definition.name, "description": definition.description})
        return {}, None

    def _builder_page(self, request, definition, *, panel=None, form=None, reasons=None, tried=None, status=200):
        editable = self._may_edit(request, definition)
        if panel is None:
            panel, form = self._panel_from_query(request, definition, editable)
        data = definitions.definition_to_dict(definition)
        state_rows = list(definition.states.order_by("order", "id"))
        transition_rows = list(definition.transitions.order_by("order", "id"))
        state_pk = {s.code: s.pk for s in state_rows}
        transition_pk = {(t.source, t.action): t.pk for t in transition_rows}

        problems = [p for p in definitions.definition_problems(data)]
        warnings = definitions.definition_warnings(data)
        marks: dict = {}
        for p in [*warnings, *problems]:  # problems last: they win over warnings on the drawing
            key = p.state if p.state is not None else p.transition
            if key is not None:
                marks[key] = "problem" if p.blocking else "warning"

        active = WorkflowDefinition.objects.filter(doctype=definition.doctype, is_active=True).first()
        found_drafts = drafts.drafts_of(definition.doctype)
        draft = definition if drafts.draft_lock_reason(definition) is None else (
            found_drafts[0] if found_drafts else None)
        comparison = _comparison(active, definition, draft)

        selected = None
        if panel.get("kind") == "state" and panel.get("state") is not None:
            selected = panel["state"].code
        elif panel.get("kind") in ("transition", "insert") and panel.get("transition") is not None:
            selected = (panel["transition"].source, panel["transition"].action)
        role_names = dict(Role.objects.values_list("code", "name_vi"))
        options = {
            "state_urls": {c: builder_url(definition, state=pk) for c, pk in state_pk.items()},
            "state_ids": {c: f"state-{pk}" for c, pk in state_pk.items()},
            "transition_urls": {k: builder_url(definition, transition=pk) for k, pk in transition_pk.items()},
            "transition_ids": {k: f"transition-{pk}" for k, pk in transition_pk.items()},
            "selected": selected, "problems": marks, "role_names": role_names,
            "changes": comparison["marks"] if comparison and comparison["new"] == definition else {},
        }
        svg = diagram.render_svg(diagram.workflow_dot(data, **options))
        labels = versions.Labels(definition.doctype, data)

        def link(p):
            if p.state is not None and p.state in state_pk:
                return builder_url(definition, state=state_pk[p.state]), labels.state(p.state)
            if p.transition is not None and p.transition in transition_pk:
                t = next(t for t in transition_rows if (t.source, t.action) == p.transition)
                return builder_url(definition, transition=t.pk), t.label_vi
            return "", ""

        problem_rows = [{"text": str(p), "blocking": p.blocking, "url": link(p)[0], "element": link(p)[1]}
                        for p in [*problems, *warnings]]
        if form is not None:
            _decorate(form)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Thiết kế quy trình – %(name)s") % {"name": definition.name},
            "opts": self.model._meta, "is_nav_sidebar_enabled": False,
            "definition": definition, "doctype_title": doctype_title(definition.doctype),
            "editable": editable, "lock_reason": drafts.draft_lock_reason(definition),
            "may_change": self.has_change_permission(request),
            "status": versions.version_status(definition),
            "svg": svg, "dot_missing": svg is None,
            "fallback_svg": diagram.layered_svg(data) if svg is None else "",
            "problems": problem_rows, "blocking_count": sum(1 for p in problems),
            "warning_count": len(warnings),
            "panel": panel, "form": form, "reasons": reasons or [], "tried": tried,
            "state_rows": [{"row": s, "url": builder_url(definition, state=s.pk), "mark": marks.get(s.code),
                            "stage": labels.value("stage", s.stage)} for s in state_rows],
            "transition_rows": [{"row": t, "url": builder_url(definition, transition=t.pk),
                                 "mark": marks.get((t.source, t.action)), "source": labels.state(t.source),
                                 "target": labels.state(t.target)} for t in transition_rows],
            "active": active, "draft": draft, "comparison": comparison,
            "versions": versions.versions_of(definition.doctype),
            "activate_url": activation_url(draft) if draft else None,
            "changelist_url": reverse("admin:workflow_workflowdefinition_changelist"),
            "names": [[n, label] for n, label, _group in registry.field_choices(definition.doctype)],
            "check_url": reverse("admin:workflow_builder_check", args=[definition.pk]),
            "export_url": reverse("admin:workflow_builder_export", args=[definition.pk]),
            "advanced_url": reverse("admin:workflow_workflowdefinition_change", args=[definition.pk]),
            "builder_url": builder_url(definition),
        }
        if panel.get("kind") in ("transition", "insert") and panel.get("transition") is not None:
            t = panel["transition"]
            context["insert_url"] = builder_url(definition, insert=t.pk)
            context["between"] = (labels.state(t.source), labels.state(t.target))
        if panel.get("kind") == "state" and panel.get("state") is not None:
            code = panel["state"].code
            context["state_links"] = {
                "out": [r for r in context["transition_rows"] if r["row"].source == code],
                "in": [r for r in context["transition_rows"] if r["row"].target == code],
                "new_transition": builder_url(definition, new="transition", source=code)}
        return render(request, TEMPLATE, context, status=status)


# ---------------------------------------------------------------------------- helpers
def _revision(value) -> int | None:
    from housing_campaign.core.validators import query_int

    return query_int(value, None, minimum=0)


def _with_kwargs(form_class, data, **kwargs):
    """A form that remembers how it was built (a stale edit rebuilds it with the new revision)."""
    form = form_class(data, **kwargs)
    form.builder_kwargs = {k: v for k, v in kwargs.items() if k != "initial"}
    return form


def _decorate(form) -> None:
    """Which template block shows each field (the form is drawn by hand in sections)."""
    form.advanced_fields = [form[name] for name in ("label_en", "code", "action") if name in form.fields]


def _state_choices(definition) -> list[tuple[str, str]]:
    return [(s.code, s.label_vi) for s in definition.states.order_by("order", "id")]


def _state_dict(state) -> dict:
    return {k: getattr(state, k) for k in definitions.STATE_KEYS}


def _transition_dict(transition) -> dict:
    return {k: getattr(transition, k) for k in definitions.TRANSITION_KEYS}


def _comparison(active, definition, draft) -> dict | None:
    """The active version beside the draft (or beside the version shown, when it is neither)."""
    if active is None:
        return None
    new = draft if definition == active else definition
    if new is None or new == active:
        return None
    old_data, new_data = definitions.definition_to_dict(active), definitions.definition_to_dict(new)
    differences = versions.definition_diff(old_data, new_data)
    marks = {}
    for d in differences:
        if d.element in ("state", "transition") and d.change in ("added", "changed"):
            marks[d.key] = d.change
    return {"old": active, "new": new, "differences": differences, "marks": marks}
