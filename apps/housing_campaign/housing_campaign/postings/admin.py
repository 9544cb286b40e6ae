"""Postings in the admin: records written on the desk (read-only here, limited to the territory by
``hooks.territory_scopes``); the communes' public contact details are data administrators keep."""
from django.contrib import admin

from housing_campaign.accounts.admin_base import BaseAdmin, ReadOnlyAdmin

from .models import CommuneContact, Posting, PostingEntry


class PostingEntryInline(admin.TabularInline):
    model = PostingEntry
    fields = ("number", "public_name", "village_name", "strand_name", "support_type", "amount", "case")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "commune", "village", "starts_on", "ends_on", "posted_by", "cancelled_at")
    list_filter = ("kind", "campaign")
    search_fields = ("code", "commune__name", "location")
    list_select_related = ("commune", "village", "posted_by")
    inlines = [PostingEntryInline]
    show_full_result_count = False


@admin.register(PostingEntry)
class PostingEntryAdmin(ReadOnlyAdmin):
    list_display = ("posting", "number", "public_name", "village_name", "amount")
    search_fields = ("posting__code",)
    list_select_related = ("posting",)
    show_full_result_count = False


@admin.register(CommuneContact)
class CommuneContactAdmin(BaseAdmin):
    list_display = ("unit", "office", "phone", "hours")
    search_fields = ("unit__name", "phone")
    list_select_related = ("unit",)
    autocomplete_fields = ()
    raw_id_fields = ("unit",)
