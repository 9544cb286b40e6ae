"""Administrators edit workflows without code: states and transitions as forms, validated as a
whole before anything is saved; a drawn diagram; a condition tried on a real case; activation of a
new version; migration of in-flight documents with a state mapping."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from housing_campaign.accounts.admin_base import BaseAdmin
from housing_campaign.accounts.models import Role
from housing_campaign.accounts.selectors import actor_for, scope
from housing_campaign.core import hookspec
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.validators import query_id

from . import definitions, drafts, engine, registry
from .builder import WorkflowBuilderMixin, doctype_title
from .conditions import condition_try
from .diagram import workflow_svg
from .models import WorkflowDefinition, WorkflowState, WorkflowTransition


class InvalidDefinition(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _role_choices():
    return [(r.code, r.name_vi) for r in Role.objects.order_by("code")]


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
    edit_roles = forms.MultipleChoiceField(label="vai trò được sửa hồ sơ", required=False,
                                           widget=forms.CheckboxSelectMultiple)
    required_fields = ListField(label="trường bắt buộc để rời trạng thái", required=False,
                                help_text="Mã trường, cách nhau bởi dấu phẩy (gồm cả trường bổ sung)")

    class Meta:
        model = WorkflowState
        fields = ("order", "code", "label_vi", "label_en", "stage", "edit_roles", "required_fields", "sla_days",
                  "is_terminal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_roles"].choices = _role_choices()


class TransitionForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(label="vai trò được thực hiện", widget=forms.CheckboxSelectMultiple)
    side_effects = forms.MultipleChoiceField(label="tác vụ kèm theo", required=False,
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WorkflowTransition
        fields = ("order", "source", "action", "label_vi", "label_en", "target", "kind", "roles", "condition",
                  "condition_message", "comment_required", "allow_previous_actor", "quorum", "territory_rule",
                  "side_effects")
        widgets = {"condition": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()
        self.fields["side_effects"].choices = [(k, v["label"]) for k, v in hookspec.side_effect_specs().items()]


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
            raise forms.ValidationError(["Quy trình không hợp lệ nên chưa lưu gì. Lý do:", *problems])


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
        self.fields["doctype"] = forms.ChoiceField(label="loại hồ sơ",
                                                   choices=[(d, d) for d in hookspec.doctype_models()])


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(WorkflowBuilderMixin, BaseAdmin):
    form = DefinitionForm
    list_display = ("doctype", "version", "name", "is_active", "documents", "activated_at", "tools")
    list_filter = ("doctype", "is_active")
    inlines = [StateInline, TransitionInline]
    actions = ["make_new_version", "activate_version"]
    readonly_fields = ("diagram",)
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
        return ["doctype", "name", "description", "initial_state", *(["revision"] if editable else []), "diagram"]

    @admin.display(description="số hồ sơ")
    def documents(self, obj):
        return registry.model_for(obj.doctype).objects.filter(workflow=obj).count()

    def get_list_display(self, request):
        # The tools are editing pages: not offered to those who may only read (they would get a 403).
        shown = super().get_list_display(request)
        return shown if self.has_change_permission(request) else [c for c in shown if c != "tools"]

    @admin.display(description="")
    def tools(self, obj):
        return format_html('<a href="{}"><b>Mở trình thiết kế</b></a> · <a href="{}">Thử điều kiện</a> · '
                           '<a href="{}">Chuyển hồ sơ sang phiên bản khác</a>',
                           reverse("admin:workflow_builder", args=[obj.pk]),
                           reverse("admin:workflow_try_condition", args=[obj.pk]),
                           reverse("admin:workflow_migrate", args=[obj.pk]))

    def changelist_view(self, request, extra_context=None):
        # The builder is the main way to change a workflow: one entry per document type, above the list.
        builders = [{"doctype": d, "title": doctype_title(d),
                     "url": reverse("admin:workflow_builder_start", args=[d])} for d in hookspec.doctype_models()]
        return super().changelist_view(request, {**(extra_context or {}), "builders": builders})

    @admin.display(description="sơ đồ")
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
            messages.error(request, "Quy trình không hợp lệ nên chưa lưu gì. Lý do:")
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
    @admin.action(description="Tạo phiên bản mới (bản nháp) từ phiên bản đã chọn", permissions=["add"])
    def make_new_version(self, request, queryset):
        for definition in queryset:
            new = definitions.definition_clone(definition=definition)
            messages.success(request, format_html('Đã tạo bản nháp <a href="{}">{} phiên bản {}</a>; sửa rồi '
                                                  'chọn “Áp dụng phiên bản”.',
                                                  reverse("admin:workflow_workflowdefinition_change",
                                                          args=[new.pk]), new.name, new.version))

    @admin.action(description="Áp dụng phiên bản đã chọn cho hồ sơ mới", permissions=["change"])
    def activate_version(self, request, queryset):
        for definition in queryset:
            try:
                definitions.definition_activate(definition=definition)
                messages.success(request, f"Đã áp dụng {definition}. Hồ sơ đang xử lý tiếp tục theo phiên bản cũ, "
                                          "trừ khi được chuyển sang phiên bản mới.")
            except ServiceError as exc:
                messages.error(request, f"Không áp dụng được {definition}: ")
                for problem in exc.details or [exc.message]:
                    messages.error(request, problem)

    # ------------------------------------------------------------------ extra pages
    def get_urls(self):
        extra = [
            *self.builder_urls(),
            # Tools for editing workflows: only for those who may change them (never the auditor).
            path("<int:pk>/try-condition/", self.guarded_view(self.try_condition_view, read="change"),
                 name="workflow_try_condition"),
            path("<int:pk>/migrate/", self.guarded_view(self.migrate_view, read="change"), name="workflow_migrate"),
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
            "title": f"Thử điều kiện – {definition}", "opts": self.model._meta})

    def migrate_view(self, request, pk):
        source = get_object_or_404(WorkflowDefinition, pk=pk)
        model = registry.model_for(source.doctype)
        targets = WorkflowDefinition.objects.filter(doctype=source.doctype).exclude(pk=source.pk)
        target_id = query_id(request.POST.get("target") or request.GET.get("target"))  # never raises
        target = (targets.filter(pk=target_id).first() if target_id is not None else None) \
            or targets.filter(is_active=True).first()
        in_scope = scope(model.objects.filter(workflow=source), actor_for(request.user))  # the user's territory
        in_use = list(in_scope.values_list("state", flat=True).distinct())
        target_states = list(target.states.values_list("code", "label_vi")) if target else []
        if request.method == "POST" and request.POST.get("confirm") and target:
            mapping = {state: request.POST.get(f"map_{state}", "") for state in in_use}
            try:
                moved = engine.documents_migrate(actor=actor_for(request.user), doctype=source.doctype,
                                                 source=source, target=target, mapping=mapping)
                messages.success(request, f"Đã chuyển {moved} hồ sơ sang phiên bản {target.version}.")
                return HttpResponseRedirect(reverse("admin:workflow_workflowdefinition_changelist"))
            except ServiceError as exc:
                for problem in exc.details or [exc.message]:
                    messages.error(request, problem)
        target_codes = {c for c, _ in target_states}
        rows = [{"state": s, "count": in_scope.filter(state=s).count(),
                 "default": s if s in target_codes else ""} for s in sorted(in_use)]
        return render(request, "admin/workflow/migrate.html", {
            **self.admin_site.each_context(request), "source": source, "targets": targets, "target": target,
            "rows": rows, "target_states": target_states, "title": f"Chuyển hồ sơ – {source}",
            "opts": self.model._meta})
