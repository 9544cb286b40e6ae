from django.contrib import admin

from .admin_base import ReadOnlyAdmin
from .models import BackgroundJob, DocumentEvent, Notification, Sequence


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "doctype", "object_id", "kind", "from_state", "to_state", "action", "actor", "acting_for")
    list_filter = ("doctype", "kind")
    search_fields = ("comment", "action")
    date_hierarchy = "at"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from housing_campaign.accounts.selectors import actor_for
        from housing_campaign.cases.selectors import cases_visible

        return qs.filter(doctype="housing_case", object_id__in=cases_visible(actor_for(request.user)).values("pk"))


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "subject", "read_at")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    list_display = ("key", "last_value")


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "status", "done", "total", "created_by")
