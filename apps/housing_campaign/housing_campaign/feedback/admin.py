"""Residents' feedback in the admin: records handled on the desk, read-only here and limited to the
territory (``hooks.territory_scopes``). The sender's name, phone and the client's hash are not shown here:
only the staff handling a feedback see the contact, on the desk."""
from django.contrib import admin

from housing_campaign.accounts.admin_base import ReadOnlyAdmin

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "commune", "state", "holds_case", "submitted_at", "answered_at")
    list_filter = ("kind", "state", "holds_case", "outcome")
    search_fields = ("code",)
    list_select_related = ("commune",)
    exclude = ("sender_name", "sender_phone", "client_hash", "text_hash", "extra")
    show_full_result_count = False
