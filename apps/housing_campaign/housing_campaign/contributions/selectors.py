"""Reads of donors, pledges and receipts, scoped to the actor's territory; a donor's history (which the
commendation work reads); totals by kind for public pages and dashboards; the public check of a
receipt's QR code."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.crypto import constant_time_compare

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import query_id
from housing_campaign.funding.selectors import territory_filter
from housing_campaign.geography.models import AdminUnit

from .models import Contribution, Donor, Kind, Pledge
from .tokens import receipt_token

# Who sees a donor's contact (kept private): the Front, which keeps it, and those who read everything.
CONTACT_ROLES = {"fatherland_front", "auditor", "administrator"}


def _front_q(actor: Actor, prefix: str = "") -> Q:
    return territory_q(actor, legacy_field=f"{prefix}front_unit__path", current_field=f"{prefix}front_unit__path")


def contributions_visible(actor: Actor) -> QuerySet[Contribution]:
    """Receipts whose value went into the actor's territory, or received by a Front committee inside it."""
    return Contribution.objects.filter(territory_q(actor) | _front_q(actor))


def pledges_visible(actor: Actor) -> QuerySet[Pledge]:
    return Pledge.objects.filter(territory_q(actor) | _front_q(actor))


def donors_visible(actor: Actor) -> QuerySet[Donor]:
    """Donors kept by a Front committee of the territory, and donors who gave to it."""
    given = Contribution.objects.filter(territory_q(actor)).values("donor_id")
    promised = Pledge.objects.filter(territory_q(actor)).values("donor_id")
    return Donor.objects.filter(territory_q(actor) | Q(pk__in=given) | Q(pk__in=promised))


def sees_contacts(actor: Actor) -> bool:
    return any(a.everywhere or a.roles & CONTACT_ROLES for a in actor.all_authorities)


def donor_get_for_actor(*, actor: Actor, donor_id) -> Donor:
    donor = donors_visible(actor).select_related("unit").filter(pk=query_id(donor_id) or 0).first()
    if donor is None:
        raise ServiceError("Không tìm thấy người ủng hộ này trong địa bàn bạn phụ trách.", code=ErrorCode.NOT_FOUND,
                           field="donor")
    return donor


def contribution_get_for_actor(*, actor: Actor, contribution_id) -> Contribution:
    found = (contributions_visible(actor).select_related("donor", "front_unit", "commune", "earmarked_case",
                                                         "pledge", "campaign", "document")
             .filter(pk=query_id(contribution_id) or 0).first())
    if found is None:
        raise ServiceError("Không tìm thấy biên nhận này trong địa bàn bạn phụ trách.", code=ErrorCode.NOT_FOUND)
    return found


@dataclass
class DonorHistory:
    donor: Donor
    pledges: list[Pledge]
    receipts: list[Contribution]
    pledged: int
    received: int
    by_kind: dict[str, int]
    houses: int

    @property
    def outstanding(self) -> int:
        """Promised and not yet received (never negative: a donor may give more than promised)."""
        return max(0, self.pledged - self.received_against_pledges)

    @property
    def received_against_pledges(self) -> int:
        return sum(r.received_amount for r in self.receipts if r.pledge_id)


def donor_history(*, actor: Actor, donor: Donor) -> DonorHistory:
    """Everything a donor promised and gave inside the actor's territory, newest first."""
    pledges = list(pledges_visible(actor).filter(donor=donor).select_related("commune", "earmarked_case")
                   .annotate(received=Sum("receipts__received_amount")).order_by("-pledged_on", "-id"))
    receipts = list(contributions_visible(actor).filter(donor=donor)
                    .select_related("commune", "earmarked_case__village", "pledge").order_by("-received_on", "-id"))
    by_kind: dict[str, int] = {}
    for receipt in receipts:
        by_kind[receipt.kind] = by_kind.get(receipt.kind, 0) + receipt.received_amount
    houses = len({r.earmarked_case_id for r in receipts if r.earmarked_case_id})
    return DonorHistory(donor=donor, pledges=pledges, receipts=receipts, pledged=sum(p.amount for p in pledges),
                        received=sum(by_kind.values()), by_kind=by_kind, houses=houses)


def donor_totals(*, donor_ids: list[int], campaign_id: int | None = None) -> dict[int, dict]:
    """{donor id: {"pledged", "received", "by_kind", "houses"}} for the commendation work (evidence of
    money mobilised), in three grouped queries."""
    receipts = Contribution.objects.filter(donor_id__in=donor_ids)
    pledges = Pledge.objects.filter(donor_id__in=donor_ids)
    if campaign_id:
        receipts, pledges = receipts.filter(campaign_id=campaign_id), pledges.filter(campaign_id=campaign_id)
    totals = {pk: {"pledged": 0, "received": 0, "by_kind": {}, "houses": 0} for pk in donor_ids}
    by_kind = receipts.values_list("donor_id", "kind").annotate(t=Sum("received_amount")).order_by()
    for donor_id, kind, total in by_kind:
        totals[donor_id]["by_kind"][kind] = total
        totals[donor_id]["received"] += total
    for donor_id, houses in receipts.values_list("donor_id").annotate(
            h=Count("earmarked_case", distinct=True)).order_by():
        totals[donor_id]["houses"] = houses
    for donor_id, total in pledges.values_list("donor_id").annotate(t=Sum("amount")).order_by():
        totals[donor_id]["pledged"] = total
    return totals


def contribution_figures(*, unit: AdminUnit | None = None, actor: Actor | None = None,
                         campaign_id: int | None = None, as_of: dt.date | None = None) -> dict:
    """Contributions received in a territory by kind ({kind: {"value", "count", "quantity"}}), and
    pledges (value promised, value of pledges not yet fully received): two grouped queries."""
    receipts = Contribution.objects.filter(territory_filter(unit=unit, actor=actor))
    pledges = Pledge.objects.filter(territory_filter(unit=unit, actor=actor))
    if campaign_id:
        receipts, pledges = receipts.filter(campaign_id=campaign_id), pledges.filter(campaign_id=campaign_id)
    if as_of:
        receipts, pledges = receipts.filter(received_on__lte=as_of), pledges.filter(pledged_on__lte=as_of)
    by_kind = {kind: {"label": label, "value": 0, "count": 0} for kind, label in Kind.choices}
    for kind, value, count in receipts.values_list("kind").annotate(v=Sum("received_amount"), c=Count("id")).order_by():
        by_kind[kind].update(value=value, count=count)
    pledged = pledges.aggregate(total=Sum("amount"), count=Count("id"))
    return {"by_kind": by_kind, "received": sum(v["value"] for v in by_kind.values()),
            "pledged": pledged["total"] or 0, "pledges": pledged["count"]}


# ---------------------------------------------------------------------------- public check of a receipt
@dataclass
class ReceiptCheck:
    status: str  # genuine | not_genuine
    contribution: Contribution | None = None


def receipt_verify(*, code: str, token: str) -> ReceiptCheck:
    """The receipt a QR code names, if its token is the site's signature of its code (constant time)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 20 or not token or len(token) > 100:
        return ReceiptCheck("not_genuine")
    if not constant_time_compare(receipt_token(code), token):
        return ReceiptCheck("not_genuine")
    found = (Contribution.objects.filter(public_code=code)
             .select_related("front_unit", "commune", "earmarked_case__commune", "earmarked_case__village",
                             "earmarked_case__household").first())
    return ReceiptCheck("genuine", found) if found else ReceiptCheck("not_genuine")
