from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin, ReadOnlyAdmin
from housing_campaign.core.hookspec import side_effect_label, side_effect_specs
from housing_campaign.core.models import BackgroundJob, DocumentEvent, Notification, Sequence, SideEffectJob
from housing_campaign.core.sideeffects import side_effect_job_retry_now
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.workflow.labels import event_labels


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "doctype", "object_id", "kind", "from_label", "to_label", "action_label", "actor",
                    "acting_for")
    list_filter = ("doctype", "kind")
    search_fields = ("comment", "action")
    date_hierarchy = "at"

    def changelist_view(self, request, extra_context=None):
        self._versions = {}  # workflow versions of the rows of this page (workflow.labels.definition_id)
        return super().changelist_view(request, extra_context)

    def _labels(self, obj) -> dict[str, str]:
        return event_labels(obj, getattr(self, "_versions", None))

    @admin.display(description=_("từ trạng thái"), ordering="from_state")
    def from_label(self, obj):
        return self._labels(obj)["from"]

    @admin.display(description=_("đến trạng thái"), ordering="to_state")
    def to_label(self, obj):
        return self._labels(obj)["to"]

    @admin.display(description=_("thao tác"), ordering="action")
    def action_label(self, obj):
        return self._labels(obj)["action"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from housing_campaign.accounts.selectors import actor_for
        from housing_campaign.cases.selectors import cases_visible

        return qs.filter(doctype="housing_case", object_id__in=cases_visible(actor_for(request.user)).values("pk"))


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "subject_in_language", "read_at")

    @admin.display(description=_("tiêu đề"), ordering="subject")
    def subject_in_language(self, obj):
        return obj.subject_text

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    list_display = ("key", "last_value")


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "status", "done", "total", "created_by")


class SideEffectNameFilter(admin.SimpleListFilter):
    """Side effects by their label (hooks.side_effects), not their code."""

    title = _("tác vụ")
    parameter_name = "name"

    def lookups(self, request, model_admin):
        names = set(SideEffectJob.objects.values_list("name", flat=True).distinct()) | set(side_effect_specs())
        return sorted(((name, side_effect_label(name)) for name in names), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(name=self.value()) if self.value() else queryset


@admin.register(SideEffectJob)
class SideEffectJobAdmin(BaseAdmin):
    """What ran after each change, what failed and why; an administrator can ask for another attempt
    (the one change allowed: every field is read-only)."""

    list_display = ("created_at", "label", "document", "documents", "status", "attempts", "next_attempt_at",
                    "short_error")
    list_filter = ("status", "kind", SideEffectNameFilter, "doctype")
    search_fields = ("=object_id", "last_error")
    date_hierarchy = "created_at"
    actions = ["retry_now"]

    def get_queryset(self, request):
        # Failures are always per document (a failing batch is split), so a territory sees its own.
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from housing_campaign.accounts.selectors import actor_for
        from housing_campaign.cases.selectors import cases_visible

        return qs.filter(doctype="housing_case", object_id__in=cases_visible(actor_for(request.user)).values("pk"))

    @admin.display(description=_("tác vụ"), ordering="name")
    def label(self, obj):
        return side_effect_label(obj.name) if obj.kind == obj.Kind.SIDE_EFFECT else obj.get_kind_display()

    @admin.display(description=_("hồ sơ"), ordering="object_id")
    def document(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if obj.doctype == "housing_case" and obj.object_id:
            return format_html('<a href="{}">{}</a>', reverse("desk:case", args=[obj.object_id]), obj.object_id)
        return obj.object_id or "—"

    @admin.display(description=_("số hồ sơ"))
    def documents(self, obj):
        return len(obj.object_ids)

    @admin.display(description=_("lỗi"))
    def short_error(self, obj):
        from housing_campaign.core.i18n import translate_stored

        return translate_stored(obj.last_error)[:120]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Chạy lại ngay các tác vụ đã chọn"), permissions=["change"])
    def retry_now(self, request, queryset):
        results = [side_effect_job_retry_now(job=job) for job in queryset]
        done = results.count(SideEffectJob.Status.DONE)
        messages.info(request, gettext("Đã chạy lại %(total)s tác vụ: %(done)s thành công, %(failed)s vẫn lỗi hoặc "
                                       "không còn chờ chạy.") % {"total": len(results), "done": done,
                                                                 "failed": len(results) - done})


# Reference data of geography (its admin sits here: the admin bases scope by territory, a layer above).
@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "system", "parent", "successor")
    list_filter = ("system", "level")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent", "successor")
    list_select_related = ("parent", "successor")
    scope_by_registry = False  # the national dataset is public; what a record may point to is still scoped
    # Reference data from the national dataset, loaded by `manage.py sync`: read-only here.


@admin.register(Village)
class VillageAdmin(BaseAdmin):
    list_display = ("name", "commune")
    search_fields = ("name", "commune__name")
    raw_id_fields = ("commune",)
    list_select_related = ("commune",)
