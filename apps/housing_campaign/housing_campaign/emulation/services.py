"""Writes of the emulation movement: participants (with the records that prove their achievements), units'
registrations with their plan, the plans and reports they send against the office's deadlines, initiatives,
documents attached as evidence, and the office's criteria and deadlines; plus the loader of
``fixtures/emulation_criteria.yaml`` (``manage.py sync``).

Every service is keyword-only, validates everything before writing (a refusal names every problem, in
Vietnamese, with a stable ``ErrorCode``), checks the actor's role and territory (``emulation.rules``), writes
atomically and records what changed on the participant's log (``DocumentEvent``, doctype
``emulation_participant``; the office's criteria and deadlines under ``emulation_criterion`` and
``emulation_deadline``), in the same transaction."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from housing_campaign.accounts.models import UserTerritory
from housing_campaign.accounts.selectors import Actor, units_visible
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.events import edited_event, event_save
from housing_campaign.core.formatting import format_date, format_vnd
from housing_campaign.core.locks import lock_own_rows
from housing_campaign.geography.models import AdminUnit

from . import rules, uploads
from .models import (
    CRITERION_DOCTYPE,
    DEADLINE_DOCTYPE,
    PARTICIPANT_DOCTYPE,
    Criterion,
    EvidenceDocument,
    EvidenceKey,
    Group,
    Initiative,
    Participant,
    Registration,
    ReportingDeadline,
    Submission,
)

HOUSES_MAX = 1_000_000
# "12/KH-UBND", "105/2024/QĐ-UBND", "01/KH-MTTQ-BTT": a number, optionally the year, and the symbol.
DOCUMENT_NUMBER_RE = re.compile(r"^[0-9]{1,6}(/[0-9]{4})?/[0-9A-Za-zĐđ][0-9A-Za-zĐđ.\-]{0,40}$")
# Kinds that may give to the movement (linked to a donor of the contributions ledger).
DONOR_KINDS = frozenset({Participant.Kind.BUSINESS, Participant.Kind.ORGANISATION, Participant.Kind.FRONT_ORGANISATION,
                         Participant.Kind.HOUSEHOLD, Participant.Kind.PERSON, Participant.Kind.OFFICIAL})


class Errors(dict):
    """Field -> messages, filled by ``check`` as each field is read."""

    def add(self, field: str, text: str) -> None:
        self.setdefault(field, []).append(text)

    def check(self, field: str, parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except validators.InputError as exc:
            self.add(field, exc.message)
            return None

    def raise_if_any(self) -> None:
        if self:
            raise validation_error(dict(self))


def _read_only_refusal(actor: Actor) -> None:
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)


def unit_paths(unit: AdminUnit) -> tuple[str, str]:
    """(legacy path, 2025 path) of a record placed in ``unit``: a legacy unit and its successor, or a 2025 unit."""
    if unit.system == AdminUnit.System.LEGACY:
        return unit.path, (unit.successor.path if unit.successor_id else "")
    return "", unit.path


def parse_document_number(value, label: str, *, required: bool = True) -> str:
    """A document number as Decree 30/2020 writes it (“12/KH-UBND”); a leading “Số:” is dropped."""
    typed = validators.parse_text(value, label, max_length=60, required=required)
    text = re.sub(r"^(số|so)\s*:?\s*", "", typed, flags=re.IGNORECASE).replace(" ", "")
    if text and not DOCUMENT_NUMBER_RE.fullmatch(text):
        raise validators.InputError(gettext("%(label)s phải theo dạng số/ký hiệu, ví dụ 12/KH-UBND (đang nhập "
                                            "“%(value)s”).") % {"label": label, "value": typed[:30]})
    return text


def parse_money_target(value, label: str) -> int | None:
    """An amount of đồng a unit aims at (empty: none; zero allowed; negative refused by name)."""
    if isinstance(value, str) and validators.normalize_text(value).startswith(("-", "−")):
        raise validators.InputError(gettext("%(label)s không được âm (đang nhập “%(value)s”).") % {
            "label": label, "value": validators.normalize_text(value)[:30]})
    return validators.parse_money(value, label, minimum=0, maximum=validators.MONEY_MAX, required=False)


def _date(errors: Errors, field: str, value, label: str, *, earliest: dt.date | None = None, required=True):
    kwargs = {"earliest": earliest} if earliest else {}
    return errors.check(field, validators.parse_date, value, label, required=required, **kwargs)


def _text(errors: Errors, field: str, value, label: str, *, max_length: int, required=False, multiline=False):
    return errors.check(field, validators.parse_text, value, label, max_length=max_length, required=required,
                        multiline=multiline) or ""


def _upload(errors: Errors, field: str, upload, *, required: bool) -> dict | None:
    """What an uploaded document really is (``emulation.uploads``), its bytes and name; None when absent."""
    if not upload:
        if required:
            errors.add(field, gettext("Chưa chọn tệp văn bản (PDF, Word hoặc ảnh chụp)."))
        return None
    data, name = uploads.read_upload(upload)
    try:
        info = uploads.document_inspect(data, name, size=getattr(upload, "size", None))
    except validators.InputError as exc:
        errors.add(field, exc.message)
        return None
    # The name kept (and served) carries the extension of what the content is, whatever it was sent as.
    return {**info, "upload": upload, "size": max(len(data), getattr(upload, "size", 0) or 0)}


def _store(record, found: dict) -> None:
    """Put an inspected upload on a record (``StoredFile``); the record is saved by the caller."""
    record.original_name = found["name"]
    record.content_type = found["content_type"]
    record.size = found["size"]
    found["upload"].seek(0)
    record.file.save(uploads.stored_name(found["name"], found["extension"]), found["upload"], save=False)


def _log(participant: Participant, actor: Actor, changes: dict, comment: str = "", **data) -> None:
    event_save(edited_event(doctype=PARTICIPANT_DOCTYPE, object_id=participant.pk, actor_id=actor.id,
                            changes=changes, comment=comment, data=data))


def _campaign(value, errors: Errors) -> Campaign | None:
    if isinstance(value, Campaign):
        return value
    campaign = Campaign.objects.filter(pk=validators.query_id(value) or 0).first()
    if campaign is None:
        errors.add("campaign", gettext("Chọn chương trình, phong trào."))
    return campaign


# ---------------------------------------------------------------------------- participants
def participant_get_for_actor(*, actor: Actor, participant_id, for_update: bool = False) -> Participant:
    """The participant if it lies in the actor's territory (else NOT_FOUND: whether it exists elsewhere is
    not told)."""
    from .selectors import participants_visible

    qs = participants_visible(actor).select_related("campaign", "unit", "unit__parent", "donor", "household",
                                                    "user")
    if for_update:
        qs = lock_own_rows(qs)
    found = qs.filter(pk=validators.query_id(participant_id) or 0).first()
    if found is None:
        raise ServiceError(gettext("Không tìm thấy đối tượng này trong địa bàn bạn phụ trách."),
                           code=ErrorCode.NOT_FOUND)
    return found


def _unit(actor: Actor, value, errors: Errors) -> AdminUnit | None:
    if isinstance(value, AdminUnit):
        return value
    pk = validators.query_id(value)
    unit = units_visible(actor).select_related("successor", "parent").filter(pk=pk).first() if pk else None
    if unit is None:
        errors.add("unit", gettext("Chọn địa bàn của đối tượng (trong địa bàn bạn phụ trách)."))
    return unit


def _check_unit_level(kind: str, unit: AdminUnit, errors: Errors) -> None:
    Kind, Level = Participant.Kind, AdminUnit.Level
    if kind == Kind.DEPARTMENT and unit.level != Level.PROVINCE:
        errors.add("unit", gettext("Sở, ban, ngành thuộc cấp tỉnh: chọn tỉnh làm địa bàn."))
    elif kind == Kind.PEOPLES_COMMITTEE and unit.level not in (Level.DISTRICT, Level.COMMUNE):
        errors.add("unit", gettext("Nhóm b là Ủy ban nhân dân cấp huyện, cấp xã: chọn một huyện hoặc một xã."))
    elif kind == Kind.HOUSEHOLD and unit.level != Level.COMMUNE:
        errors.add("unit", gettext("Hộ gia đình thuộc một xã: chọn xã của hộ."))


def _links(actor: Actor, kind: str, unit: AdminUnit | None, data: dict, errors: Errors) -> dict:
    """The records proving the participant's achievements: each optional, each checked against the kind, the
    actor's territory and the participant's unit."""
    from housing_campaign.contributions.selectors import donors_visible
    from housing_campaign.households.selectors import households_visible

    Kind = Participant.Kind
    links = {"donor": None, "household": None, "user": None}
    donor_id = data.get("donor")
    if donor_id not in (None, ""):
        if kind not in DONOR_KINDS:
            errors.add("donor", gettext("Chỉ doanh nghiệp, cơ quan, tổ chức, đoàn thể, hộ gia đình và cá nhân được gắn "
                                        "với người ủng hộ trong sổ đóng góp."))
        else:
            links["donor"] = donors_visible(actor).filter(pk=validators.query_id(donor_id) or 0).first()
            if links["donor"] is None:
                errors.add("donor", gettext("Không tìm thấy người ủng hộ này trong địa bàn bạn phụ trách."))
    household_id = data.get("household")
    if household_id not in (None, ""):
        if kind != Kind.HOUSEHOLD:
            errors.add("household", gettext("Chỉ đối tượng loại hộ gia đình được gắn với một hộ."))
        else:
            household = households_visible(actor).select_related("commune").filter(
                pk=validators.query_id(household_id) or 0).first()
            if household is None:
                errors.add("household", gettext("Không tìm thấy hộ này trong địa bàn bạn phụ trách."))
            elif unit is not None and unit.pk not in (household.commune_id, household.commune.successor_id):
                errors.add("household", gettext("Hộ %(name)s thuộc %(commune)s, không thuộc %(unit)s.") % {
                    "name": household.head_name, "commune": household.commune.name, "unit": unit.name})
            else:
                links["household"] = household
    user_id = data.get("user")
    if user_id not in (None, ""):
        if kind != Kind.OFFICIAL:
            errors.add("user", gettext("Chỉ cán bộ, công chức, viên chức được gắn với tài khoản."))
        else:
            user = get_user_model().objects.filter(pk=validators.query_id(user_id) or 0, is_active=True,
                                                   is_superuser=False).first()
            paths = list(UserTerritory.objects.filter(user=user).values_list("unit__path", flat=True)) if user else []
            inside = any(a.covers(*paths) for a in actor.all_authorities)
            if user is None or not paths or not inside:
                errors.add("user", gettext("Không tìm thấy tài khoản cán bộ này trong địa bàn bạn phụ trách."))
            else:
                links["user"] = user
    return links


def _duplicates(campaign: Campaign, kind: str, name: str, unit: AdminUnit, links: dict, errors: Errors,
                exclude_pk: int | None = None) -> None:
    others = Participant.objects.filter(campaign=campaign)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    same = others.filter(kind=kind, name=name, unit=unit).first()
    if same is not None:
        errors.add("name", gettext("Đã có đối tượng “%(name)s” (%(kind)s) ở %(unit)s trong phong trào này.") % {
            "name": name, "kind": same.get_kind_display(), "unit": unit.name})
    for field, label in (("donor", gettext("người ủng hộ")), ("household", gettext("hộ")),
                         ("user", gettext("tài khoản"))):
        record = links.get(field)
        if record is not None:
            taken = others.filter(**{field: record}).first()
            if taken is not None:
                errors.add(field, gettext("Đã có đối tượng “%(name)s” gắn với %(what)s này trong phong trào.") % {
                    "name": taken.name, "what": label})


def person_name(user) -> str:
    """A person's name in Vietnamese order: family and middle names, then the given name (“Y Thị Nhung”)."""
    return " ".join(p for p in (user.last_name.strip(), user.first_name.strip()) if p) or user.username


def _default_name(kind: str, links: dict) -> str:
    if links.get("household") is not None:
        return gettext("Hộ %(name)s") % {"name": links["household"].head_name}
    if links.get("user") is not None:
        return person_name(links["user"])
    if links.get("donor") is not None:
        return links["donor"].name
    return ""


@transaction.atomic
def participant_create(*, actor: Actor, campaign, data: dict) -> Participant:
    """A unit, household or individual taking part in the movement, in one of the plan's groups (the kind
    decides it), placed in an administrative unit, with its links to the records (donor, household, account)."""
    _read_only_refusal(actor)
    errors = Errors()
    campaign = _campaign(campaign, errors)
    kind = data.get("kind")
    if kind not in Participant.Kind.values:
        errors.add("kind", gettext("Chọn loại đối tượng."))
        kind = None
    unit = _unit(actor, data.get("unit"), errors)
    if unit is not None and kind:
        _check_unit_level(kind, unit, errors)
    if unit is not None and kind and not errors.get("unit"):
        roles = rules.creator_roles(kind, unit)
        paths = unit_paths(unit)
        if rules.authority_over(actor, roles, *paths) is None:
            raise ServiceError(_creator_refusal(kind), code=ErrorCode.PERMISSION_DENIED, field="kind")
    links = _links(actor, kind, unit, data, errors) if kind else {}
    name = _text(errors, "name", data.get("name"), gettext("Tên tập thể, hộ hoặc cá nhân"), max_length=200) \
        or _default_name(kind, links)
    if not name and "name" not in errors:
        errors.add("name", gettext("Chưa nhập tên tập thể, hộ hoặc cá nhân."))
    position = _text(errors, "position", data.get("position"), gettext("Chức vụ"), max_length=200)
    workplace = _text(errors, "workplace", data.get("workplace"), gettext("Đơn vị công tác"), max_length=200)
    if campaign is not None and kind and unit is not None and name:
        _duplicates(campaign, kind, name, unit, links, errors)
    errors.raise_if_any()
    legacy, current = unit_paths(unit)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                campaign=campaign, group=Participant.KIND_GROUPS[kind], kind=kind, name=name, position=position,
                workplace=workplace, unit=unit, unit_path=legacy, unit_2025_path=current, created_by=actor.user,
                **links)
    except IntegrityError:
        raise ServiceError(gettext("Đối tượng này vừa được người khác thêm vào phong trào."),
                           code=ErrorCode.DUPLICATE) from None
    _log(participant, actor, {"participant": [None, name]}, gettext("Thêm đối tượng tham gia phong trào"))
    return participant


def _creator_refusal(kind: str) -> str:
    if kind in rules.COMMUNE_KINDS:
        return gettext("Chỉ cơ quan thường trực thi đua, quản trị viên hoặc cán bộ, Chủ tịch UBND xã (cho hộ gia "
                       "đình, cá nhân của xã mình) được thêm đối tượng này.")
    return gettext("Chỉ cơ quan thường trực thi đua (Sở Nội vụ) hoặc quản trị viên được thêm đối tượng loại này.")


@transaction.atomic
def participant_update(*, actor: Actor, participant_id, data: dict) -> Participant:
    """Rename a participant, change its position or workplace and its links to the records (its kind and
    unit stay: nominations and reports name them)."""
    _read_only_refusal(actor)
    participant = participant_get_for_actor(actor=actor, participant_id=participant_id, for_update=True)
    if not rules.may_edit(actor, participant):
        raise ServiceError(_creator_refusal(participant.kind), code=ErrorCode.PERMISSION_DENIED)
    errors = Errors()
    links = _links(actor, participant.kind, participant.unit, data, errors)
    name = _text(errors, "name", data.get("name"), gettext("Tên tập thể, hộ hoặc cá nhân"), max_length=200,
                 required=True)
    position = _text(errors, "position", data.get("position"), gettext("Chức vụ"), max_length=200)
    workplace = _text(errors, "workplace", data.get("workplace"), gettext("Đơn vị công tác"), max_length=200)
    if name:
        _duplicates(participant.campaign, participant.kind, name, participant.unit, links, errors,
                    exclude_pk=participant.pk)
    errors.raise_if_any()
    values = {"name": name, "position": position, "workplace": workplace, **links}
    changes = {}
    for field, value in values.items():
        old = getattr(participant, field)
        if old != value:
            changes[field] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(participant, field, value)
    if changes:
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            raise ServiceError(gettext("Tên hoặc hồ sơ liên kết vừa được dùng cho đối tượng khác."),
                               code=ErrorCode.DUPLICATE) from None
        _log(participant, actor, changes, gettext("Sửa thông tin đối tượng"))
    return participant


def _manager_check(actor: Actor, participant: Participant) -> None:
    _read_only_refusal(actor)
    if not rules.may_manage(actor, participant):
        raise ServiceError(gettext("Bạn không phụ trách %(name)s: chỉ cán bộ của chính đơn vị (xã với Ủy ban nhân "
                                   "dân xã mình, Mặt trận với tổ chức của Mặt trận) hoặc cơ quan thường trực thi đua "
                                   "được làm việc này.") % {"name": participant.name},
                           code=ErrorCode.PERMISSION_DENIED)


# ---------------------------------------------------------------------------- registration and documents
def applicable_deadlines(participant: Participant, *, kind: str | None = None):
    qs = ReportingDeadline.objects.filter(campaign_id=participant.campaign_id, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return [d for d in qs.order_by("due_on", "id") if participant.group in (d.groups or [])]


def _document_fields(errors: Errors, data: dict, *, prefix: str) -> dict:
    """The number and date of a plan or report."""
    number = errors.check(f"{prefix}number", parse_document_number, data.get(f"{prefix}number"),
                          gettext("Số văn bản"))
    date = _date(errors, f"{prefix}date", data.get(f"{prefix}date"), gettext("Ngày văn bản"))
    return {"document_number": number or "", "document_date": date}


def _check_document_dates(errors: Errors, document_date, sent_on, *, prefix: str) -> None:
    if document_date and sent_on and document_date > sent_on:
        errors.add(f"{prefix}submitted_on", gettext("Ngày gửi (%(sent)s) trước ngày văn bản (%(date)s).") % {
            "sent": format_date(sent_on), "date": format_date(document_date)})


def plan_submission(participant: Participant) -> Submission | None:
    """The unit's plan (the first sent), if any."""
    return (participant.submissions.filter(kind=ReportingDeadline.Kind.PLAN).select_related("deadline")
            .order_by("submitted_on", "id").first())


@transaction.atomic
def registration_save(*, actor: Actor, participant_id, data: dict, plan_file=None) -> Registration:
    """Register a unit for the movement (or change its registration): the date, its targets and commitments,
    and its plan document (number, date, file), kept as the unit's plan submission against the campaign's
    plan deadline. The plan may come later; when any of its number, date or file is given, all are needed
    (a plan already on record keeps its file unless a new one is given, and stays as it is when none of its
    fields is given)."""
    _read_only_refusal(actor)
    participant = participant_get_for_actor(actor=actor, participant_id=participant_id, for_update=True)
    if participant.kind not in rules.REGISTERING_KINDS:
        raise ServiceError(gettext("Chỉ cơ quan, đơn vị, tổ chức, doanh nghiệp đăng ký thi đua; hộ gia đình và cá "
                                   "nhân được ghi nhận qua đóng góp của mình."), code=ErrorCode.VALIDATION)
    _manager_check(actor, participant)
    campaign = participant.campaign
    errors = Errors()
    registered_on = _date(errors, "registered_on", data.get("registered_on"), gettext("Ngày đăng ký"),
                          earliest=campaign.starts_on)
    houses = errors.check("houses_target", validators.parse_int, data.get("houses_target"),
                          gettext("Số nhà phấn đấu hoàn thành"), minimum=0, maximum=HOUSES_MAX, required=False)
    money = errors.check("money_target", parse_money_target, data.get("money_target"),
                         gettext("Số tiền phấn đấu huy động"))
    commitments = _text(errors, "commitments", data.get("commitments"), gettext("Nội dung đăng ký thi đua"),
                        max_length=4000, multiline=True)
    existing_plan = plan_submission(participant)
    plan_given = any(str(data.get(k) or "").strip() for k in ("plan_number", "plan_date", "plan_submitted_on")) \
        or bool(plan_file)
    plan = found = sent_on = None
    if plan_given:  # a plan already on record stays as it is when none of its fields comes
        plan = _document_fields(errors, data, prefix="plan_")
        found = _upload(errors, "plan_file", plan_file, required=existing_plan is None)
        # The day the plan reached the office: by default the day of registering (a unit registers by sending
        # its plan); a plan sent later says when.
        sent_on = _date(errors, "plan_submitted_on", data.get("plan_submitted_on"), gettext("Ngày gửi kế hoạch"),
                        earliest=campaign.starts_on, required=False) \
            or (existing_plan.submitted_on if existing_plan is not None else registered_on)
        _check_document_dates(errors, plan["document_date"], sent_on, prefix="plan_")
    errors.raise_if_any()
    registration = Registration.objects.filter(participant=participant).first()
    changes: dict = {}
    values = {"registered_on": registered_on, "houses_target": houses, "money_target": money,
              "commitments": commitments}
    if registration is None:
        registration = Registration(participant=participant, registered_by=actor.user, **values)
        changes["registration"] = [None, gettext("Đăng ký thi đua ngày %(day)s") % {"day": format_date(registered_on)}]
    else:
        for field, value in values.items():
            old = getattr(registration, field)
            if old != value:
                changes[field] = [_shown(field, old), _shown(field, value)]
                setattr(registration, field, value)
    registration.save()
    if plan is not None:
        _submission_write(actor, participant, existing_plan, kind=ReportingDeadline.Kind.PLAN,
                          deadline=(existing_plan.deadline if existing_plan and existing_plan.deadline_id else
                                    next(iter(applicable_deadlines(participant, kind="plan")), None)),
                          submitted_on=sent_on, fields=plan, found=found, note="", changes=changes)
    if changes:
        _log(participant, actor, changes, gettext("Đăng ký thi đua"))
    return registration


def _shown(field: str, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return format_date(value)
    if field == "money_target":
        return format_vnd(value)
    return str(value)


def _submission_write(actor, participant, submission, *, kind, deadline, submitted_on, fields, found, note,
                      changes) -> Submission:
    created = submission is None
    if created:
        submission = Submission(participant=participant, kind=kind, submitted_by=actor.user)
    old = {"document_number": submission.document_number, "document_date": submission.document_date,
           "submitted_on": submission.submitted_on}
    submission.deadline = deadline
    submission.submitted_on = submitted_on
    submission.document_number = fields["document_number"]
    submission.document_date = fields["document_date"]
    submission.note = note
    if found is not None:
        _store(submission, found)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        raise ServiceError(gettext("Văn bản này vừa được người khác ghi; hãy mở lại trang."),
                           code=ErrorCode.DUPLICATE) from None
    what = submission.get_kind_display()
    if created:
        changes[f"submission_{submission.pk}"] = [None, gettext("%(what)s số %(number)s ngày %(date)s, gửi ngày "
                                                               "%(sent)s") % {
            "what": what, "number": submission.document_number, "date": format_date(submission.document_date),
            "sent": format_date(submitted_on)}]
    else:
        for field, value in old.items():
            new = getattr(submission, field)
            if value != new:
                changes[f"{kind}_{field}"] = [_shown(field, value), _shown(field, new)]
        if found is not None:
            changes[f"{kind}_file"] = [None, submission.original_name]
    return submission


@transaction.atomic
def submission_save(*, actor: Actor, participant_id, deadline_id, data: dict, file=None) -> Submission:
    """Record the plan or report a unit sent against a deadline (number, date, the day it was sent, the file),
    or correct it (a new file replaces the old one; without one the old file stays)."""
    _read_only_refusal(actor)
    participant = participant_get_for_actor(actor=actor, participant_id=participant_id, for_update=True)
    _manager_check(actor, participant)
    errors = Errors()
    deadline = ReportingDeadline.objects.filter(pk=validators.query_id(deadline_id) or 0,
                                                campaign_id=participant.campaign_id, is_active=True).first()
    if deadline is None:
        raise ServiceError(gettext("Chọn hạn nộp (kế hoạch hoặc báo cáo) của phong trào."), field="deadline")
    if participant.group not in (deadline.groups or []):
        raise ServiceError(gettext("“%(deadline)s” không áp dụng cho %(group)s.") % {
            "deadline": deadline.name, "group": participant.get_group_display()}, field="deadline")
    existing = participant.submissions.filter(deadline=deadline).first()
    if existing is None and deadline.kind == ReportingDeadline.Kind.PLAN:
        existing = participant.submissions.filter(kind=deadline.kind, deadline__isnull=True).first()
    fields = _document_fields(errors, data, prefix="document_")
    submitted_on = _date(errors, "submitted_on", data.get("submitted_on"), gettext("Ngày gửi"),
                         earliest=participant.campaign.starts_on)
    _check_document_dates(errors, fields["document_date"], submitted_on, prefix="")
    note = _text(errors, "note", data.get("note"), gettext("Ghi chú"), max_length=500)
    found = _upload(errors, "file", file, required=existing is None)
    errors.raise_if_any()
    changes: dict = {}
    submission = _submission_write(actor, participant, existing, kind=deadline.kind, deadline=deadline,
                                   submitted_on=submitted_on, fields=fields, found=found, note=note, changes=changes)
    if changes:
        _log(participant, actor, changes, deadline.name)
    return submission


@transaction.atomic
def evidence_document_add(*, actor: Actor, participant_id, data: dict, file=None) -> EvidenceDocument:
    """Attach a document proving a criterion the records cannot show (a decision, minutes, press, photos)."""
    _read_only_refusal(actor)
    participant = participant_get_for_actor(actor=actor, participant_id=participant_id, for_update=True)
    _manager_check(actor, participant)
    errors = Errors()
    title = _text(errors, "title", data.get("title"), gettext("Tên tài liệu"), max_length=300, required=True)
    criterion = None
    if data.get("criterion") not in (None, ""):
        criterion = Criterion.objects.filter(pk=validators.query_id(data.get("criterion")) or 0,
                                             campaign_id=participant.campaign_id, group=participant.group).first()
        if criterion is None:
            errors.add("criterion", gettext("Tiêu chí đã chọn không thuộc nhóm của đối tượng này."))
    found = _upload(errors, "file", file, required=True)
    errors.raise_if_any()
    document = EvidenceDocument(participant=participant, criterion=criterion, title=title, uploaded_by=actor.user)
    _store(document, found)
    document.save()
    _log(participant, actor, {f"evidence_{document.pk}": [None, title]}, gettext("Thêm tài liệu minh chứng"))
    return document


# ---------------------------------------------------------------------------- initiatives
def _initiative_values(errors: Errors, data: dict) -> dict:
    title = _text(errors, "title", data.get("title"), gettext("Tên sáng kiến, đề xuất"), max_length=300,
                  required=True)
    proposed_on = _date(errors, "proposed_on", data.get("proposed_on"), gettext("Ngày đề xuất"))
    description = _text(errors, "description", data.get("description"), gettext("Nội dung, hiệu quả"),
                        max_length=5000, required=True, multiline=True)
    adopted_by = _text(errors, "adopted_by", data.get("adopted_by"), gettext("Đơn vị công nhận, áp dụng"),
                       max_length=300)
    reference = _text(errors, "adoption_reference", data.get("adoption_reference"),
                      gettext("Số văn bản công nhận, áp dụng"), max_length=120)
    adopted_on = _date(errors, "adopted_on", data.get("adopted_on"), gettext("Ngày công nhận, áp dụng"),
                       required=False)
    if adopted_on and not adopted_by:
        errors.add("adopted_by", gettext("Chưa nhập đơn vị công nhận, áp dụng sáng kiến."))
    if (adopted_by or reference) and not adopted_on and "adopted_on" not in errors:
        errors.add("adopted_on", gettext("Chưa nhập ngày công nhận, áp dụng."))
    if adopted_on and proposed_on and adopted_on < proposed_on:
        errors.add("adopted_on", gettext("Ngày công nhận (%(adopted)s) trước ngày đề xuất (%(proposed)s).") % {
            "adopted": format_date(adopted_on), "proposed": format_date(proposed_on)})
    return {"title": title, "proposed_on": proposed_on, "description": description, "adopted_by": adopted_by,
            "adoption_reference": reference, "adopted_on": adopted_on}


@transaction.atomic
def initiative_create(*, actor: Actor, author_id, data: dict) -> Initiative:
    """Record an initiative or proposal of a participant (a unit or a person)."""
    _read_only_refusal(actor)
    errors = Errors()
    author = None
    if author_id in (None, ""):
        errors.add("author", gettext("Chọn tác giả (đơn vị hoặc cá nhân) của sáng kiến."))
    else:
        try:
            author = participant_get_for_actor(actor=actor, participant_id=author_id)
        except ServiceError as exc:
            errors.add("author", exc.message)
    if author is not None:
        _manager_check(actor, author)
    values = _initiative_values(errors, data)
    errors.raise_if_any()
    initiative = Initiative.objects.create(campaign=author.campaign, author=author, unit_path=author.unit_path,
                                           unit_2025_path=author.unit_2025_path, recorded_by=actor.user, **values)
    _log(author, actor, {f"initiative_{initiative.pk}": [None, initiative.title]}, gettext("Ghi nhận sáng kiến"))
    return initiative


@transaction.atomic
def initiative_update(*, actor: Actor, initiative_id, data: dict) -> Initiative:
    """Correct an initiative, or record that a unit adopted it (who, by which document, when)."""
    from .selectors import initiatives_visible

    _read_only_refusal(actor)
    initiative = initiatives_visible(actor).select_related("author", "author__unit", "campaign").filter(
        pk=validators.query_id(initiative_id) or 0).first()
    if initiative is None:
        raise ServiceError(gettext("Không tìm thấy sáng kiến này trong địa bàn bạn phụ trách."),
                           code=ErrorCode.NOT_FOUND)
    _manager_check(actor, initiative.author)
    errors = Errors()
    values = _initiative_values(errors, data)
    errors.raise_if_any()
    changes = {}
    for field, value in values.items():
        old = getattr(initiative, field)
        if old != value:
            changes[f"initiative_{field}"] = [_shown(field, old), _shown(field, value)]
            setattr(initiative, field, value)
    if changes:
        initiative.save()
        _log(initiative.author, actor, changes, initiative.title)
    return initiative


# ---------------------------------------------------------------------------- the office's criteria and deadlines
def office_check(actor: Actor, campaign: Campaign) -> None:
    _read_only_refusal(actor)
    if rules.authority_over(actor, rules.OFFICE_ROLES, campaign.province.path,
                            campaign.province_2025.path if campaign.province_2025_id else "") is None:
        raise ServiceError(gettext("Chỉ cơ quan thường trực thi đua (Sở Nội vụ) hoặc quản trị viên cấp tỉnh được "
                                   "sửa tiêu chí và hạn nộp của phong trào."), code=ErrorCode.PERMISSION_DENIED)


def parse_evidence(value, errors: Errors) -> list[str]:
    keys = value if isinstance(value, (list, tuple)) else [value] if value not in (None, "") else []
    keys = list(dict.fromkeys(str(k) for k in keys))
    unknown = [k for k in keys if k not in EvidenceKey.values]
    if unknown:
        errors.add("evidence", gettext("Loại minh chứng không hợp lệ: %(keys)s.") % {"keys": ", ".join(unknown)[:80]})
    elif not keys:
        errors.add("evidence", gettext("Chọn ít nhất một loại minh chứng (hoặc “tài liệu minh chứng đính kèm”)."))
    return [k for k in keys if k in EvidenceKey.values]


def criterion_values(errors: Errors, data: dict) -> dict:
    group = data.get("group")
    if group not in Group.values:
        errors.add("group", gettext("Chọn nhóm đối tượng."))
    order = errors.check("order", validators.parse_int, data.get("order") or 1, gettext("Thứ tự"), minimum=1,
                         maximum=999)
    text = _text(errors, "text", data.get("text"), gettext("Nội dung tiêu chí"), max_length=4000, required=True,
                 multiline=True)
    evidence = parse_evidence(data.get("evidence"), errors)
    return {"group": group, "order": order, "text": text, "evidence": evidence,
            "is_active": bool(data.get("is_active", True)) and data.get("is_active") not in ("", "0", "false")}


@transaction.atomic
def criterion_create(*, actor: Actor, campaign, data: dict) -> Criterion:
    errors = Errors()
    campaign = _campaign(campaign, errors)
    errors.raise_if_any()
    office_check(actor, campaign)
    values = criterion_values(errors, data)
    errors.raise_if_any()
    taken = set(Criterion.objects.filter(campaign=campaign).values_list("code", flat=True))
    code = validators.code_from_label(f"{values['group']} {values['text'][:30]}", taken=taken, max_length=40)
    criterion = Criterion.objects.create(campaign=campaign, code=code, updated_by=actor.user, **values)
    event_save(edited_event(doctype=CRITERION_DOCTYPE, object_id=criterion.pk, actor_id=actor.id,
                            changes={"criterion": [None, criterion.text[:300]]}))
    return criterion


@transaction.atomic
def criterion_update(*, actor: Actor, criterion_id, data: dict) -> Criterion:
    criterion = lock_own_rows(Criterion.objects.select_related("campaign__province", "campaign__province_2025")) \
        .filter(pk=validators.query_id(criterion_id) or 0).first()
    if criterion is None:
        raise ServiceError(gettext("Không tìm thấy tiêu chí."), code=ErrorCode.NOT_FOUND)
    office_check(actor, criterion.campaign)
    errors = Errors()
    values = criterion_values(errors, data)
    errors.raise_if_any()
    changes = {}
    for field, value in values.items():
        old = getattr(criterion, field)
        if old != value:
            changes[field] = [str(old), str(value)]
            setattr(criterion, field, value)
    if changes:
        criterion.updated_by = actor.user
        criterion.save()
        event_save(edited_event(doctype=CRITERION_DOCTYPE, object_id=criterion.pk, actor_id=actor.id, changes=changes))
    return criterion


def deadline_values(errors: Errors, data: dict, campaign: Campaign) -> dict:
    name = _text(errors, "name", data.get("name"), gettext("Tên"), max_length=200, required=True)
    kind = data.get("kind")
    if kind not in ReportingDeadline.Kind.values:
        errors.add("kind", gettext("Chọn loại văn bản (kế hoạch, báo cáo, tổng kết)."))
    due_on = errors.check("due_on", validators.parse_date, data.get("due_on"), gettext("Hạn nộp"),
                          earliest=campaign.starts_on, latest=campaign.ends_on + dt.timedelta(days=366),
                          allow_future=True)
    groups = data.get("groups")
    groups = groups if isinstance(groups, (list, tuple)) else [groups] if groups not in (None, "") else []
    groups = list(dict.fromkeys(str(g) for g in groups))
    if not groups:
        errors.add("groups", gettext("Chọn ít nhất một nhóm đối tượng phải nộp."))
    elif any(g not in Group.values for g in groups):
        errors.add("groups", gettext("Nhóm đối tượng không hợp lệ."))
    note = _text(errors, "note", data.get("note"), gettext("Ghi chú, căn cứ"), max_length=300)
    return {"name": name, "kind": kind, "due_on": due_on, "groups": [g for g in Group.values if g in groups],
            "note": note,
            "is_active": bool(data.get("is_active", True)) and data.get("is_active") not in ("", "0", "false")}


@transaction.atomic
def deadline_create(*, actor: Actor, campaign, data: dict) -> ReportingDeadline:
    errors = Errors()
    campaign = _campaign(campaign, errors)
    errors.raise_if_any()
    office_check(actor, campaign)
    values = deadline_values(errors, data, campaign)
    errors.raise_if_any()
    taken = set(ReportingDeadline.objects.filter(campaign=campaign).values_list("code", flat=True))
    deadline = ReportingDeadline.objects.create(
        campaign=campaign, code=validators.code_from_label(values["name"], taken=taken, max_length=40),
        updated_by=actor.user, **values)
    event_save(edited_event(doctype=DEADLINE_DOCTYPE, object_id=deadline.pk, actor_id=actor.id,
                            changes={"deadline": [None, str(deadline)]}))
    return deadline


@transaction.atomic
def deadline_update(*, actor: Actor, deadline_id, data: dict) -> ReportingDeadline:
    deadlines = ReportingDeadline.objects.select_related("campaign__province", "campaign__province_2025")
    deadline = lock_own_rows(deadlines).filter(pk=validators.query_id(deadline_id) or 0).first()
    if deadline is None:
        raise ServiceError(gettext("Không tìm thấy hạn nộp."), code=ErrorCode.NOT_FOUND)
    office_check(actor, deadline.campaign)
    errors = Errors()
    values = deadline_values(errors, data, deadline.campaign)
    if values["kind"] and values["kind"] != deadline.kind and deadline.submissions.exists():
        errors.add("kind", gettext("Đã có đơn vị nộp theo hạn này: không đổi được loại văn bản."))
    errors.raise_if_any()
    changes = {}
    for field, value in values.items():
        old = getattr(deadline, field)
        if old != value:
            changes[field] = [_shown(field, old), _shown(field, value)]
            setattr(deadline, field, value)
    if changes:
        deadline.updated_by = actor.user
        deadline.save()
        event_save(edited_event(doctype=DEADLINE_DOCTYPE, object_id=deadline.pk, actor_id=actor.id, changes=changes))
    return deadline


# ---------------------------------------------------------------------------- fixtures (manage.py sync)
def _fixture_path() -> Path:
    return Path(settings.PROJECT_ROOT) / "fixtures" / "emulation_criteria.yaml"


@transaction.atomic
def emulation_fixtures_sync() -> int:
    """Seed each campaign named in ``fixtures/emulation_criteria.yaml`` with the plan's criteria and reporting
    deadlines it does not have yet (matched by code). What the office changed is never overwritten; a second
    run changes nothing."""
    path = _fixture_path()
    if not path.exists():
        return 0
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    changes = 0
    for entry in data.get("campaigns", []):
        campaign = Campaign.objects.filter(code=entry["campaign"]).first()
        if campaign is None:
            continue
        have = set(Criterion.objects.filter(campaign=campaign).values_list("code", flat=True))
        fresh = []
        for item in entry.get("criteria", []):
            if item["code"] in have:
                continue
            evidence = [str(k) for k in item.get("evidence") or [EvidenceKey.MANUAL]]
            unknown = [k for k in evidence if k not in EvidenceKey.values]
            if unknown or str(item["group"]) not in Group.values:
                raise ValueError(f"emulation_criteria.yaml: criterion {item['code']}: unknown group or evidence "
                                 f"{unknown or item['group']}")
            fresh.append(Criterion(campaign=campaign, code=item["code"], group=str(item["group"]),
                                   order=int(item.get("order", 1)), text=" ".join(str(item["text"]).split()),
                                   evidence=evidence))
        Criterion.objects.bulk_create(fresh)
        changes += len(fresh)
        have = set(ReportingDeadline.objects.filter(campaign=campaign).values_list("code", flat=True))
        fresh = []
        for item in entry.get("deadlines", []):
            if item["code"] in have:
                continue
            groups = [str(g) for g in item.get("groups", [])]
            if item["kind"] not in ReportingDeadline.Kind.values or any(g not in Group.values for g in groups):
                raise ValueError(f"emulation_criteria.yaml: deadline {item['code']}: unknown kind or group")
            due = item["due_on"] if isinstance(item["due_on"], dt.date) else dt.date.fromisoformat(str(item["due_on"]))
            fresh.append(ReportingDeadline(campaign=campaign, code=item["code"], name=item["name"], kind=item["kind"],
                                           due_on=due, groups=groups, note=item.get("note", "")))
        ReportingDeadline.objects.bulk_create(fresh)
        changes += len(fresh)
    return changes

