"""Cases over the API: the desk's queue with its filters, a case with everything its page shows, and every
write through the desk's services (survey, stage forms, progress with photos, acceptance, attachments, workflow
actions one by one or in bulk), with the same permission checks, territory, conditions, locks and log."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from housing_campaign.campaigns.models import Campaign, Category, Strand, SupportType
from housing_campaign.cases import services as case_services
from housing_campaign.cases.models import HousingCase
from housing_campaign.cases.queue import QueueFilters, queue_queryset
from housing_campaign.cases.selectors import case_get_for_actor, cases_visible
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.models import DocumentEvent
from housing_campaign.core.validators import normalize_text
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.workflow import engine
from housing_campaign.workflow.models import Stage

from .. import representations as rep
from .. import serializers as s
from ..base import ApiView
from ..listing import keyset_page, page_response, pick, sparse
from .common import (
    LIST_PARAMETERS,
    bad,
    bool_param,
    choice_param,
    not_found,
    ordering_parameter,
    path_text,
    refuse_role_first,
    renamed,
    since_param,
    text_param,
)

CASE_ORDERINGS = ["state_since", "created_at", "code", "id"]
CASE_FIELDS = list(s.CaseListItem().fields)


def case_for(actor, code: str, *, for_update: bool = False) -> HousingCase:
    """The case with this code if the actor may see it; 404 otherwise, whether it exists elsewhere or not."""
    pk = cases_visible(actor).filter(code=path_text(code, 30)).values_list("pk", flat=True).first()
    if pk is None:
        raise not_found(gettext("Không tìm thấy hồ sơ trong địa bàn bạn phụ trách."))
    return case_get_for_actor(actor=actor, case_id=pk, for_update=for_update)


def territory(params) -> tuple[str, bool]:
    """(path, is a commune) of ``territory`` (a unit's code; ``territory_system=2025`` for the 2025 units), or the
    desk's ``unit`` path."""
    code = text_param(params, "territory", 20)
    system = choice_param(params, "territory_system", ["legacy", "2025"]) or "legacy"
    if code:
        found = rep.unit_by_code(system, code)
        if found is None:
            raise bad("territory", gettext("Không có đơn vị hành chính mã “%(code)s” (%(system)s).") % {
                "code": code, "system": system})
        return found[0], found[1] == AdminUnit.Level.COMMUNE
    return text_param(params, "unit", 80), False


def case_queryset(actor, params):
    """The desk's queue query (cases.queue), plus the API's campaign, strand code and ``updated_since``."""
    path, commune = territory(params)
    filters = QueueFilters(
        scope=choice_param(params, "scope", ["all", "mine"]) or "all", unit="" if commune else path,
        stage=choice_param(params, "stage", Stage.values), state=text_param(params, "state", 60),
        support_type=choice_param(params, "support_type", SupportType.values),
        category=choice_param(params, "category", Category.values), overdue=bool(bool_param(params, "overdue")),
        q=text_param(params, "q"))
    qs = queue_queryset(actor, filters)
    if commune:
        # A case's unit path is its commune's: the queue's prefix filter, as one equality the indexes serve.
        qs = qs.filter(**{"unit_path" if path.startswith("L.") else "unit_2025_path": path})
    if campaign := text_param(params, "campaign", 40):
        qs = qs.filter(campaign__code=campaign)
    if strand := text_param(params, "strand", 40):
        qs = qs.filter(strand__code=strand)
    if since := since_param(params, "updated_since"):
        # Every change of a case is on its log (created, edited, moved, photos, documents): the log says when.
        qs = qs.filter(pk__in=DocumentEvent.objects.filter(doctype=HousingCase.DOCTYPE, at__gte=since)
                       .values("object_id"))
    return qs


CASE_FILTERS = [
    OpenApiParameter("scope", str, enum=["all", "mine"],
                     description="all: mọi hồ sơ trong địa bàn (mặc định); mine: hồ sơ chờ bạn xử lý."),
    OpenApiParameter("territory", str, description="Mã đơn vị hành chính (xã, huyện, tỉnh)."),
    OpenApiParameter("territory_system", str, enum=["legacy", "2025"], description="Hệ đơn vị của territory."),
    OpenApiParameter("unit", str, description="Đường dẫn đơn vị như trên bàn làm việc (L.62.610.23344.)."),
    OpenApiParameter("stage", str, enum=list(Stage.values)),
    OpenApiParameter("state", str),
    OpenApiParameter("strand", str, description="Mã nguồn hỗ trợ."),
    OpenApiParameter("support_type", str, enum=list(SupportType.values)),
    OpenApiParameter("category", str, enum=list(Category.values)),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("q", str, description="Tên chủ hộ, số CCCD hoặc mã hồ sơ."),
    OpenApiParameter("campaign", str, description="Mã chương trình."),
    OpenApiParameter("updated_since", str, description="Có thay đổi từ thời điểm này (ISO 8601)."),
    ordering_parameter(CASE_ORDERINGS, "state_since"), *LIST_PARAMETERS,
]


class CaseList(ApiView):
    @extend_schema(operation_id="cases_list", parameters=CASE_FILTERS, responses={200: s.CasePage},
                   summary="Danh sách hồ sơ (như hàng đợi của bàn làm việc)")
    def get(self, request):
        actor = self.actor()
        fields = sparse(request.query_params, CASE_FIELDS)
        qs = case_queryset(actor, request.query_params).values(*rep.CASE_COLUMNS)
        rows, cursor = keyset_page(qs, request.query_params, allowed=CASE_ORDERINGS, default="state_since")
        items = rep.case_list_items(rows, request, now=timezone.now())
        return Response(page_response(request, [pick(item, fields) for item in items], cursor))

    @extend_schema(operation_id="cases_create", request=s.CaseCreateIn, responses={201: s.CaseDetail},
                   summary="Lập hồ sơ mới (hộ gia đình và thông tin rà soát), như biểu mẫu rà soát")
    def post(self, request):
        actor = self.actor()
        data = self.body(s.CaseCreateIn)
        campaign = _campaign(data.get("campaign"))
        household_data, survey = _survey_input(campaign, data["household"], data["survey"])
        # The household and the house are checked together, so every error shows at once (as the survey form).
        errors = {**renamed(validation_error(case_services.household_errors(
            household_data, campaign=campaign, actor=actor)), prefix="household.").errors,
                  **renamed(validation_error(case_services.survey_errors(campaign, survey)),
                            prefix="survey.").errors}
        if errors:
            raise validation_error(errors)
        try:
            with transaction.atomic():
                household = case_services.household_create(actor=actor, campaign=campaign, data=household_data)
                case = case_services.case_create(actor=actor, campaign=campaign, household=household,
                                                 survey_round=campaign.rounds.order_by("-number").first(),
                                                 data=survey, extra=data.get("extra") or {})
        except ServiceError as exc:
            raise renamed(exc, {k: f"household.{k}" for k in case_services.HOUSEHOLD_FIELDS} | {
                "commune": "household.commune", "household": "household"}, prefix="survey.") from None
        case = case_get_for_actor(actor=actor, case_id=case.pk)
        return Response(rep.case_detail(actor, case, request), status=status.HTTP_201_CREATED)


def _campaign(code: str | None) -> Campaign:
    qs = Campaign.objects.select_related("province", "province_2025")
    campaign = qs.filter(code=code).first() if code else qs.filter(is_active=True).order_by("-starts_on").first()
    if campaign is None:
        raise bad("campaign", gettext("Không có chương trình mã “%(code)s”.") % {"code": code} if code else
                  gettext("Chưa có chương trình đang thực hiện."))
    return campaign


def _survey_input(campaign: Campaign, household: dict, survey: dict) -> tuple[dict, dict]:
    """The survey form's two dicts (household, house) from the API's body: codes and ids resolved to records."""
    commune = AdminUnit.objects.select_related("successor").filter(
        system=AdminUnit.System.LEGACY, level=AdminUnit.Level.COMMUNE, code=household["commune"]).first()
    if commune is None:
        raise bad("household.commune", gettext("Không có xã mã “%(code)s”.") % {"code": household["commune"]})
    village = None
    if household.get("village"):
        village = Village.objects.filter(pk=household["village"], commune=commune).first()
        if village is None:
            raise bad("household.village", gettext("Thôn %(id)s không thuộc %(commune)s.") % {
                "id": household["village"], "commune": commune.name})
    household_data = {**{k: household.get(k) for k in ("head_name", "national_id", "category", "ethnicity",
                                                       "is_ethnic_minority", "social_assistance", "split_on",
                                                       "earlier_support", "land_status", "phone")},
                      "commune": commune, "village": village,
                      "address": household.get("address") or (village.name if village else "")}
    household_data["national_id"] = household_data["national_id"] or ""
    strand = Strand.objects.filter(campaign=campaign, code=survey["strand"]).first()
    if strand is None:
        raise bad("survey.strand", gettext("Chương trình %(campaign)s không có nguồn hỗ trợ mã “%(code)s”.") % {
            "campaign": campaign.code, "code": survey["strand"]})
    survey_village = village
    if survey.get("village"):
        survey_village = Village.objects.filter(pk=survey["village"], commune=commune).first()
        if survey_village is None:
            raise bad("survey.village", gettext("Thôn %(id)s không thuộc %(commune)s.") % {
                "id": survey["village"], "commune": commune.name})
    data = {k: survey.get(k) for k in case_services.SURVEY_FIELDS}
    data.update({"strand": strand, "village": survey_village, "survey_note": survey.get("survey_note", "")})
    return household_data, data


# Which service applies which fields: the desk's stage forms.
SURVEY_KEYS = set(case_services.SURVEY_FIELDS)
CONFIRMATION_KEYS = set(case_services.CONFIRMATION_FIELDS)
APPROVAL_KEYS = {"approval_decision_number", "approval_decision_date"}
HANDOVER_KEYS = {"handed_over_on"}


class CaseDetailView(ApiView):
    @extend_schema(operation_id="cases_retrieve", responses={200: s.CaseDetail},
                   parameters=[OpenApiParameter("fields", str, description="Chỉ trả các trường này.")],
                   summary="Một hồ sơ: mọi giai đoạn, kinh phí, tiến độ, nghiệm thu, giấy chứng nhận, tệp, thao tác")
    def get(self, request, code):
        actor = self.actor()
        fields = sparse(request.query_params, list(s.CaseDetail().fields))
        return Response(pick(rep.case_detail(actor, case_for(actor, code), request), fields))

    @extend_schema(operation_id="cases_partial_update", request=s.CaseUpdateIn, responses={200: s.CaseDetail},
                   summary="Sửa các trường mà trạng thái hiện tại cho phép (như biểu mẫu giai đoạn)")
    def patch(self, request, code):
        actor = self.actor()
        data = self.body(s.CaseUpdateIn)
        expected = data.pop("lock_version", None)
        if not data:
            raise bad("", gettext("Không có trường nào để sửa."))
        refuse_role_first(actor)  # the auditor is refused before a stale lock_version is judged
        with transaction.atomic():
            case = case_for(actor, code, for_update=True)
            if expected is not None and expected != case.lock_version:
                raise ServiceError(gettext("Hồ sơ vừa được người khác thay đổi (phiên bản %(now)s, bạn gửi %(sent)s); "
                                           "hãy đọc lại rồi gửi lại phần thay đổi.") % {
                    "now": case.lock_version, "sent": expected}, code=ErrorCode.STALE_STATE, field="lock_version")
            _apply_update(actor, case, data)
        return Response(rep.case_detail(actor, case_for(actor, code), request))


def _apply_update(actor, case: HousingCase, data: dict) -> None:
    extra = data.pop("extra", None)
    keys = set(data)
    try:
        if keys & SURVEY_KEYS:
            survey = {k: getattr(case, k) for k in case_services.SURVEY_FIELDS}
            survey.update({k: v for k, v in data.items() if k in SURVEY_KEYS})
            if "strand" in data:
                survey["strand"] = Strand.objects.filter(campaign_id=case.campaign_id, code=data["strand"]).first()
                if survey["strand"] is None:
                    raise bad("strand", gettext("Chương trình không có nguồn hỗ trợ mã “%(code)s”.") % {
                        "code": data["strand"]})
            if "village" in data:
                survey["village"] = Village.objects.filter(pk=data["village"]).first() if data["village"] else None
                if data["village"] and survey["village"] is None:
                    raise bad("village", gettext("Không có thôn %(id)s.") % {"id": data["village"]})
            survey["survey_note"] = survey.get("survey_note") or ""
            case_services.case_update_survey(actor=actor, case_id=case.pk, data=survey, extra=extra)
            extra = None
        if keys & CONFIRMATION_KEYS:
            confirmation = {k: getattr(case, k) for k in case_services.CONFIRMATION_FIELDS}
            confirmation.update({k: v for k, v in data.items() if k in CONFIRMATION_KEYS})
            case_services.case_update_confirmation(actor=actor, case_id=case.pk, data=confirmation)
        if keys & APPROVAL_KEYS:
            case_services.case_update_approval(
                actor=actor, case_id=case.pk,
                decision_number=data.get("approval_decision_number", case.approval_decision_number),
                decision_date=data.get("approval_decision_date", case.approval_decision_date))
        if keys & HANDOVER_KEYS:
            case_services.handover_record(actor=actor, case_id=case.pk, handed_over_on=data["handed_over_on"])
        if extra is not None:
            case_services.case_update_extra(actor=actor, case_id=case.pk, values=extra)
    except ServiceError as exc:
        raise renamed(exc) from None


class CaseEvents(ApiView):
    @extend_schema(operation_id="cases_events", parameters=[ordering_parameter(["id"], "id"), *LIST_PARAMETERS],
                   responses={200: s.EventPage}, summary="Nhật ký của hồ sơ (chỉ ghi thêm, không sửa)")
    def get(self, request, code):
        case = case_for(self.actor(), code)
        return Response(events_page(request, HousingCase.DOCTYPE, case.pk))


def events_page(request, doctype: str, object_id: int) -> dict:
    from django.contrib.auth import get_user_model

    fields = sparse(request.query_params, list(s.EventOut().fields))
    qs = DocumentEvent.objects.filter(doctype=doctype, object_id=object_id).values(*rep.EVENT_VALUES)
    rows, cursor = keyset_page(qs, request.query_params, allowed=["id"], default="id")
    ids = {r["actor_id"] for r in rows} | {r["acting_for_id"] for r in rows}
    users = dict(get_user_model().objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "username"))
    return page_response(request, [pick(rep.event_item(r, users), fields) for r in rows], cursor)


class CaseProgress(ApiView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(operation_id="cases_progress_create", request={"application/json": s.ProgressIn,
                                                                   "multipart/form-data": s.ProgressIn},
                   responses={201: s.ProgressOut}, summary="Ghi tiến độ thi công (kèm ảnh có thời gian, vị trí)")
    def post(self, request, code):
        actor = self.actor()
        data = self.body(s.ProgressIn)
        case = case_for(actor, code)
        try:
            entry = case_services.progress_add(actor=actor, case_id=case.pk, date=data["date"], stage=data["stage"],
                                               percent=data["percent"], note=data.get("note", ""),
                                               photos=list(data.get("photos") or []))
        except ServiceError as exc:
            raise renamed(exc) from None
        return Response({"id": entry.pk, "date": rep.when(entry.date), "stage": entry.stage, "percent": entry.percent,
                         "note": entry.note, "recorded_by": actor.user.username,
                         "photos": list(entry.photos.values_list("pk", flat=True))}, status=status.HTTP_201_CREATED)


class CaseAttachments(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="cases_attachments_create", request={"multipart/form-data": s.AttachmentIn},
                   responses={201: s.AttachmentOut}, summary="Thêm ảnh hoặc tệp PDF vào hồ sơ")
    def post(self, request, code):
        actor = self.actor()
        body = self.body(s.AttachmentIn)
        case = case_for(actor, code)
        try:
            attachment = case_services.attachment_add(actor=actor, case_id=case.pk, upload=body["file"],
                                                      caption=body.get("caption", ""))
        except ServiceError as exc:
            raise renamed(exc, {"file": "file", "upload": "file"}) from None
        return Response(rep.attachment(attachment), status=status.HTTP_201_CREATED)


class CaseAcceptance(ApiView):
    @extend_schema(operation_id="cases_acceptance_create", request=s.AcceptanceIn, responses={200: s.AcceptanceOut},
                   summary="Ghi kết quả nghiệm thu (đối chiếu tiêu chuẩn nhà hoàn thành)")
    def post(self, request, code):
        actor = self.actor()
        body = self.body(s.AcceptanceIn)
        case = case_for(actor, code)
        try:
            case_services.acceptance_record(actor=actor, case_id=case.pk, data=dict(body))
        except ServiceError as exc:
            raise renamed(exc) from None
        return Response(rep.case_detail(actor, case_for(actor, code), request)["acceptance"])


class CaseAction(ApiView):
    @extend_schema(operation_id="cases_action", request=s.ActionIn, responses={200: s.ActionOut},
                   summary="Thực hiện một thao tác của quy trình (duyệt, trả lại, …) với trạng thái mong đợi")
    def post(self, request, code, action):
        actor = self.actor()
        body = self.body(s.ActionIn)
        case = case_for(actor, code)
        action = path_text(action, 60)
        refuse_role_first(actor, case, action)  # 403 for a refused role, whatever the expected state
        comment = normalize_text(body.get("comment"), multiline=True, max_length=2000)
        expected = body.get("expected_state") or None
        try:
            result = engine.document_transition(actor=actor, doctype=HousingCase.DOCTYPE, object_id=case.pk,
                                                action=action, comment=comment, expected_state=expected)
        except ServiceError as exc:
            if exc.code == ErrorCode.COMMENT_REQUIRED:
                exc.field, exc.errors = "comment", {"comment": [exc.message]}
            if exc.code == ErrorCode.STALE_STATE:
                exc.field = "expected_state" if expected else None
            raise
        return Response({"outcome": rep.outcome(result, case.code),
                         "case": rep.case_detail(actor, case_for(actor, code), request)})


class BulkAction(ApiView):
    @extend_schema(operation_id="cases_bulk_action", request=s.BulkActionIn, responses={200: s.BulkOut},
                   summary="Một thao tác cho nhiều hồ sơ, kết quả riêng từng hồ sơ (không giới hạn số hồ sơ)")
    def post(self, request, action):
        actor = self.actor()
        data = self.body(s.BulkActionIn)
        refuse_role_first(actor)  # the auditor: one 403, not a stale state per case
        codes = list(dict.fromkeys(data["cases"]))
        ids = dict(cases_visible(actor).filter(code__in=codes).values_list("code", "pk"))
        expected = {ids[c]: state for c, state in (data.get("expected_states") or {}).items() if c in ids}
        comment = normalize_text(data.get("comment"), multiline=True, max_length=2000)
        results = engine.bulk_transition(actor=actor, doctype=HousingCase.DOCTYPE, ids=list(ids.values()),
                                         action=path_text(action, 60), comment=comment,
                                         expected_states=expected or None) if ids else []
        by_id = {r.object_id: r for r in results}
        out = []
        missing = gettext("Không tìm thấy hồ sơ trong địa bàn bạn phụ trách.")
        for code_ in codes:
            result = by_id.get(ids.get(code_))
            out.append(rep.outcome(result, code_) if result is not None else {
                "case": code_, "ok": False, "code": ErrorCode.NOT_FOUND.value, "message": missing, "from_state": "",
                "to_state": "", "vote_recorded": False})
        ok = sum(1 for r in out if r["ok"])
        return Response({"ok": ok, "failed": len(out) - ok, "results": out})


