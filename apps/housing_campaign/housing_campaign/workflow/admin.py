"""Administrators edit workflows without code: states and transitions as forms, validated as a
whole before anything is saved; a drawn diagram; a condition tried on a real case; activation of a
new version; migration of in-flight documents with a state mapping."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin
from housing_campaign.accounts.models import Role
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core import hookspec
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.i18n import localized_label
from housing_campaign.core.validators import query_id

from . import definitions, drafts, engine, migration, registry, rollout
from .builder import WorkflowBuilderMixin, doctype_title
from .conditions import condition_try
from .diagram import workflow_svg
from .models import WorkflowDefinition, WorkflowState, WorkflowTransition
from .selectors import pilots_by_definition, rollout_status, rollout_unit_groups, unit_label


class InvalidDefinition(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _role_choices():
    return [(r.code, localized_label(r)) for r in Role.objects.order_by("code")]


class ListField(forms.CharField):
    """A JSON list edited as comma-separated codes."""

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [part.strip() for part in (value or "").split(",") if part.strip()]


class StateForm(forms.ModelForm):
    edit_roles = forms.MultipleChoiceField(label=_("vai trò được sửa hồ sơ"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    required_fields = ListField(label=_("trường bắt buộc để rời trạng thái"), required=False,
                                help_text=_("Mã trường, cách nhau bởi dấu phẩy (gồm cả trường bổ sung)"))

    class Meta:
        model = WorkflowState
        fields = ("order", "code", "label_vi", "label_en", "stage", "edit_roles", "required_fields", "sla_days",
                  "is_terminal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_roles"].choices = _role_choices()


class TransitionForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(label=_("vai trò được thực hiện"), widget=forms.CheckboxSelectMultiple)
    side_effects = forms.MultipleChoiceField(label=_("tác vụ kèm theo"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WorkflowTransition
        fields = ("order", "source", "action", "label_vi", "label_en", "target", "kind", "roles", "condition",
                  "condition_message", "condition_message_en", "comment_required", "allow_previous_actor", "quorum",
                  "territory_rule",
                  "side_effects", "automatic")
        widgets = {"condition": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()
        self.fields["side_effects"].choices = [(k, hookspec.side_effect_label(k)) for k in hookspec.side_effect_specs()]


def _rows(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class TransitionFormSet(BaseInlineFormSet):
    """Validates the whole definition being edited (the main form, the states and the transitions as
    typed) so that a refused edit comes back with every reason and everything typed kept."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        states = StateFormSet(self.data, instance=self.instance, prefix="states")
        if not states.is_valid():
            return
        state_rows = [{k: row.get(k) for k in definitions.STATE_KEYS} for row in _rows(states)]
        transition_rows = [{k: row.get(k) for k in definitions.TRANSITION_KEYS} for row in _rows(self)]
        problems = definitions.definition_problems({
            "doctype": self.data.get("doctype") or self.instance.doctype,
            "initial_state": self.data.get("initial_state") or self.instance.initial_state,
            "states": state_rows, "transitions": transition_rows})
        if problems:
            raise forms.ValidationError([gettext("Quy trình không hợp lệ nên chưa lưu gì. Lý do:"), *problems])


StateFormSet = inlineformset_factory(WorkflowDefinition, WorkflowState, form=StateForm, extra=0, can_delete=True)


class StateInline(admin.StackedInline):
    model = WorkflowState
    form = StateForm
    extra = 0


class TransitionInline(admin.StackedInline):
    model = WorkflowTransition
    form = TransitionForm
    formset = TransitionFormSet
    extra = 0


class DefinitionForm(forms.ModelForm):
    class Meta:
        model = WorkflowDefinition
        fields = ("doctype", "name", "description", "initial_state", "revision")
        widgets = {"revision": forms.HiddenInput}

    def clean_revision(self):
        # The draft may be edited in the builder meanwhile: a form opened on an older revision is refused
        # (everything typed stays on the page), as in the builder.
        revision = self.cleaned_data.get("revision")
        if self.instance.pk:
            current = WorkflowDefinition.objects.select_related("edited_by").get(pk=self.instance.pk)
            if revision != current.revision:
                raise forms.ValidationError(drafts.stale_message(current))
        return revision

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctype"] = forms.ChoiceField(label=_("loại hồ sơ"),
                                                   choices=[(d, hookspec.doctype_label(d))
                                                            for d in hookspec.doctype_models()])


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(WorkflowBuilderMixin, BaseAdmin):
    form = DefinitionForm
    list_display = ("doctype", "version", "name", "is_active", "rollout", "documents", "activated_at", "tools")
    list_filter = ("doctype", "is_active")
    inlines = [StateInline, TransitionInline]
    actions = ["make_new_version"]  # applying a version is its own page (activate_view): checks, pilot, confirm
    readonly_fields = ("diagram", "rollout_plain")
    change_form_template = "admin/workflow/change_form.html"
    change_list_template = "admin/workflow/change_list.html"

    # ------------------------------------------------------------------ read-only once used
    def _locked(self, obj) -> bool:
        # One rule with the builder: only a draft is edited (never a version active, once active, piloted or used).
        return bool(obj and obj.pk and drafts.draft_lock_reason(obj))

    def has_change_permission(self, request, obj=None):
        if self._locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return bool(obj is None or not self._locked(obj)) and super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        if not obj:
            return ["doctype", "name", "description", "initial_state"]
        editable = self.has_change_permission(request, obj)
        return ["doctype", "name", "description", "initial_state", *(["revision"] if editable else []),
                "rollout_plain", "diagram"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pilots__unit__parent")

    @admin.display(description=_("áp dụng cho hồ sơ mới"))
    def rollout_plain(self, obj):
        """Where new documents start on this version: the whole province, a pilot's units, nowhere."""
        return rollout_status(obj, list(obj.pilots.all()))

    @admin.display(description=_("áp dụng cho hồ sơ mới"))
    def rollout(self, obj):
        """The same, with the way to the activation page (for those who may change workflows)."""
        status = self.rollout_plain(obj)
        if obj.is_active:
            return status
        return format_html('{} · <a href="{}">{}</a>', status, reverse("admin:workflow_activate", args=[obj.pk]),
                           gettext("Mở rộng, dừng thí điểm…") if obj.pilots.all() else gettext("Áp dụng, thí điểm…"))

    @admin.display(description=_("số hồ sơ"))
    def documents(self, obj):
        return registry.model_for(obj.doctype).objects.filter(workflow=obj).count()

    def get_list_display(self, request):
        # The tools are editing pages: not offered to those who may only read (they would get a 403).
        shown = super().get_list_display(request)
        if self.has_change_permission(request):
            return shown
        return [{"rollout": "rollout_plain"}.get(c, c) for c in shown if c != "tools"]

    @admin.display(description="")
    def tools(self, obj):
        return format_html('<a href="{}"><b>{}</b></a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
                           reverse("admin:workflow_builder", args=[obj.pk]), gettext("Mở trình thiết kế"),
                           reverse("admin:workflow_try_condition", args=[obj.pk]), gettext("Thử điều kiện"),
                           reverse("admin:workflow_migrate", args=[obj.pk]),
                           gettext("Chuyển hồ sơ sang phiên bản khác"))

    def changelist_view(self, request, extra_context=None):
        # The builder is the main way to change a workflow: one entry per document type, above the list.
        builders = [{"doctype": d, "title": doctype_title(d),
                     "url": reverse("admin:workflow_builder_start", args=[d])} for d in hookspec.doctype_models()]
        return super().changelist_view(request, {**(extra_context or {}), "builders": builders})

    @admin.display(description=_("sơ đồ"))
    def diagram(self, obj):
        if not obj or not obj.pk:
            return ""
        return mark_safe(workflow_svg(definitions.definition_to_dict(obj)))  # escaped inside workflow_svg

    # ------------------------------------------------------------------ validation of the whole definition
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problems = definitions.definition_problems(definitions.definition_to_dict(form.instance))
        if problems:
            raise InvalidDefinition(problems)  # leaves the admin's atomic block: everything rolls back

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except InvalidDefinition as exc:
            messages.error(request, gettext("Quy trình không hợp lệ nên chưa lưu gì. Lý do:"))
            for problem in exc.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(request.path)

    def response_change(self, request, obj):
        engine.clear_definition_cache()
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = definitions.definition_next_version(obj.doctype)
            super().save_model(request, obj, form, change)
            return
        locked = WorkflowDefinition.objects.select_for_update(of=("self",)).select_related("edited_by").get(pk=obj.pk)
        if locked.revision != form.cleaned_data.get("revision"):  # saved in the builder since the form checked
            raise InvalidDefinition([drafts.stale_message(locked)])
        super().save_model(request, obj, form, change)
        drafts.draft_touch(definition=obj, user=request.user)

    # ------------------------------------------------------------------ actions
    @admin.action(description=_("Tạo phiên bản mới (bản nháp) từ phiên bản đã chọn"), permissions=["add"])
    def make_new_version(self, request, queryset):
        for definition in queryset:
            new = definitions.definition_clone(definition=definition)
            link = format_html('<a href="{}">{}</a>', reverse("admin:workflow_workflowdefinition_change",
                                                              args=[new.pk]),
                               gettext("%(name)s phiên bản %(version)s") % {"name": new.name, "version": new.version})
            messages.success(request, format_html(gettext("Đã tạo bản nháp {}; sửa rồi bấm “Áp dụng, thí điểm…” ở "
                                                          "danh sách quy trình."), link))

    # ------------------------------------------------------------------ extra pages
    def get_urls(self):
        extra = [
            *self.builder_urls(),
            # Tools for editing workflows: only for those who may change them (never the auditor).
            path("<int:pk>/try-condition/", self.guarded_view(self.try_condition_view, read="change"),
                 name="workflow_try_condition"),
            path("<int:pk>/migrate/", self.guarded_view(self.migrate_view, read="change"), name="workflow_migrate"),
            path("<int:pk>/activate/", self.guarded_view(self.activate_view, read="change"), name="workflow_activate"),
            path("migration/<int:job_pk>/", self.guarded_view(self.migration_job_view, read="change", write=None),
                 name="workflow_migration_job"),
        ]
        return extra + super().get_urls()

    def try_condition_view(self, request, pk):
        definition = get_object_or_404(WorkflowDefinition, pk=pk)
        result = None
        condition = request.POST.get("condition", "") or request.GET.get("condition", "")
        code = request.POST.get("document", "") or request.GET.get("document", "")
        if request.method == "POST":
            result = condition_try(doctype=definition.doctype, actor=actor_for(request.user), expression=condition,
                                   document_code=code)
        names = sorted(registry.known_names(definition.doctype) - {"True", "False", "None"})
        transitions = definition.transitions.exclude(condition="")
        return render(request, "admin/workflow/try_condition.html", {
            **self.admin_site.each_context(request), "definition": definition, "condition": condition,
            "document_code": code, "result": result, "names": names, "transitions": transitions,
            "title": gettext("Thử điều kiện – %(definition)s") % {"definition": definition}, "opts": self.model._meta})

    # ------------------------------------------------------------------ activation: province or pilot
    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def activate_view(self, request, pk):
        """Apply a version: to the whole province, or as a pilot in chosen communes or districts; every
        problem shown and the step refused while there is one; a confirmation before anything changes;
        then the way to the migration preview. Also widening or stopping a running pilot."""
        definition = get_object_or_404(WorkflowDefinition, pk=pk)
        actor = actor_for(request.user)
        data = request.POST if request.method == "POST" else request.GET
        mode = data.get("mode") if data.get("mode") in ("province", "pilot") else \
            ("province" if definition.pilots.exists() else "pilot")
        units = data.getlist("units")
        op = request.POST.get("op", "") if request.method == "POST" else ""
        problems: list[str] = []
        confirm = None
        if op in ("check", "confirm") and data.get("mode") not in ("province", "pilot"):
            # A step sent without a choice of how to apply it is refused, never guessed.
            problems = [gettext("Hãy chọn áp dụng cho toàn tỉnh hoặc thí điểm tại một số xã, huyện.")]
        elif op in ("check", "confirm"):
            if mode == "pilot":
                chosen, problems = rollout.pilot_start_problems(actor=actor, definition=definition, units=units)
            else:
                chosen, problems = [], rollout.province_apply_problems(actor=actor, definition=definition)
            if not problems and op == "check":
                confirm = {"mode": mode, "units": chosen}
            elif not problems:
                try:
                    if mode == "pilot":
                        rollout.definition_pilot_start(actor=actor, definition=definition, units=units)
                        messages.success(request, gettext(
                            "Đã bắt đầu thí điểm phiên bản %(version)s tại %(units)s. Hồ sơ mới ở đây bắt đầu theo "
                            "phiên bản %(version)s; nơi khác giữ phiên bản đang áp dụng.") % {
                            "version": definition.version, "units": ", ".join(unit_label(u) for u in chosen)})
                    elif definition.pilots.exists():
                        rollout.definition_pilot_widen(actor=actor, definition=definition)
                        messages.success(request, gettext("Đã mở rộng phiên bản %(version)s ra toàn tỉnh.")
                                         % {"version": definition.version})
                    else:
                        rollout.definition_province_apply(actor=actor, definition=definition)
                        messages.success(request, gettext("Đã áp dụng phiên bản %(version)s cho toàn tỉnh.")
                                         % {"version": definition.version})
                    return HttpResponseRedirect(reverse("admin:workflow_activate", args=[pk]) + "?done=1")
                except ServiceError as exc:
                    problems = exc.details or [exc.message]
        elif op == "stop":
            try:
                stopped = rollout.definition_pilot_stop(actor=actor, definition=definition,
                                                        units=request.POST.getlist("stop_units") or None)
                messages.success(request, gettext(
                    "Đã dừng thí điểm phiên bản %(version)s tại %(count)s địa bàn: hồ sơ mới ở đó bắt đầu theo phiên "
                    "bản đang áp dụng. Hồ sơ đã lập trong thời gian thí điểm vẫn theo phiên bản này cho đến khi được "
                    "chuyển.") % {"version": definition.version, "count": stopped})
                return HttpResponseRedirect(reverse("admin:workflow_activate", args=[pk]) + "?done=1")
            except ServiceError as exc:
                problems = exc.details or [exc.message]
        elif request.method == "POST":
            problems = [gettext("Thao tác không hợp lệ: hãy chọn lại trên trang này.")]
        definition.refresh_from_db()
        pilots = pilots_by_definition(definition.doctype)
        versions = [{"definition": d, "status": rollout_status(d, pilots.get(d.pk, [])),
                     "documents": registry.model_for(d.doctype).objects.filter(workflow=d).count()}
                    for d in WorkflowDefinition.objects.filter(doctype=definition.doctype).order_by("-version")]
        own_pilots = pilots.get(definition.pk, [])
        # After a change: where in-flight documents may be moved to this version (the migration preview).
        sources = []
        if request.GET.get("done") and (definition.is_active or own_pilots):
            sources = [v for v in versions if v["definition"].pk != definition.pk and v["documents"]]
        selected = {str(u) for u in units} if (op or mode == "pilot") else set()
        return render(request, "admin/workflow/activate.html", self._context(
            request, title=gettext("Áp dụng quy trình – %(definition)s") % {"definition": definition},
            definition=definition, mode=mode,
            definition_problems=definitions.definition_problems(definitions.definition_to_dict(definition)),
            status=rollout_status(definition, own_pilots), pilots=own_pilots, versions=versions,
            problems=problems, confirm=confirm, unit_groups=rollout_unit_groups(actor), selected=selected,
            sources=sources, may_province=rollout.province_administrator(actor)))

    # ------------------------------------------------------------------ migration with a preview
    def migrate_view(self, request, pk):
        """The preview of moving this version's in-flight documents to another (counts per state, the state
        map, where each lands, how many would lack required fields, the territory), then a confirmation that
        starts the move in the background."""
        source = get_object_or_404(WorkflowDefinition, pk=pk)
        actor = actor_for(request.user)
        data = request.POST if request.method == "POST" else request.GET
        targets = migration.migration_targets(source)
        target_id = query_id(data.get("target"))  # never raises
        target = None
        if target_id is not None:
            # Any version by its id: one of another document type is refused with its reason, never a 500.
            target = WorkflowDefinition.objects.filter(pk=target_id).first()
        elif targets:
            target = targets[0]
        chosen_units = data.getlist("units")
        units = chosen_units if (chosen_units or data.get("units_given")) else None
        mapping = {k[4:]: v for k, v in data.items() if k.startswith("map_")} if data.get("mapped") else None
        if "shown_target" in data and data.get("shown_target") != (str(target.pk) if target else ""):
            mapping = units = None  # another target chosen: its defaults (same codes, its pilot's units)
        plan = migration.migration_plan(actor=actor, source=source, target=target, mapping=mapping, units=units)
        notice = ""
        if request.method == "POST" and request.POST.get("confirm"):
            if request.POST.get("token") != plan.token:
                notice = gettext("Lựa chọn đã thay đổi so với bản xem trước nên chưa chuyển hồ sơ nào: hãy xem lại "
                                 "số liệu bên dưới rồi xác nhận.")
            elif not plan.problems:
                try:
                    job = migration.migration_start(actor=actor, source=source, target=target, mapping=mapping,
                                                    units=units)
                    return HttpResponseRedirect(reverse("admin:workflow_migration_job", args=[job.pk]))
                except ServiceError as exc:
                    plan.problems = exc.details or [exc.message]
        return render(request, "admin/workflow/migrate.html", self._context(
            request, title=gettext("Chuyển hồ sơ sang phiên bản khác – %(definition)s") % {"definition": source},
            source=source, targets=targets,
            target=plan.target, plan=plan, notice=notice, unit_groups=rollout_unit_groups(actor),
            selected={str(u.pk) for u in plan.units}, chunk=migration.CHUNK,
            target_status=rollout_status(plan.target) if plan.target else ""))

    def migration_job_view(self, request, job_pk):
        from housing_campaign.core.models import BackgroundJob

        job = BackgroundJob.objects.filter(pk=job_pk, kind=migration.JOB_KIND).first()
        if job is None:
            raise Http404(gettext("Không tìm thấy lần chuyển hồ sơ này."))
        source = WorkflowDefinition.objects.filter(pk=job.params.get("source")).first()
        target = WorkflowDefinition.objects.filter(pk=job.params.get("target")).first()
        context = {"job": job, "poll_url": reverse("admin:workflow_migration_job", args=[job.pk]),
                   "done_template": "admin/workflow/_migration_done.html", "source": source, "target": target}
        if request.htmx:
            return render(request, "desk/_job_progress.html", context)
        return render(request, "admin/workflow/migration_job.html", self._context(
            request, title=gettext("Tiến độ chuyển hồ sơ sang phiên bản khác"), **context))
