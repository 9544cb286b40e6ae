"""The office's checklist of criteria and its reporting deadlines are data administrators may also edit here
(the emulation office edits them on the desk, /desk/thi-dua/tieu-chi/ and /desk/thi-dua/han-nop/). Both go
through the same services as the desk: the same checks (known evidence keys and groups, dates inside the
campaign, a provincial administrator), the same log; retired (unticked "đang áp dụng"), never deleted.
Participants, registrations, documents and initiatives are the desk's."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core.errors import ServiceError

from . import services
from .models import Criterion, EvidenceKey, Group, ReportingDeadline


class _ServiceForm(forms.ModelForm):
    """A model form whose rules are the service's: ``service_check`` returns the field errors it would raise."""

    actor = None

    def _apply(self, errors: dict) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, ValidationError(message))


class CriterionForm(_ServiceForm):
    evidence = forms.MultipleChoiceField(label=_("Minh chứng"), choices=EvidenceKey.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Criterion
        fields = ("campaign", "group", "order", "text", "evidence", "is_active")

    def clean(self):
        cleaned = super().clean()
        campaign = cleaned.get("campaign") or getattr(self.instance, "campaign", None)
        if campaign is not None and self.actor is not None:
            try:
                services.office_check(self.actor, campaign)
            except ServiceError as exc:
                self.add_error(None, ValidationError(exc.message))
        errors = services.Errors()
        values = services.criterion_values(errors, {**cleaned, "evidence": cleaned.get("evidence") or []})
        self._apply(errors)
        cleaned.update({k: v for k, v in values.items() if k not in errors})
        return cleaned


@admin.register(Criterion)
class CriterionAdmin(BaseAdmin):
    form = CriterionForm
    list_display = ("short_text", "group", "order", "evidence_labels", "campaign", "is_active")
    list_filter = ("campaign", "group", "is_active")
    search_fields = ("text", "code")
    readonly_fields = ("code",)

    @admin.display(description=_("tiêu chí"))
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=_("minh chứng"))
    def evidence_labels(self, obj):
        labels = dict(EvidenceKey.choices)
        return "; ".join(str(labels.get(k, k)) for k in obj.evidence or [])

    def has_delete_permission(self, request, obj=None):
        return False  # retired (unticked), never deleted: nominations and reports refer to them

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = actor_for(request.user)
        return form

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data.get(k) for k in ("group", "order", "text", "evidence", "is_active")}
        actor = actor_for(request.user)
        if change:
            saved = services.criterion_update(actor=actor, criterion_id=obj.pk, data=data)
        else:
            saved = services.criterion_create(actor=actor, campaign=form.cleaned_data["campaign"], data=data)
        obj.pk = saved.pk
        obj.refresh_from_db()


class DeadlineForm(_ServiceForm):
    groups = forms.MultipleChoiceField(label=_("Nhóm đối tượng phải nộp"), choices=Group.choices,
                                       widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = ReportingDeadline
        fields = ("campaign", "name", "kind", "due_on", "groups", "note", "is_active")

    def clean(self):
        cleaned = super().clean()
        campaign = cleaned.get("campaign") or getattr(self.instance, "campaign", None)
        if campaign is None:
            return cleaned
        if self.actor is not None:
            try:
                services.office_check(self.actor, campaign)
            except ServiceError as exc:
                self.add_error(None, ValidationError(exc.message))
        errors = services.Errors()
        services.deadline_values(errors, {**cleaned, "groups": cleaned.get("groups") or []}, campaign)
        if self.instance.pk and cleaned.get("kind") and cleaned["kind"] != self.instance.kind \
                and self.instance.submissions.exists():
            errors.add("kind", str(_("Đã có đơn vị nộp theo hạn này: không đổi được loại văn bản.")))
        self._apply({k: v for k, v in errors.items() if k not in self.errors})
        return cleaned


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(BaseAdmin):
    form = DeadlineForm
    list_display = ("name", "kind", "due_on", "groups", "campaign", "is_active")
    list_filter = ("campaign", "kind", "is_active")
    readonly_fields = ("code",)

    def has_delete_permission(self, request, obj=None):
        return False  # retired (unticked), never deleted: nominations and reports refer to them

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = actor_for(request.user)
        return form

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data.get(k) for k in ("name", "kind", "due_on", "groups", "note", "is_active")}
        actor = actor_for(request.user)
        if change:
            saved = services.deadline_update(actor=actor, deadline_id=obj.pk, data=data)
        else:
            saved = services.deadline_create(actor=actor, campaign=form.cleaned_data["campaign"], data=data)
        obj.pk = saved.pk
        obj.refresh_from_db()
