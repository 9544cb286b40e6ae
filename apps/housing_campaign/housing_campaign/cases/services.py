"""Every write on households and housing cases: validated, atomic, recorded on the timeline."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign, SupportNorm, SupportType
from housing_campaign.core import hookspec, validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.events import attachment_event, created_event, edited_event, event_save
from housing_campaign.core.formatting import format_number
from housing_campaign.core.i18n import joined, message, msgid, render_message
from housing_campaign.core.services import sequence_next
from housing_campaign.core.sideeffects import doc_events_emit
from housing_campaign.extrafields.services import extra_values_clean
from housing_campaign.geography.models import AdminUnit
from housing_campaign.households.models import Household
from housing_campaign.households.selectors import DUPLICATE_NATIONAL_ID, household_by_national_id
from housing_campaign.workflow import engine
from housing_campaign.workflow.labels import document_state_label

from . import eligibility
from .models import Acceptance, Attachment, HousingCase, PartCondition, Priority, ProgressEntry
from .selectors import case_get_for_actor
from .uploads import inspect_upload, stored_name

DOCTYPE = HousingCase.DOCTYPE

# Which stage each form belongs to: a form is open only while the case is in that stage.
FORM_STAGES = {
    "survey": "survey",
    "confirmation": "confirmation",
    "funding": "funding",
    "progress": "construction",
    "acceptance": "acceptance",
    "handover": "handover",
}
SURVEY_FIELDS = ("strand", "support_type", "floor_area", "persons", "foundation", "frame_walls", "roof",
                 "remaining_lifespan_years", "surveyed_on", "survey_note", "village")
_PART_CONDITIONS, _SUPPORT_TYPES = frozenset(PartCondition.values), frozenset(SupportType.values)  # checked per row
SURVEY_NOTE_MAX = 4000
CONFIRMATION_FIELDS = ("village_meeting_on", "village_meeting_agree", "village_meeting_total", "commune_list_number")


# ---------------------------------------------------------------------------- validation helpers
# Parsing and normalisation live in core.validators (shared with the admin, imports and the API);
# these wrappers collect each field's message so a form can show every error at once.
def national_id_error(value: str) -> str | None:
    return validators.national_id_error(validators.normalize_national_id(value))


def _decimal(value, label: str, errors: dict, key: str, *, positive: bool = True, max_digits: int = 7,
             maximum: Decimal = Decimal("10000")) -> Decimal | None:
    try:
        number = validators.parse_decimal(value, label, max_digits=max_digits, decimal_places=2)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None
    if positive and number <= 0:
        errors[key] = [gettext("%(label)s phải lớn hơn 0 (đang nhập %(value)s).") % {"label": label, "value": value}]
        return None
    if number > maximum:
        errors[key] = [gettext("%(label)s quá lớn (%(value)s).") % {"label": label, "value": value}]
        return None
    return number


def _int(value, label: str, errors: dict, key: str, *, minimum: int | None = None, maximum: int | None = None,
         required: bool = True) -> int | None:
    """An integer bounded by ``minimum``/``maximum`` and always by the column range (smallint unless a
    larger ``maximum`` is given)."""
    try:
        return validators.parse_int(value, label, minimum=minimum if minimum is not None else 0,
                                    maximum=maximum if maximum is not None else validators.SMALLINT_MAX,
                                    required=required)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None


def _date(value, label: str, errors: dict, key: str, *, earliest: dt.date = validators.EARLIEST_EVENT_DATE,
          required: bool = True) -> dt.date | None:
    """A date already parsed by the form (or given by code), checked to be plausible."""
    if value is None:
        if required:
            errors[key] = [gettext("Chưa nhập %(label)s.") % {"label": label.lower()}]
        return None
    try:
        return validators.parse_date(value, label, earliest=earliest)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None


def commune_in_campaign(campaign: Campaign, commune: AdminUnit) -> bool:
    if commune.level != AdminUnit.Level.COMMUNE:
        return False
    if commune.path.startswith(campaign.province.path):
        return True
    return bool(campaign.province_2025_id and commune.path.startswith(campaign.province_2025.path))


def priority_of(household: Household) -> int:
    if household.is_ethnic_minority:
        return Priority.ETHNIC_MINORITY
    if household.category == "meritorious":
        return Priority.MERITORIOUS
    if household.social_assistance:
        return Priority.SOCIAL_ASSISTANCE
    return Priority.OTHER


def support_norm_amount(*, case: HousingCase, on: dt.date | None = None) -> int:
    """The latest norm of the case's strand and support type valid on ``on``."""
    on = on or timezone.localdate()
    norm = (SupportNorm.objects.filter(strand_id=case.strand_id, support_type=case.support_type, valid_from__lte=on)
            .order_by("-valid_from").first())
    return norm.amount if norm else 0


# ---------------------------------------------------------------------------- households
HOUSEHOLD_FIELDS = ("head_name", "national_id", "category", "ethnicity", "is_ethnic_minority", "social_assistance",
                    "split_on", "earlier_support", "land_status", "village", "address", "phone")


def national_id_duplicate_error(*, national_id: str, actor: Actor | None = None,
                                exclude_pk: int | None = None) -> str | None:
    """Another household already holds this CCCD: say so, naming its case only to a user who may see it."""
    other = household_by_national_id(national_id=national_id, exclude_pk=exclude_pk)
    if other is None:
        return None
    if actor is not None:
        from .selectors import cases_visible

        code = (cases_visible(actor).filter(household=other).order_by("-created_at")
                .values_list("code", flat=True).first())
        if code:
            return gettext("Đã có hộ khác dùng số CCCD này: hộ %(head)s, hồ sơ %(code)s.") % {
                "head": other.head_name, "code": code}
    return str(DUPLICATE_NATIONAL_ID)


def _lock_national_ids() -> None:
    """Serialise the duplicate-CCCD check with concurrent household writes (a row lock on PostgreSQL;
    SQLite serialises writers anyway)."""
    from housing_campaign.core.models import Sequence

    Sequence.objects.bulk_create([Sequence(key="lock:household-national-id", last_value=0)], ignore_conflicts=True)
    list(Sequence.objects.select_for_update().filter(key="lock:household-national-id"))


def household_clean(data: dict, *, campaign: Campaign | None = None, actor: Actor | None = None,
                    exclude_pk: int | None = None,
                    check_duplicate: bool = True) -> tuple[dict, dict[str, list[str]]]:
    """The household's fields normalised (text, CCCD) and every problem with them. A bulk import checks
    duplicate CCCDs itself, for the whole file in a few queries (``check_duplicate=False``)."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: data[k] for k in HOUSEHOLD_FIELDS if k in data}
    for key, length in (("head_name", 120), ("ethnicity", 40), ("address", 300), ("phone", 20)):
        if key in cleaned:
            cleaned[key] = validators.normalize_text(cleaned[key], max_length=length)
    if not cleaned.get("head_name"):
        errors["head_name"] = [gettext("Chưa nhập họ tên chủ hộ.")]
    try:
        cleaned["national_id"] = validators.parse_national_id(data.get("national_id"))
    except validators.InputError as exc:
        errors["national_id"] = [exc.message]
    else:
        if check_duplicate and (message := national_id_duplicate_error(national_id=cleaned["national_id"], actor=actor,
                                                                    exclude_pk=exclude_pk)):
            errors["national_id"] = [message]
    commune = data.get("commune")
    if commune is None:
        errors["commune"] = [gettext("Chưa chọn xã.")]
    elif campaign and not commune_in_campaign(campaign, commune):
        errors["commune"] = [_outside_campaign(commune, campaign)]
    village = data.get("village")
    if village is not None and commune is not None and village.commune_id != commune.id:
        errors["village"] = [_village_outside(village, commune)]
    if data.get("split_on") is not None:
        cleaned["split_on"] = _date(data.get("split_on"), gettext("Ngày tách hộ"), errors, "split_on",
                                    earliest=validators.EARLIEST_LIFE_DATE)
    return cleaned, errors


def _outside_campaign(commune: AdminUnit, campaign: Campaign) -> str:
    return gettext("%(commune)s không thuộc địa bàn của chương trình %(campaign)s.") % {
        "commune": commune.name, "campaign": campaign.name}


def _village_outside(village, commune: AdminUnit) -> str:
    return gettext("Thôn %(village)s không thuộc %(commune)s.") % {"village": village.name, "commune": commune.name}


def household_errors(data: dict, *, campaign: Campaign | None = None,
                     actor: Actor | None = None) -> dict[str, list[str]]:
    return household_clean(data, campaign=campaign, actor=actor)[1]


@transaction.atomic
def household_create(*, actor: Actor, data: dict, campaign: Campaign | None = None) -> Household:
    if data.get("national_id"):
        _lock_national_ids()
    fields, errors = household_clean(data, campaign=campaign, actor=actor)
    commune = data.get("commune")
    if commune is not None and "commune" not in errors and actor.authority_for(
            actor.own.roles | {r for a in actor.delegated for r in a.roles}, commune.path) is None:
        errors["commune"] = [gettext("%(commune)s nằm ngoài địa bàn bạn phụ trách.") % {"commune": commune.name}]
    if errors:
        raise validation_error(errors)
    code = data.get("code") or f"H{commune.code}-{sequence_next(key=f'household:{commune.code}'):05d}"
    return Household.objects.create(code=code, commune=commune, **fields)


# ---------------------------------------------------------------------------- cases
def survey_clean(campaign: Campaign, data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The survey part of a case with every value converted (numbers, dates, text), and every problem,
    so a form can show them all at once."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: data.get(k) for k in SURVEY_FIELDS if k in data}
    cleaned["floor_area"] = _decimal(data.get("floor_area"), gettext("Diện tích nhà hiện tại"), errors, "floor_area")
    cleaned["persons"] = _int(data.get("persons"), gettext("Số người đang ở"), errors, "persons", minimum=1,
                              maximum=50)
    cleaned["remaining_lifespan_years"] = _int(data.get("remaining_lifespan_years"), gettext("Niên hạn còn lại"),
                                               errors, "remaining_lifespan_years", minimum=0, maximum=100,
                                               required=False)
    for key, label in (("foundation", gettext_noop("Nền, móng")), ("frame_walls", gettext_noop("Khung, tường")),
                       ("roof", gettext_noop("Mái"))):
        if data.get(key) not in _PART_CONDITIONS:
            errors[key] = [gettext("Chưa chọn tình trạng %(part)s.") % {"part": gettext(label).lower()}]
    if data.get("support_type") not in _SUPPORT_TYPES:
        errors["support_type"] = [gettext("Chưa chọn hình thức hỗ trợ (xây mới hoặc sửa chữa).")]
    strand = data.get("strand")
    if strand is None:
        errors["strand"] = [gettext("Chưa chọn nguồn hỗ trợ.")]
    elif strand.campaign_id != campaign.id:
        errors["strand"] = [gettext("Nguồn hỗ trợ không thuộc chương trình này.")]
    cleaned["surveyed_on"] = _date(data.get("surveyed_on"), gettext("Ngày rà soát"), errors, "surveyed_on")
    note = validators.normalize_text(data.get("survey_note"), multiline=True)
    if len(note) > SURVEY_NOTE_MAX:
        errors["survey_note"] = [gettext("Ghi chú dài tối đa %(max)s ký tự (đang có %(length)s).") % {
            "max": format_number(SURVEY_NOTE_MAX), "length": format_number(len(note))}]
    cleaned["survey_note"] = note
    return cleaned, errors


def survey_errors(campaign: Campaign, data: dict) -> dict[str, list[str]]:
    return survey_clean(campaign, data)[1]


def eligibility_for(case: HousingCase) -> tuple[list[dict], bool]:
    results = eligibility.evaluate_case(
        campaign=case.campaign, household=case.household, floor_area=case.floor_area, persons=case.persons,
        foundation=case.foundation, frame_walls=case.frame_walls, roof=case.roof,
        remaining_lifespan_years=case.remaining_lifespan_years, on=case.surveyed_on or timezone.localdate())
    return results, eligibility.overall(results)


def case_create_errors(*, actor: Actor, campaign: Campaign, household: Household, survey_round, data: dict,
                       extra: dict | None = None, workflow_fields: dict, extra_fields=None,
                       check_existing: bool = True,
                       also_roles: tuple[str, ...] = ()) -> tuple[dict, dict[str, list[str]], dict]:
    """The survey values cleaned, every reason ``case_create`` would refuse, and the cleaned extra fields.
    Shared with bulk imports, which check the existing case themselves, pass the extra-field definitions
    once, and also let the roles in ``also_roles`` create cases in their territory."""
    survey, errors = survey_clean(campaign, data)
    if not commune_in_campaign(campaign, household.commune):
        errors["commune"] = [_outside_campaign(household.commune, campaign)]
    if survey_round is None or survey_round.campaign_id != campaign.id:
        errors["survey_round"] = [gettext("Đợt rà soát không thuộc chương trình này.")]
    if check_existing and HousingCase.objects.filter(campaign=campaign, household=household).exists():
        errors["household"] = [gettext("Hộ %(head)s (%(code)s) đã có hồ sơ trong chương trình này.") % {
            "head": household.head_name, "code": household.code}]
    try:
        extra_clean = extra_values_clean(doctype=DOCTYPE, values=extra or {}, fields=extra_fields)
    except ServiceError as exc:
        errors.update(exc.errors)
        extra_clean = {}
    commune = household.commune
    successor = commune.successor if commune.system == AdminUnit.System.LEGACY else commune
    initial = engine.compiled(workflow_fields["workflow"].id).states[workflow_fields["state"]]
    if "commune" not in errors and actor.authority_for({*initial.edit_roles, *also_roles}, commune.path,
                                                       successor.path if successor else "") is None:
        errors["commune"] = [gettext("Bạn không có quyền lập hồ sơ tại %(commune)s.") % {"commune": commune.name}]
    return survey, errors, extra_clean


def case_unit_paths(commune: AdminUnit) -> tuple[str, str]:
    """(unit_path, unit_2025_path) of a case opened in ``commune``: the legacy commune's path (none for a
    2025 commune) and the path of the 2025 commune it became. They choose the workflow version too."""
    successor = commune.successor if commune.system == AdminUnit.System.LEGACY else commune
    return (commune.path if commune.system == AdminUnit.System.LEGACY else "",
            successor.path if successor else "")


def case_build(*, actor: Actor, campaign: Campaign, household: Household, survey_round, survey: dict,
               extra_clean: dict, code: str, workflow_fields: dict, norms: dict | None = None,
               eligibility_memo: dict | None = None) -> HousingCase:
    """The unsaved case exactly as ``case_create`` makes it from cleaned survey values: initial workflow
    state and stage, units now and after 2025, priority, eligibility with reasons, support amount. For
    bulk imports, ``norms`` ({(strand_id, support_type): amount}, from ``support_norms_today``) spares one
    query per case, and ``eligibility_memo`` reuses the rules' verdict for identical inputs (the rules are
    a pure function of them)."""
    commune = household.commune
    successor = commune.successor if commune.system == AdminUnit.System.LEGACY else commune
    unit_path, unit_2025_path = case_unit_paths(commune)
    case = HousingCase(
        code=code, campaign=campaign, household=household, survey_round=survey_round, commune=commune,
        commune_2025=successor, unit_path=unit_path,
        unit_2025_path=unit_2025_path, village=survey.get("village") or household.village,
        priority=priority_of(household), extra=extra_clean, created_by=actor.user, **workflow_fields,
        **{k: survey.get(k) for k in SURVEY_FIELDS if k != "village"})
    if eligibility_memo is None:
        case.eligibility, case.is_eligible = eligibility_for(case)
    else:
        key = (household.category, household.split_on, household.earlier_support, household.land_status,
               case.floor_area, case.persons, case.foundation, case.frame_walls, case.roof,
               case.remaining_lifespan_years, case.surveyed_on if household.split_on else None)  # date: split rule
        if key not in eligibility_memo:
            eligibility_memo[key] = eligibility_for(case)
        case.eligibility, case.is_eligible = eligibility_memo[key]
    case.support_amount = (support_norm_amount(case=case) if norms is None
                           else norms.get((case.strand_id, case.support_type), 0))
    return case


def support_norms_today(campaign: Campaign) -> dict[tuple[int, str], int]:
    """{(strand id, support type): amount} of the norms valid today, as ``support_norm_amount`` picks them."""
    today = timezone.localdate()
    result: dict[tuple[int, str], int] = {}
    for norm in SupportNorm.objects.filter(strand__campaign=campaign, valid_from__lte=today).order_by("valid_from"):
        result[(norm.strand_id, norm.support_type)] = norm.amount
    return result


@transaction.atomic
def case_create(*, actor: Actor, campaign: Campaign, household: Household, survey_round, data: dict,
                extra: dict | None = None) -> HousingCase:
    """Open a case for a surveyed household. Refuses with every field's error, saving nothing."""
    workflow_fields = engine.initial_workflow_fields(DOCTYPE, *case_unit_paths(household.commune))
    survey, errors, extra_clean = case_create_errors(
        actor=actor, campaign=campaign, household=household, survey_round=survey_round, data=data, extra=extra,
        workflow_fields=workflow_fields)
    if errors:
        raise validation_error(errors)
    case = case_build(actor=actor, campaign=campaign, household=household, survey_round=survey_round,
                      survey={**survey, "village": data.get("village")}, extra_clean=extra_clean,
                      workflow_fields=workflow_fields,
                      code=f"{campaign.code.upper()}-{sequence_next(key=f'case:{campaign.code}'):06d}")
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        if "household" not in str(exc) and "case_one_per_household" not in str(exc):
            raise
        raise validation_error({"household": [gettext("Hộ này đã có hồ sơ trong chương trình.")]}) from None
    event = event_save(created_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id, state=case.state,
                                     workflow_version=engine.compiled(case.workflow_id).version))
    counter = hookspec.doc_counter(DOCTYPE, "created")
    if counter is not None:
        counter(ids=[case.pk], at=event.at)
    doc_events_emit(event="on_create", rows=[event])
    return case


def _serialise(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "pk"):
        return str(value)
    return value


def _require_form_open(actor: Actor, case: HousingCase, form: str) -> None:
    allowed, reason = engine.can_edit(actor=actor, document=case)
    if not allowed:
        raise ServiceError(reason, code=ErrorCode.FIELD_LOCKED)
    if case.stage != FORM_STAGES[form]:
        raise ServiceError(gettext("Hồ sơ đang ở trạng thái “%(state)s”, phần này không được sửa.") % {
            "state": document_state_label(case)}, code=ErrorCode.FIELD_LOCKED)


def _check_version(case: HousingCase, expected_lock_version: int | str | None) -> None:
    """``expected_lock_version`` comes from the form's hidden input (``engine.check_lock_version``)."""
    engine.check_lock_version(
        case, expected_lock_version,
        invalid=gettext("Biểu mẫu gửi lên thiếu phiên bản hồ sơ hợp lệ; hãy tải lại trang rồi nhập lại."),
        changed=gettext("Hồ sơ vừa được người khác thay đổi; hãy tải lại trang và nhập lại phần thay đổi."))


def _record_changes(actor: Actor, case: HousingCase, before: dict, fields: list[str],
                    comment: dict | None = None) -> dict:
    """``comment``: a stored message (core/i18n.py), kept in Vietnamese and read in the reader's language."""
    changes = {f: [_serialise(before[f]), _serialise(getattr(case, f))] for f in fields
               if before[f] != getattr(case, f)}
    if changes:
        case.lock_version += 1
        case.save()
        row = event_save(edited_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id, changes=changes,
                                      comment=render_message(comment, source=True) if comment else "",
                                      data={"messages": {"comment": comment}} if comment else None))
        doc_events_emit(event="on_change", rows=[row])
    return changes


@transaction.atomic
def case_update_survey(*, actor: Actor, case_id: int, data: dict, extra: dict | None = None,
                       expected_lock_version: int | None = None) -> HousingCase:
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    _check_version(case, expected_lock_version)
    _require_form_open(actor, case, "survey")
    survey, errors = survey_clean(case.campaign, data)
    village = data.get("village")
    if village is not None and village.commune_id != case.commune_id:
        errors["village"] = [_village_outside(village, case.commune)]
    try:
        extra_clean = extra_values_clean(doctype=DOCTYPE, values=extra or {}, existing=case.extra)
    except ServiceError as exc:
        errors.update(exc.errors)
        extra_clean = case.extra
    if errors:
        raise validation_error(errors)
    fields = [*SURVEY_FIELDS, "extra", "eligibility", "is_eligible", "support_amount"]
    before = {f: getattr(case, f) for f in fields}
    for key in SURVEY_FIELDS:
        if key in data:
            setattr(case, key, survey[key])
    case.extra = extra_clean
    case.eligibility, case.is_eligible = eligibility_for(case)
    case.support_amount = support_norm_amount(case=case)
    _record_changes(actor, case, before, [f for f in fields if f not in ("eligibility",)])
    if before["support_type"] != case.support_type:
        cases_rekeyed([(case.pk, case.household.category, before["support_type"])])
    return case


def cases_rekeyed(changes: list[tuple[int, str, str]]) -> None:
    """Tell the aggregates (hooks.doc_counters) that cases' category or support type changed: (id, old
    category, old support type), called after the change is saved, in its transaction."""
    counter = hookspec.doc_counter(DOCTYPE, "rekeyed")
    if counter is not None and changes:
        counter(changes=changes)


@transaction.atomic
def case_update_confirmation(*, actor: Actor, case_id: int, data: dict,
                             expected_lock_version: int | None = None) -> HousingCase:
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    _check_version(case, expected_lock_version)
    _require_form_open(actor, case, "confirmation")
    errors: dict[str, list[str]] = {}
    meeting_on = _date(data.get("village_meeting_on"), gettext("Ngày họp bình xét"), errors, "village_meeting_on")
    if meeting_on is not None and case.surveyed_on and meeting_on < case.surveyed_on:
        errors["village_meeting_on"] = [gettext("Ngày họp bình xét không được trước ngày rà soát.")]
    total = _int(data.get("village_meeting_total"), gettext("Số người dự họp"), errors, "village_meeting_total",
                 minimum=1)
    agree = _int(data.get("village_meeting_agree"), gettext("Số phiếu đồng ý"), errors, "village_meeting_agree",
                 minimum=0)
    if total is not None and agree is not None and agree > total:
        errors["village_meeting_agree"] = [gettext("Số phiếu đồng ý (%(agree)s) không được lớn hơn số người dự họp "
                                                   "(%(total)s).") % {"agree": agree, "total": total}]
    if errors:
        raise validation_error(errors)
    before = {f: getattr(case, f) for f in CONFIRMATION_FIELDS}
    case.village_meeting_on, case.village_meeting_total, case.village_meeting_agree = meeting_on, total, agree
    case.commune_list_number = validators.normalize_text(data.get("commune_list_number"), max_length=60)
    _record_changes(actor, case, before, list(CONFIRMATION_FIELDS))
    return case


@transaction.atomic
def case_update_approval(*, actor: Actor, case_id: int, decision_number: str,
                         decision_date: dt.date | None) -> HousingCase:
    """The funding decision's number and date (the funding stage's form, the first allocation of the
    state support, updates by import), open only while the case is in the funding stage."""
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    _require_form_open(actor, case, "funding")
    errors: dict[str, list[str]] = {}
    number = validators.normalize_text(decision_number or "", max_length=200)
    if not number:
        errors["approval_decision_number"] = [gettext("Chưa nhập số quyết định.")]
    elif len(number) > 60:
        errors["approval_decision_number"] = [gettext("Số quyết định dài tối đa 60 ký tự (đang có %(length)s).")
                                              % {"length": len(number)}]
    decision_date = _date(decision_date, gettext("Ngày quyết định"), errors, "approval_decision_date", required=False)
    if errors:
        raise validation_error(errors)
    before = {"approval_decision_number": case.approval_decision_number,
              "approval_decision_date": case.approval_decision_date}
    case.approval_decision_number, case.approval_decision_date = number, decision_date
    _record_changes(actor, case, before, list(before))
    return case


@transaction.atomic
def progress_add(*, actor: Actor, case_id: int, date: dt.date | None, stage: str, percent, note: str = "",
                 photos: list[UploadedFile] | None = None) -> ProgressEntry:
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    _require_form_open(actor, case, "progress")
    errors: dict[str, list[str]] = {}
    date = _date(date, gettext("Ngày ghi tiến độ"), errors, "date")
    note = validators.normalize_text(note, max_length=300)
    if stage not in ProgressEntry.Stage.values:
        errors["stage"] = [gettext("Chưa chọn hạng mục.")]
    value = _int(percent, gettext("Tiến độ (%)"), errors, "percent", minimum=0, maximum=100)
    if value is not None and "percent" not in errors and value < case.progress_percent:
        errors["percent"] = [gettext("Tiến độ không được thấp hơn lần ghi trước (%(percent)s%%).")
                             % {"percent": case.progress_percent}]
    checked = []
    for upload in photos or []:
        try:
            checked.append((upload, inspect_upload(upload, photo_only=True)))
        except ServiceError as exc:
            errors.setdefault("photos", []).append(exc.message)
    if errors:
        raise validation_error(errors)
    entry = ProgressEntry.objects.create(case=case, date=date, stage=stage, percent=value, note=note,
                                         recorded_by=actor.user)
    for upload, info in checked:
        _attachment_save(actor, case, upload, info, stage="construction", caption=note, progress=entry)
    before = {"progress_percent": case.progress_percent, "construction_started_on": case.construction_started_on}
    case.progress_percent = value
    if case.construction_started_on is None:
        case.construction_started_on = date
    _record_changes(actor, case, before, ["progress_percent", "construction_started_on"],
                    comment=message(gettext_noop("%(stage)s: %(percent)s%%"),
                                    stage={"msg": msgid(ProgressEntry.Stage(stage).label)}, percent=value))
    return entry


@transaction.atomic
def acceptance_record(*, actor: Actor, case_id: int, data: dict) -> Acceptance:
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    _require_form_open(actor, case, "acceptance")
    errors: dict[str, list[str]] = {}
    area = _decimal(data.get("usable_area"), gettext("Diện tích sử dụng"), errors, "usable_area")
    lifespan = _int(data.get("lifespan_years"), gettext("Niên hạn sử dụng"), errors, "lifespan_years", minimum=1,
                    maximum=100)
    accepted_on = _date(data.get("accepted_on"), gettext("Ngày nghiệm thu"), errors, "accepted_on")
    if errors:
        raise validation_error(errors)
    campaign = case.campaign
    hard = all(bool(data.get(k)) for k in ("hard_foundation", "hard_frame", "hard_roof"))
    min_area, min_lifespan = acceptance_thresholds(campaign, case.support_type)
    passed = hard and area >= min_area and lifespan >= min_lifespan
    acceptance, _ = Acceptance.objects.update_or_create(case=case, defaults=dict(
        usable_area=area, hard_foundation=bool(data.get("hard_foundation")), hard_frame=bool(data.get("hard_frame")),
        hard_roof=bool(data.get("hard_roof")), lifespan_years=lifespan, inspector=actor.user, accepted_on=accepted_on,
        result=Acceptance.Result.PASSED if passed else Acceptance.Result.FAILED,
        note=validators.normalize_text(data.get("note"), multiline=True)))
    reasons = acceptance_reason_messages(acceptance, campaign)
    summary = joined(reasons, "; ")
    result = {"msg": msgid(acceptance.get_result_display())}
    case.lock_version += 1
    case.save(update_fields=["lock_version"])
    row = event_save(edited_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id,
                                  changes={"acceptance": [None, render_message(result, source=True)]},
                                  comment=render_message(summary, source=True),
                                  data={"messages": {"comment": summary, "acceptance": result}}))
    doc_events_emit(event="on_change", rows=[row])
    return acceptance


def acceptance_thresholds(campaign: Campaign, support_type: str) -> tuple[Decimal, int]:
    """The campaign's minimum usable area (0: not checked) and lifespan for accepting a house: a new house
    against the finished-house standard, a repaired one against the repair's own (it keeps its area)."""
    if support_type == SupportType.REPAIR:
        return campaign.repaired_min_area, campaign.repaired_min_lifespan
    return campaign.finished_min_area, campaign.finished_min_lifespan


def acceptance_reason_messages(acceptance: Acceptance, campaign: Campaign) -> list[dict]:
    """The checklist against the campaign's standard for the case's support type: usable area (new houses,
    or repairs when the campaign sets a minimum), “3 cứng”, lifespan (stored messages, core/i18n.py)."""
    def mark(ok):
        return {"msg": gettext_noop("đạt") if ok else gettext_noop("không đạt")}
    min_area, min_lifespan = acceptance_thresholds(campaign, acceptance.case.support_type)
    area_ok = acceptance.usable_area >= min_area
    life_ok = acceptance.lifespan_years >= min_lifespan
    checks = []
    if min_area:
        checks.append(message(gettext_noop("Diện tích sử dụng %(area)s m² %(cmp)s %(min)s m²: %(mark)s"),
                              area=eligibility._n(acceptance.usable_area), cmp="≥" if area_ok else "<",
                              min=eligibility._n(min_area), mark=mark(area_ok)))
    return [
        *checks,
        message(gettext_noop("Nền cứng: %(mark)s"), mark=mark(acceptance.hard_foundation)),
        message(gettext_noop("Khung, tường cứng: %(mark)s"), mark=mark(acceptance.hard_frame)),
        message(gettext_noop("Mái cứng: %(mark)s"), mark=mark(acceptance.hard_roof)),
        message(gettext_noop("Niên hạn %(years)s năm %(cmp)s %(min)s năm: %(mark)s"), years=acceptance.lifespan_years,
                cmp="≥" if life_ok else "<", min=min_lifespan, mark=mark(life_ok)),
    ]


def acceptance_reasons(acceptance: Acceptance, campaign: Campaign) -> list[str]:
    """The checklist in the reader's language."""
    return [render_message(m) for m in acceptance_reason_messages(acceptance, campaign)]


@transaction.atomic
def handover_record(*, actor: Actor, case_id: int, handed_over_on: dt.date | None) -> HousingCase:
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    _require_form_open(actor, case, "handover")
    acceptance = Acceptance.objects.filter(case=case).first()
    errors: dict[str, list[str]] = {}
    handed_over_on = _date(handed_over_on, gettext("Ngày bàn giao"), errors, "handed_over_on")
    if errors:
        raise validation_error(errors)
    if acceptance and handed_over_on < acceptance.accepted_on:
        raise validation_error({"handed_over_on": [gettext("Ngày bàn giao không được trước ngày nghiệm thu.")]})
    before = {"handed_over_on": case.handed_over_on}
    case.handed_over_on = handed_over_on
    _record_changes(actor, case, before, ["handed_over_on"])
    return case


# ---------------------------------------------------------------------------- attachments
def _attachment_save(actor: Actor, case: HousingCase, upload: UploadedFile, info: dict, *, stage: str,
                     caption: str = "", progress: ProgressEntry | None = None) -> Attachment:
    attachment = Attachment(case=case, stage=stage, kind=info["kind"],
                            original_name=validators.normalize_text(info.get("name") or upload.name, max_length=200),
                            content_type=info["content_type"], size=upload.size,
                            caption=validators.normalize_text(caption, max_length=300),
                            taken_at=info.get("taken_at"), latitude=info.get("latitude"),
                            longitude=info.get("longitude"), progress=progress, uploaded_by=actor.user)
    attachment.file.save(stored_name(upload, info), upload, save=False)
    attachment.save()
    event_save(attachment_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id, attachment_id=attachment.pk,
                                name=attachment.original_name, kind=attachment.kind, caption=caption))
    return attachment


def attachment_save(*, actor: Actor, case: HousingCase, upload: UploadedFile, info: dict, stage: str,
                    caption: str = "") -> Attachment:
    """Store an upload already checked by ``uploads.inspect_upload`` on a case (file, row, timeline):
    for records of other domains that carry photos (stage inspections)."""
    return _attachment_save(actor, case, upload, info, stage=stage, caption=caption)


@transaction.atomic
def attachment_add(*, actor: Actor, case_id: int, upload: UploadedFile, caption: str = "") -> Attachment:
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    allowed, reason = engine.can_edit(actor=actor, document=case)
    if not allowed:
        raise ServiceError(reason, code=ErrorCode.FIELD_LOCKED)
    info = inspect_upload(upload)
    return _attachment_save(actor, case, upload, info, stage=case.stage, caption=caption)


@transaction.atomic
def case_update_extra(*, actor: Actor, case_id: int, values: dict) -> HousingCase:
    """Administrator-defined fields, editable by whoever may edit the case now, or an administrator."""
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    allowed, reason = engine.can_edit(actor=actor, document=case)
    if not allowed and actor.authority_for({"administrator"}, *engine.document_paths(case)) is None:
        raise ServiceError(reason, code=ErrorCode.FIELD_LOCKED)
    before = {"extra": dict(case.extra)}
    case.extra = extra_values_clean(doctype=DOCTYPE, values=values, existing=case.extra)
    _record_changes(actor, case, before, ["extra"])
    return case
