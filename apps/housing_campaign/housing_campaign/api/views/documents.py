"""Residents' feedback and commendation nominations moved over the API, through exactly the services the desk
calls: the feedback's edit form and its workflow actions (``feedback_update``, ``feedback_act``), a new nomination
(``nomination_create``, which keeps the evidence of the day as for every nomination), its plain steps
(``nomination_act``) and the council's vote (``nomination_vote``). Same roles, territory (another commune's document
is 404), conditions, locks and log as the desk. The steps that issue a document (decisions, proposals, council
minutes, certificates) stay on the desk."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from housing_campaign.commendations import services as commendations
from housing_campaign.commendations.models import AwardForm
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import normalize_text
from housing_campaign.emulation.selectors import participants_visible
from housing_campaign.feedback import services as feedback_services
from housing_campaign.feedback.models import Feedback
from housing_campaign.workflow import engine

from .. import representations as rep
from .. import serializers as s
from ..base import ApiView
from ..listing import pick, sparse
from .cases import _campaign
from .common import bad, path_text, refuse_role_first, renamed
from .records import (
    FeedbackDetail,
    NominationList,
    _feedback,
    _feedback_for,
    _nomination,
    _nomination_cases,
    _nomination_for,
)

FEEDBACK_FORM_FIELDS = ("assignee", "answer", "outcome")


def _comment(value) -> str:
    return normalize_text(value, multiline=True, max_length=2000)


def _name_field(exc: ServiceError, expected: str | None, *, stale_version: bool = False) -> None:
    """Name the field a refusal is about: the comment a step needs, the state the client saw, or the version it
    read (``stale_version``: the state was as expected, so the version was not)."""
    if exc.code == ErrorCode.COMMENT_REQUIRED:
        exc.field, exc.errors = "comment", {"comment": [exc.message]}
    if exc.code == ErrorCode.STALE_STATE and not exc.field:
        exc.field = "lock_version" if stale_version else ("expected_state" if expected else None)
        exc.errors = {exc.field: [exc.message]} if exc.field else {}


# ---------------------------------------------------------------------------- feedback
def _feedback_data(data: dict) -> dict:
    """The desk form's values from the API's body: the assignee by username (the service checks who may be
    assigned; an unknown name is refused by it with its own message)."""
    out = {k: data[k] for k in FEEDBACK_FORM_FIELDS if k in data}
    if "assignee" in out and out["assignee"]:
        pk = get_user_model().objects.filter(username=out["assignee"]).values_list("pk", flat=True).first()
        out["assignee"] = str(pk or 0)
    elif "assignee" in out:
        out["assignee"] = ""
    return out


def _feedback_answer(request, actor, code: str) -> dict:
    fields = sparse(request.query_params, list(s.FeedbackOut().fields))
    return pick(_feedback(_feedback_for(actor, code)), fields)


class FeedbackItem(FeedbackDetail):
    """GET is the read (records.FeedbackDetail); PATCH saves the desk's edit form."""

    @extend_schema(operation_id="feedback_partial_update", request=s.FeedbackUpdateIn, responses={200: s.FeedbackOut},
                   summary="Sửa biểu mẫu xử lý phản ánh (người xử lý, câu trả lời, kết quả) như trên bàn làm việc")
    def patch(self, request, code):
        actor = self.actor()
        data = self.body(s.FeedbackUpdateIn)
        expected = data.pop("lock_version", None)
        if not data:
            raise bad("", gettext("Không có trường nào để sửa."))
        feedback = _feedback_for(actor, code)
        refuse_role_first(actor)
        allowed, reason = engine.can_edit(actor=actor, document=feedback)
        if not allowed:  # a refused role first, then a stale version
            raise ServiceError(reason, code=ErrorCode.PERMISSION_DENIED)
        try:
            feedback_services.feedback_update(actor=actor, feedback_id=feedback.pk, data=_feedback_data(data),
                                              expected_lock_version=expected)
        except ServiceError as exc:
            if exc.code == ErrorCode.STALE_STATE:
                exc.field, exc.errors = "lock_version", {"lock_version": [exc.message]}
            raise
        return Response(_feedback_answer(request, actor, code))


class FeedbackAction(ApiView):
    @extend_schema(operation_id="feedback_action", request=s.FeedbackActionIn, responses={200: s.FeedbackActionOut},
                   summary="Một thao tác xử lý phản ánh (giao, trả lời và công khai, …), kèm biểu mẫu xử lý nếu gửi "
                           "data, trong một giao dịch")
    def post(self, request, code, action):
        actor = self.actor()
        values = self.body(s.FeedbackActionIn)
        feedback = _feedback_for(actor, code)
        action = path_text(action, 60)
        refuse_role_first(actor, feedback, action)
        expected = values.get("expected_state") or None
        data = values.get("data")
        try:
            result = feedback_services.feedback_act(
                actor=actor, feedback_id=feedback.pk, action=action, comment=_comment(values.get("comment")),
                data=_feedback_data(data) if data is not None else None,
                expected_lock_version=values.get("lock_version"), expected_state=expected,
                publish_confirmed=values.get("publish_confirmed", False))
        except ServiceError as exc:
            exc = renamed(exc, {"confirm_publish": "publish_confirmed",
                                **{name: f"data.{name}" for name in FEEDBACK_FORM_FIELDS}})
            now = Feedback.objects.filter(pk=feedback.pk).values_list("state", flat=True).first()
            _name_field(exc, expected, stale_version=values.get("lock_version") is not None and (
                not expected or expected == now))
            raise exc from None
        return Response({"outcome": rep.document_outcome(result, feedback.code),
                         "feedback": _feedback(_feedback_for(actor, code))})


# ---------------------------------------------------------------------------- nominations
def _nomination_answer(actor, code: str) -> dict:
    nomination = _nomination_for(actor, code)
    return _nomination(nomination, _nomination_cases(actor, [nomination])[nomination.pk])


class Nominations(NominationList):
    """GET is the list (records.NominationList); POST files a nomination as the desk's form does."""

    @extend_schema(operation_id="nominations_create", request=s.NominationCreateIn, responses={201: s.NominationOut},
                   summary="Lập đề nghị khen thưởng (thẩm quyền, địa bàn, trùng thành tích kiểm tra như trên bàn làm "
                           "việc)")
    def post(self, request):
        actor = self.actor()
        data = self.body(s.NominationCreateIn)
        refuse_role_first(actor)
        campaign = _campaign(data.get("campaign"))
        participant = participants_visible(actor).filter(pk=data["participant"], campaign=campaign).select_related(
            "unit").first()
        award_form = AwardForm.objects.filter(code=data["award_form"]).first()
        errors = {}
        if participant is None:
            errors["participant"] = [gettext("Không có đối tượng tham gia số %(id)s của chương trình %(campaign)s "
                                             "trong địa bàn bạn phụ trách.") % {"id": data["participant"],
                                                                                  "campaign": campaign.code}]
        if award_form is None:
            errors["award_form"] = [gettext("Không có hình thức khen thưởng mã “%(code)s”.") % {
                "code": data["award_form"]}]
        if errors:
            field = next(iter(errors))
            raise ServiceError(errors[field][0], field=field, errors=errors)
        nomination = commendations.nomination_create(
            actor=actor, campaign=campaign, participant=participant, award_form=award_form,
            achievement=data["achievement"], proposer_kind=data.get("proposer_kind") or None)
        return Response(_nomination_answer(actor, nomination.code), status=status.HTTP_201_CREATED)


class NominationAction(ApiView):
    @extend_schema(operation_id="nominations_action", request=s.ActionIn, responses={200: s.NominationActionOut},
                   summary="Một bước của quy trình khen thưởng (trình, thẩm định, trả lại, không trình, …) với trạng "
                           "thái mong đợi; các bước ban hành văn bản làm trên bàn làm việc")
    def post(self, request, code, action):
        actor = self.actor()
        body = self.body(s.ActionIn)
        nomination = _nomination_for(actor, code)
        action = path_text(action, 60)
        refuse_role_first(actor, nomination, action)
        expected = body.get("expected_state") or None
        try:
            result = commendations.nomination_act(actor=actor, nomination_id=nomination.pk, action=action,
                                                  comment=_comment(body.get("comment")),
                                                  expected_state=expected)
        except ServiceError as exc:
            _name_field(exc, expected)
            raise
        return Response({"outcome": rep.document_outcome(result, nomination.code),
                         "nomination": _nomination_answer(actor, code)})


class NominationVote(ApiView):
    @extend_schema(operation_id="nominations_vote", request=s.VoteIn, responses={200: s.NominationActionOut},
                   summary="Phiếu biểu quyết của thành viên Hội đồng Thi đua - Khen thưởng (đồng ý / không đồng ý)")
    def post(self, request, code):
        actor = self.actor()
        data = self.body(s.VoteIn)
        nomination = _nomination_for(actor, code)
        refuse_role_first(actor)
        spec = engine.compiled(nomination.workflow_id)
        council = sorted({r for t in spec.transitions.values() if t.quorum > 1 for r in t.roles})
        if council and not any(a.roles & set(council) for a in actor.all_authorities):
            raise ServiceError(gettext("Chỉ thành viên %(council)s phụ trách địa bàn của đề nghị được biểu quyết; bạn "
                                       "không phải thành viên.") % {"council": engine.role_labels(council)},
                               code=ErrorCode.PERMISSION_DENIED)
        expected = data.get("expected_state") or None
        try:
            result = commendations.nomination_vote(actor=actor, nomination_id=nomination.pk, vote=data["vote"],
                                                   comment=_comment(data.get("comment")), expected_state=expected)
        except ServiceError as exc:
            _name_field(exc, expected)
            raise
        return Response({"outcome": rep.document_outcome(result, nomination.code),
                         "nomination": _nomination_answer(actor, code)})


