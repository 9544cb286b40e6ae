"""Households, contributions, postings, residents' feedback and nominations: read through the selectors that scope
them on the desk (another commune's record is 404 by every route)."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from housing_campaign.cases.selectors import cases_visible
from housing_campaign.commendations.models import Nomination
from housing_campaign.commendations.selectors import nominations_visible
from housing_campaign.contributions.models import Contribution
from housing_campaign.contributions.selectors import contributions_visible
from housing_campaign.core.validators import query_id
from housing_campaign.feedback.models import Feedback
from housing_campaign.feedback.selectors import feedback_visible
from housing_campaign.households.selectors import households_visible
from housing_campaign.postings.models import Posting
from housing_campaign.postings.selectors import posting_status, postings_visible
from housing_campaign.workflow.engine import compiled
from housing_campaign.workflow.models import Stage

from .. import representations as rep
from .. import serializers as s
from ..base import ApiView
from ..listing import keyset_page, page_response, pick, sparse
from .cases import events_page
from .common import (
    LIST_PARAMETERS,
    choice_param,
    not_found,
    ordering_parameter,
    path_text,
    since_param,
    text_param,
)


def _commune_q(params, *fields: str) -> Q | None:
    code = text_param(params, "commune", 20)
    if not code:
        return None
    q = Q()
    for field in fields:
        q |= Q(**{f"{field}__code": code})
    return q


COMMUNE_PARAMETER = OpenApiParameter("commune", str, description="Mã xã (trước hoặc từ 01/07/2025).")


# ---------------------------------------------------------------------------- households
class HouseholdList(ApiView):
    @extend_schema(operation_id="households_list", responses={200: s.HouseholdPage}, parameters=[
        COMMUNE_PARAMETER, OpenApiParameter("q", str, description="Tên chủ hộ hoặc số CCCD."),
        ordering_parameter(["code", "id"], "id"), *LIST_PARAMETERS], summary="Hộ gia đình trong địa bàn")
    def get(self, request):
        actor = self.actor()
        params = request.query_params
        fields = sparse(params, list(s.HouseholdOut().fields))
        qs = households_visible(actor)
        if (q := _commune_q(params, "commune", "commune__successor")) is not None:
            qs = qs.filter(q)
        if text := text_param(params, "q"):
            qs = qs.filter(Q(head_name__icontains=text) | Q(national_id=text))
        rows, cursor = keyset_page(qs.values(*rep.HOUSEHOLD_VALUES), params, allowed=["code", "id"], default="id")
        return Response(page_response(request, [pick(r, fields) for r in _households(actor, rows)], cursor))


def _households(actor, rows: list[dict]) -> list[dict]:
    codes = defaultdict(list)
    for household_id, code in cases_visible(actor).filter(household_id__in=[r["id"] for r in rows]).order_by(
            "code").values_list("household_id", "code"):
        codes[household_id].append(code)
    return [rep.household_item(r, codes[r["id"]]) for r in rows]


class HouseholdDetail(ApiView):
    @extend_schema(operation_id="households_retrieve", responses={200: s.HouseholdOut}, summary="Một hộ gia đình")
    def get(self, request, code):
        actor = self.actor()
        rows = list(households_visible(actor).filter(code=path_text(code, 30)).values(*rep.HOUSEHOLD_VALUES))
        if not rows:
            raise not_found(gettext("Không tìm thấy hộ gia đình trong địa bàn bạn phụ trách."))
        fields = sparse(request.query_params, list(s.HouseholdOut().fields))
        return Response(pick(_households(actor, rows)[0], fields))


# ---------------------------------------------------------------------------- contributions
def _contribution(c: Contribution) -> dict:
    return {"id": c.pk, "campaign": c.campaign.code, "donor_name": c.donor_name, "donor_kind": c.donor_kind,
            "kind": c.kind, "received_amount": c.received_amount, "item": c.item,
            "quantity": rep.decimal(c.quantity), "unit": c.unit, "value_per_day": c.value_per_day,
            "description": c.description, "own_share": c.own_share, "commune": rep.unit_ref(c.commune),
            "earmarked_case": c.earmarked_case.code if c.earmarked_case else None,
            "front_unit": rep.unit_ref(c.front_unit), "received_on": rep.when(c.received_on),
            "number": c.number_text, "public_code": c.public_code}


def _contributions(actor):
    return contributions_visible(actor).select_related("campaign", "commune", "earmarked_case", "front_unit")


class ContributionList(ApiView):
    @extend_schema(operation_id="contributions_list", responses={200: s.ContributionPage}, parameters=[
        COMMUNE_PARAMETER, OpenApiParameter("kind", str, enum=list(Contribution.Kind.values)),
        OpenApiParameter("campaign", str), OpenApiParameter("received_since", str, description="YYYY-MM-DD"),
        ordering_parameter(["received_on", "id"], "id"), *LIST_PARAMETERS],
        summary="Đóng góp (biên nhận tiền, vật liệu, ngày công) trong địa bàn")
    def get(self, request):
        params = request.query_params
        fields = sparse(params, list(s.ContributionOut().fields))
        qs = _contributions(self.actor())
        if (q := _commune_q(params, "commune", "commune__successor")) is not None:
            qs = qs.filter(q)
        if kind := choice_param(params, "kind", Contribution.Kind.values):
            qs = qs.filter(kind=kind)
        if campaign := text_param(params, "campaign", 40):
            qs = qs.filter(campaign__code=campaign)
        if since := since_param(params, "received_since"):
            qs = qs.filter(received_on__gte=timezone.localdate(since))
        rows, cursor = keyset_page(qs, params, allowed=["received_on", "id"], default="id")
        return Response(page_response(request, [pick(_contribution(c), fields) for c in rows], cursor))


class ContributionDetail(ApiView):
    @extend_schema(operation_id="contributions_retrieve", responses={200: s.ContributionOut},
                   summary="Một biên nhận đóng góp")
    def get(self, request, pk):
        found = _contributions(self.actor()).filter(pk=query_id(pk) or 0).first()
        if found is None:
            raise not_found(gettext("Không tìm thấy biên nhận này trong địa bàn bạn phụ trách."))
        return Response(pick(_contribution(found), sparse(request.query_params, list(s.ContributionOut().fields))))


# ---------------------------------------------------------------------------- postings
def _posting(p: Posting, *, entries: bool, today) -> dict:
    item = {"code": p.code, "campaign": p.campaign.code, "kind": p.kind, "status": posting_status(p, today)[0],
            "commune": rep.unit_ref(p.commune), "commune_2025": rep.unit_ref(p.commune_2025),
            "village": p.village.name if p.village else None, "starts_on": rep.when(p.starts_on),
            "ends_on": rep.when(p.ends_on), "location": p.location, "note": p.note,
            "created_at": rep.when(p.created_at),
            "cancelled_at": rep.when(p.cancelled_at), "cancel_reason": p.cancel_reason}
    if entries:
        item["entries"] = [{"number": e.number, "case": e.case.code, "public_name": e.public_name,
                            "village": e.village_name, "strand": e.strand_name, "support_type": e.support_type,
                            "amount": e.amount} for e in p.entries.select_related("case").order_by("number")]
    return item


def _postings(actor):
    return postings_visible(actor).select_related("campaign", "commune", "commune_2025", "village")


class PostingList(ApiView):
    @extend_schema(operation_id="postings_list", responses={200: s.PostingPage}, parameters=[
        COMMUNE_PARAMETER, OpenApiParameter("kind", str, enum=list(Posting.Kind.values)),
        ordering_parameter(["starts_on", "id"], "id"), *LIST_PARAMETERS], summary="Đợt niêm yết công khai")
    def get(self, request):
        params = request.query_params
        fields = sparse(params, [f for f in s.PostingOut().fields if f != "entries"])
        qs = _postings(self.actor())
        if (q := _commune_q(params, "commune", "commune_2025")) is not None:
            qs = qs.filter(q)
        if kind := choice_param(params, "kind", Posting.Kind.values):
            qs = qs.filter(kind=kind)
        rows, cursor = keyset_page(qs, params, allowed=["starts_on", "id"], default="id")
        today = timezone.localdate()
        return Response(page_response(request, [pick(_posting(p, entries=False, today=today), fields) for p in rows],
                                      cursor))


class PostingDetail(ApiView):
    @extend_schema(operation_id="postings_retrieve", responses={200: s.PostingOut},
                   summary="Một đợt niêm yết với danh sách đã niêm yết")
    def get(self, request, code):
        posting = _postings(self.actor()).filter(code=path_text(code, 40)).first()
        if posting is None:
            raise not_found(gettext("Không tìm thấy đợt niêm yết trong địa bàn bạn phụ trách."))
        fields = sparse(request.query_params, list(s.PostingOut().fields))
        return Response(pick(_posting(posting, entries=True, today=timezone.localdate()), fields))


# ---------------------------------------------------------------------------- feedback
def _feedback(f: Feedback) -> dict:
    """Never the sender's name, phone or network trace: the desk's lists do not show them either."""
    return {"code": f.code, "kind": f.kind, "state": f.state,
            "state_label": compiled(f.workflow_id).state_label(f.state),
            "stage": f.stage, "commune": rep.unit_ref(f.commune), "posting": f.posting.code if f.posting else None,
            "case": f.case.code if f.case else None, "holds_case": f.holds_case, "text": f.text,
            "submitted_at": rep.when(f.submitted_at), "answer": f.answer, "answered_at": rep.when(f.answered_at),
            "outcome": f.outcome, "assignee": f.assignee.username if f.assignee_id else None,
            "lock_version": f.lock_version}


def _feedback_qs(actor):
    return feedback_visible(actor).select_related("commune", "posting", "case", "assignee")


class FeedbackList(ApiView):
    @extend_schema(operation_id="feedback_list", responses={200: s.FeedbackPage}, parameters=[
        COMMUNE_PARAMETER, OpenApiParameter("kind", str, enum=list(Feedback.Kind.values)),
        OpenApiParameter("stage", str, enum=list(Stage.values)), OpenApiParameter("state", str),
        ordering_parameter(["submitted_at", "id"], "id"), *LIST_PARAMETERS], summary="Phản ánh của người dân")
    def get(self, request):
        params = request.query_params
        fields = sparse(params, list(s.FeedbackOut().fields))
        qs = _feedback_qs(self.actor())
        if (q := _commune_q(params, "commune", "commune_2025")) is not None:
            qs = qs.filter(q)
        if kind := choice_param(params, "kind", Feedback.Kind.values):
            qs = qs.filter(kind=kind)
        if stage := choice_param(params, "stage", Stage.values):
            qs = qs.filter(stage=stage)
        if state := text_param(params, "state", 60):
            qs = qs.filter(state=state)
        rows, cursor = keyset_page(qs, params, allowed=["submitted_at", "id"], default="id")
        return Response(page_response(request, [pick(_feedback(f), fields) for f in rows], cursor))


def _feedback_for(actor, code) -> Feedback:
    found = _feedback_qs(actor).filter(code=path_text(code, 20)).first()
    if found is None:
        raise not_found(gettext("Không tìm thấy phản ánh trong địa bàn bạn phụ trách."))
    return found


class FeedbackDetail(ApiView):
    @extend_schema(operation_id="feedback_retrieve", responses={200: s.FeedbackOut}, summary="Một phản ánh")
    def get(self, request, code):
        fields = sparse(request.query_params, list(s.FeedbackOut().fields))
        return Response(pick(_feedback(_feedback_for(self.actor(), code)), fields))


class FeedbackEvents(ApiView):
    @extend_schema(operation_id="feedback_events", responses={200: s.EventPage},
                   parameters=[ordering_parameter(["id"], "id"), *LIST_PARAMETERS], summary="Nhật ký của phản ánh")
    def get(self, request, code):
        return Response(events_page(request, Feedback.DOCTYPE, _feedback_for(self.actor(), code).pk))


# ---------------------------------------------------------------------------- nominations
def _nomination(n: Nomination, cases: list[str]) -> dict:
    return {"code": n.code, "campaign": n.campaign.code, "nominee_kind": n.nominee_kind, "nominee_name": n.nominee_name,
            "award_form": n.award_form.code, "achievement": n.achievement,
            "group": n.participant.group if n.participant_id else None,
            "proposing_unit": rep.unit_ref(n.proposing_unit), "proposer_name": n.proposer_name,
            "state": n.state, "state_label": compiled(n.workflow_id).state_label(n.state), "stage": n.stage,
            "state_since": rep.when(n.state_since), "decision_number": n.decision_number,
            "decided_on": n.decision.issued_on.isoformat() if n.decision_id else None,
            "proposal_number": n.proposal.number if n.proposal_id else None, "cases": cases,
            "created_at": rep.when(n.created_at)}


def _nominations(actor):
    return nominations_visible(actor).select_related("campaign", "award_form", "proposing_unit", "participant",
                                                     "decision", "proposal")


def _nomination_cases(actor, nominations) -> dict[int, list[str]]:
    through = Nomination.cases.through
    visible = cases_visible(actor).values("pk")
    codes = defaultdict(list)
    for nomination_id, code in through.objects.filter(nomination_id__in=[n.pk for n in nominations],
                                                      housingcase_id__in=visible).order_by(
            "housingcase__code").values_list("nomination_id", "housingcase__code"):
        codes[nomination_id].append(code)
    return codes


class NominationList(ApiView):
    @extend_schema(operation_id="nominations_list", responses={200: s.NominationPage}, parameters=[
        OpenApiParameter("campaign", str), OpenApiParameter("stage", str, enum=list(Stage.values)),
        OpenApiParameter("state", str), ordering_parameter(["created_at", "id"], "id"), *LIST_PARAMETERS],
        summary="Đề nghị khen thưởng")
    def get(self, request):
        actor = self.actor()
        params = request.query_params
        fields = sparse(params, list(s.NominationOut().fields))
        qs = _nominations(actor)
        if campaign := text_param(params, "campaign", 40):
            qs = qs.filter(campaign__code=campaign)
        if stage := choice_param(params, "stage", Stage.values):
            qs = qs.filter(stage=stage)
        if state := text_param(params, "state", 60):
            qs = qs.filter(state=state)
        rows, cursor = keyset_page(qs, params, allowed=["created_at", "id"], default="id")
        codes = _nomination_cases(actor, rows)
        return Response(page_response(request, [pick(_nomination(n, codes[n.pk]), fields) for n in rows], cursor))


def _nomination_for(actor, code) -> Nomination:
    found = _nominations(actor).filter(code=path_text(code, 30)).first()
    if found is None:
        raise not_found(gettext("Không tìm thấy đề nghị khen thưởng trong địa bàn bạn phụ trách."))
    return found


class NominationDetail(ApiView):
    @extend_schema(operation_id="nominations_retrieve", responses={200: s.NominationOut},
                   summary="Một đề nghị khen thưởng")
    def get(self, request, code):
        actor = self.actor()
        nomination = _nomination_for(actor, code)
        fields = sparse(request.query_params, list(s.NominationOut().fields))
        return Response(pick(_nomination(nomination, _nomination_cases(actor, [nomination])[nomination.pk]), fields))


class NominationEvents(ApiView):
    @extend_schema(operation_id="nominations_events", responses={200: s.EventPage},
                   parameters=[ordering_parameter(["id"], "id"), *LIST_PARAMETERS],
                   summary="Nhật ký của đề nghị khen thưởng")
    def get(self, request, code):
        return Response(events_page(request, Nomination.DOCTYPE, _nomination_for(self.actor(), code).pk))
