"""Funding in the admin: the campaign's tranches and top-up rules are edited here (data, no code); pools,
their ledgers, allocations, inspections and releases are records written on the desk by the services,
shown read-only and limited to the territory (``hooks.territory_scopes``)."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum

from housing_campaign.accounts.admin_base import BaseAdmin, ReadOnlyAdmin
from housing_campaign.core.formatting import format_vnd

from .models import Allocation, FundingPool, Inspection, PoolEntry, Release, TopUpRule, Tranche


@admin.register(FundingPool)
class FundingPoolAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "campaign", "source", "received_vnd", "allocated_vnd", "balance_vnd")
    list_filter = ("source", "campaign")
    search_fields = ("unit__name",)
    list_select_related = ("unit", "campaign")

    @admin.display(description="đã nhận")
    def received_vnd(self, obj):
        return format_vnd(obj.received)

    @admin.display(description="đã phân bổ")
    def allocated_vnd(self, obj):
        return format_vnd(obj.allocated)

    @admin.display(description="số dư")
    def balance_vnd(self, obj):
        return format_vnd(obj.balance)


@admin.register(PoolEntry)
class PoolEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "pool", "kind", "amount", "balance_after", "on_date", "reference", "created_by")
    list_filter = ("kind", "origin")
    search_fields = ("reference", "note")
    list_select_related = ("pool__unit", "created_by")
    show_full_result_count = False


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("case", "source", "portion", "amount", "decision_number", "created_at", "cancelled_at")
    list_filter = ("source", "portion")
    search_fields = ("case__code", "decision_number")
    list_select_related = ("case__household",)
    show_full_result_count = False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("case", "stage", "inspected_on", "inspector", "result")
    list_filter = ("stage", "result")
    search_fields = ("case__code",)
    list_select_related = ("case__household", "inspector")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ("case", "tranche", "amount", "released_on", "released_by")
    list_filter = ("tranche",)
    search_fields = ("case__code", "reference")
    list_select_related = ("case__household", "tranche", "released_by")


class TrancheForm(forms.ModelForm):
    class Meta:
        model = Tranche
        fields = ("campaign", "order", "name", "kind", "percent", "amount", "inspection_stage")

    def clean(self):
        cleaned = super().clean()
        kind, campaign = cleaned.get("kind"), cleaned.get("campaign")
        if kind == Tranche.Kind.PERCENT and not cleaned.get("percent"):
            self.add_error("percent", "Đợt tính theo tỷ lệ cần tỷ lệ phần trăm (1–100).")
        if kind == Tranche.Kind.AMOUNT and not cleaned.get("amount"):
            self.add_error("amount", "Đợt số tiền cố định cần số tiền lớn hơn 0.")
        if campaign is not None and kind == Tranche.Kind.PERCENT and cleaned.get("percent"):
            others = Tranche.objects.filter(campaign=campaign, kind=Tranche.Kind.PERCENT).exclude(pk=self.instance.pk)
            total = (others.aggregate(t=Sum("percent"))["t"] or 0) + cleaned["percent"]
            if total > 100:
                self.add_error("percent", f"Tổng tỷ lệ các đợt của chương trình thành {total}%, vượt 100%.")
        if campaign is not None and kind == Tranche.Kind.REST:
            if Tranche.objects.filter(campaign=campaign, kind=Tranche.Kind.REST).exclude(pk=self.instance.pk).exists():
                self.add_error("kind", "Chương trình đã có một đợt “phần còn lại”.")
            later = Tranche.objects.filter(campaign=campaign, order__gt=cleaned.get("order") or 0).exclude(
                pk=self.instance.pk)
            if later.exists():
                self.add_error("order", "Đợt “phần còn lại” phải là đợt cuối cùng.")
        if self.instance.pk and self.instance.releases.exists() and self.has_changed() and (
                {"kind", "percent", "amount", "inspection_stage"} & set(self.changed_data)):
            raise ValidationError("Đợt đã có hồ sơ được giải ngân: không sửa cách tính hay giai đoạn kiểm tra; "
                                  "hãy thêm đợt mới.")
        return cleaned


@admin.register(Tranche)
class TrancheAdmin(BaseAdmin):
    form = TrancheForm
    list_display = ("campaign", "order", "name", "rule_text", "inspection_stage")
    list_filter = ("campaign",)

    @admin.display(description="mức giải ngân")
    def rule_text(self, obj):
        return obj.rule_text


@admin.register(TopUpRule)
class TopUpRuleAdmin(BaseAdmin):
    list_display = ("strand", "target_strand", "starts_on", "programme_source")

    def get_form(self, request, obj=None, *args, **kwargs):
        form = super().get_form(request, obj, *args, **kwargs)

        class TopUpRuleForm(form):
            def clean(self):
                cleaned = super().clean()
                strand, target, campaign = cleaned.get("strand"), cleaned.get("target_strand"), cleaned.get("campaign")
                if strand and target and strand == target:
                    self.add_error("target_strand", "Phải bổ sung lên mức của một nguồn hỗ trợ khác.")
                for field, value in (("strand", strand), ("target_strand", target)):
                    if value and campaign and value.campaign_id != campaign.pk:
                        self.add_error(field, "Nguồn hỗ trợ không thuộc chương trình đã chọn.")
                return cleaned

        return TopUpRuleForm
