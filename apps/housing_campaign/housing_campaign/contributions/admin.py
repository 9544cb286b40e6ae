from django.contrib import admin

from housing_campaign.accounts.admin_base import BaseAdmin

from .models import Contribution


@admin.register(Contribution)
class ContributionAdmin(BaseAdmin):
    list_display = ("donor_name", "donor_kind", "kind", "pledged_amount", "received_amount", "commune", "pledged_on")
    list_filter = ("donor_kind", "kind")
    search_fields = ("donor_name",)
    raw_id_fields = ("commune", "earmarked_case")
    list_select_related = ("commune",)

    def get_queryset(self, request):
        """Contributions to a commune are seen within its territory; province-wide ones by everyone."""
        from django.db.models import Q

        from housing_campaign.accounts.selectors import actor_for, territory_q

        qs = super().get_queryset(request)
        scoped = territory_q(actor_for(request.user), legacy_field="commune__path",
                             current_field="commune__successor__path")
        if not scoped:  # everywhere (an empty Q would turn "| province-wide" into "province-wide only")
            return qs
        return qs.filter(scoped | Q(commune__isnull=True))
