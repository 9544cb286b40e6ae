"""Every write of money: pools and receipts into them, allocations to houses and their cancellation,
stage inspections, tranche releases. Atomic, validated with messages naming what is wrong, written to
the case's timeline, and nothing written when refused.

Never below zero: a pool's row is locked (``select_for_update``) for the whole write that changes its
totals, so two allocations from one pool take turns and the second sees the first's balance; the
database's check constraint ``pool_never_below_zero`` is the last guard should any code path forget
the lock. Locks are always taken case first, then pool, so two writes never wait on each other in a
circle.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign, FundingSource
from housing_campaign.cases import services as case_services
from housing_campaign.cases.models import HousingCase
from housing_campaign.cases.selectors import case_get_for_actor
from housing_campaign.cases.uploads import inspect_upload
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.events import (
    allocation_cancelled_event,
    allocation_event,
    event_save,
    inspection_event,
    release_event,
)
from housing_campaign.core.formatting import format_date, format_vnd
from housing_campaign.core.i18n import message, msgid
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow import engine

from . import selectors
from .models import (
    STATE_SOURCES,
    Allocation,
    FundingPool,
    Inspection,
    InspectionStage,
    PoolEntry,
    Portion,
    Release,
    TopUpRule,
    Tranche,
    portion_for_source,
)
from .selectors import FINANCE, MONEY_VERSION_KEY, allocating_roles, case_in_pool, unit_paths

DOCTYPE = HousingCase.DOCTYPE
REFERENCE_MAX, NOTE_MAX, NOTES_MAX = 60, 300, 2000
PHOTO_MAX_DAYS_BEFORE = 60  # a photo is evidence of the visit: taken on the day or shortly before
INSPECTOR = "inspector"


# ---------------------------------------------------------------------------- small helpers
def _money_changed() -> None:
    """After commit, public pages and dashboards that cache money figures see a new version."""
    def bump():
        try:
            cache.incr(MONEY_VERSION_KEY)
        except ValueError:
            cache.set(MONEY_VERSION_KEY, 2, None)
    transaction.on_commit(bump)


def _writer(actor: Actor) -> None:
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)


def _amount(value, label: str, errors: dict, key: str) -> int | None:
    try:
        return validators.parse_amount(value, label)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None


def _text(value, label: str, errors: dict, key: str, *, max_length: int, required: bool = False,
          multiline: bool = False) -> str:
    try:
        return validators.parse_text(value, label, max_length=max_length, required=required, multiline=multiline)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return ""


def _date(value, label: str, errors: dict, key: str, *, required: bool = True,
          earliest: dt.date = validators.EARLIEST_EVENT_DATE) -> dt.date | None:
    try:
        return validators.parse_date(value, label, earliest=earliest, required=required)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None


def _role_over(actor: Actor, roles: set[str], *paths: str) -> bool:
    return actor.authority_for(roles, *[p for p in paths if p]) is not None


# A portion inside a timeline note, in lower case (the note reads "source (portion): amount").
PORTION_IN_NOTE = {Portion.STATE: gettext_noop("hỗ trợ của nhà nước theo định mức"),
                   Portion.TOPUP: gettext_noop("bổ sung lên mức của phong trào (40/20)"),
                   Portion.COMMUNITY: gettext_noop("cộng đồng giúp đỡ"),
                   Portion.HOUSEHOLD: gettext_noop("hộ gia đình tự có"),
                   Portion.LOAN: gettext_noop("vay vốn (không phải hỗ trợ)")}


def _portion_text(allocation: Allocation) -> dict:
    """The allocation in the case's timeline, a stored message read in the reader's language."""
    return message(gettext_noop("%(source)s (%(portion)s): %(amount)s"),
                   source={"msg": msgid(FundingSource(allocation.source).label)},
                   portion={"msg": PORTION_IN_NOTE[Portion(allocation.portion)]}, amount=format_vnd(allocation.amount))


# ---------------------------------------------------------------------------- pools
def pool_for(*, campaign: Campaign, source: str, unit: AdminUnit, actor_user=None) -> FundingPool:
    """The pool of ``source`` at ``unit`` in ``campaign``, created the first time, locked for this
    transaction (contributions put their value into it)."""
    legacy, current = unit_paths(unit)
    try:
        with transaction.atomic():
            FundingPool.objects.get_or_create(campaign=campaign, source=source, unit=unit, defaults={
                "unit_path": legacy, "unit_2025_path": current, "created_by": actor_user})
    except IntegrityError:
        pass  # created by a concurrent write: locked below
    return FundingPool.objects.select_for_update(of=("self",)).select_related("unit").get(
        campaign=campaign, source=source, unit=unit)


def _unit_in_campaign(campaign: Campaign, unit: AdminUnit) -> bool:
    roots = [campaign.province.path] + ([campaign.province_2025.path] if campaign.province_2025_id else [])
    return any(unit.path.startswith(root) for root in roots)


@transaction.atomic
def pool_create(*, actor: Actor, campaign_id, source: str, unit_id) -> FundingPool:
    """A finance officer opens a pool of a source for a unit of their territory."""
    _writer(actor)
    errors: dict[str, list[str]] = {}
    campaign = Campaign.objects.filter(pk=validators.query_id(campaign_id) or 0).select_related(
        "province", "province_2025").first()
    if campaign is None:
        errors["campaign"] = [gettext("Chưa chọn chương trình.")]
    if source not in FundingSource.values:
        errors["source"] = [gettext("Chưa chọn nguồn kinh phí.")]
    unit = AdminUnit.objects.filter(pk=validators.query_id(unit_id) or 0).first()
    if unit is None:
        errors["unit"] = [gettext("Chưa chọn địa bàn của quỹ.")]
    elif campaign is not None and not _unit_in_campaign(campaign, unit):
        errors["unit"] = [gettext("%(unit)s không thuộc địa bàn của chương trình %(campaign)s.")
                          % {"unit": unit.name, "campaign": campaign.name}]
    if errors:
        raise validation_error(errors)
    legacy, current = unit_paths(unit)
    if not _role_over(actor, {FINANCE}, unit.path):
        raise ServiceError(gettext("Chỉ cán bộ tài chính phụ trách %(unit)s được lập quỹ tại đây.")
                           % {"unit": unit.name},
                           code=ErrorCode.PERMISSION_DENIED, field="unit")
    if FundingPool.objects.filter(campaign=campaign, source=source, unit=unit).exists():
        raise ServiceError(gettext("Đã có quỹ %(source)s của %(unit)s trong chương trình này.")
                           % {"source": FundingSource(source).label, "unit": unit.name},
                           code=ErrorCode.DUPLICATE, field="source")
    return FundingPool.objects.create(campaign=campaign, source=source, unit=unit, unit_path=legacy,
                                      unit_2025_path=current, created_by=actor.user)


def pool_credit(*, pool: FundingPool, amount: int, on_date: dt.date, reference: str, note: str, origin: str,
                actor_user) -> PoolEntry:
    """Money into a pool already locked by the caller (``pool_for`` or ``pool_get_for_actor``)."""
    pool.received += amount
    pool.save(update_fields=["received"])
    _money_changed()
    return PoolEntry.objects.create(pool=pool, kind=PoolEntry.Kind.RECEIPT, origin=origin, amount=amount,
                                    balance_after=pool.balance, on_date=on_date, reference=reference, note=note,
                                    created_by=actor_user)


@transaction.atomic
def pool_receive(*, actor: Actor, pool_id, amount, received_on, reference: str = "", note: str = "",
                 origin: str = PoolEntry.Origin.BUDGET) -> PoolEntry:
    """Money received into a pool: a budget decision or a transfer, with its document's number."""
    _writer(actor)
    errors: dict[str, list[str]] = {}
    value = _amount(amount, gettext("Số tiền nhận vào quỹ"), errors, "amount")
    on_date = _date(received_on, gettext("Ngày nhận"), errors, "received_on")
    reference = _text(reference, gettext("Số quyết định, chứng từ"), errors, "reference", max_length=REFERENCE_MAX,
                      required=True)
    note = _text(note, gettext("Nội dung"), errors, "note", max_length=NOTE_MAX)
    if origin not in (PoolEntry.Origin.BUDGET, PoolEntry.Origin.TRANSFER):
        errors["origin"] = [gettext("Chưa chọn loại khoản thu (quyết định giao vốn hoặc chuyển khoản).")]
    if errors:
        raise validation_error(errors)
    pool = selectors.pool_get_for_actor(actor=actor, pool_id=pool_id, for_update=True)
    if not _role_over(actor, {FINANCE}, pool.unit_path, pool.unit_2025_path):
        raise ServiceError(gettext("Chỉ cán bộ tài chính trong địa bàn của quỹ được ghi khoản thu."),
                           code=ErrorCode.PERMISSION_DENIED)
    return pool_credit(pool=pool, amount=value, on_date=on_date, reference=reference, note=note, origin=origin,
                       actor_user=actor.user)


# ---------------------------------------------------------------------------- allocations
def allocate(*, case: HousingCase, pool: FundingPool, amount: int, portion: str, actor_user, decision_number: str = "",
             decision_date: dt.date | None = None, note: str = "") -> Allocation:
    """Draw ``amount`` from a pool to a case, both already locked (case first) and checked by the caller.
    Refuses, writing nothing, when the pool does not hold the amount."""
    if amount > pool.balance:
        raise ServiceError(gettext("Quỹ “%(pool)s” chỉ còn %(balance)s, không đủ để phân bổ %(amount)s.")
                           % {"pool": pool, "balance": format_vnd(pool.balance), "amount": format_vnd(amount)},
                           code=ErrorCode.INSUFFICIENT_BALANCE, field="amount")
    pool.allocated += amount
    try:
        with transaction.atomic():
            pool.save(update_fields=["allocated"])  # the CHECK constraint is the last guard
    except IntegrityError:
        pool.allocated -= amount
        raise ServiceError(gettext("Quỹ “%(pool)s” không đủ số dư để phân bổ %(amount)s.")
                           % {"pool": pool, "amount": format_vnd(amount)},
                           code=ErrorCode.INSUFFICIENT_BALANCE, field="amount") from None
    allocation = Allocation.objects.create(case=case, pool=pool, source=pool.source, portion=portion, amount=amount,
                                           decision_number=decision_number, decision_date=decision_date, note=note,
                                           created_by=actor_user)
    PoolEntry.objects.create(pool=pool, kind=PoolEntry.Kind.ALLOCATION, amount=amount, balance_after=pool.balance,
                             on_date=decision_date or timezone.localdate(), reference=decision_number,
                             note=note or f"Phân bổ cho hồ sơ {case.code}", allocation=allocation, case=case,
                             created_by=actor_user)
    event_save(allocation_event(doctype=DOCTYPE, object_id=case.pk, actor_id=getattr(actor_user, "pk", None),
                                allocation_id=allocation.pk, text=_portion_text(allocation), amount=amount,
                                comment=note))
    _money_changed()
    return allocation


def _stage_open(case: HousingCase, stages: Iterable[str], what: str) -> None:
    if case.stage not in stages:
        state = engine.compiled(case.workflow_id).state_label(case.state)
        raise ServiceError(gettext("Hồ sơ đang ở trạng thái “%(state)s”: %(what)s") % {"state": state, "what": what},
                           code=ErrorCode.FIELD_LOCKED)


@transaction.atomic
def allocation_create(*, actor: Actor, case_id, pool_id, amount, topup: bool = False, decision_number: str = "",
                      decision_date=None, note: str = "") -> Allocation:
    """Allocate from a pool to a house. The state support is capped at the norm of the case's strand and
    support type; a 40/20 case started in the top-up period may be topped up to the campaign's level
    from another state source; community and household money comes on top, never inside the norm."""
    _writer(actor)
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    errors: dict[str, list[str]] = {}
    if validators.query_id(pool_id) is None:
        errors["pool"] = [gettext("Chưa chọn quỹ để phân bổ.")]
    value = _amount(amount, gettext("Số tiền phân bổ"), errors, "amount")
    decision_number = _text(decision_number, gettext("Số quyết định"), errors, "decision_number",
                            max_length=REFERENCE_MAX)
    decision_date = _date(decision_date, gettext("Ngày quyết định"), errors, "decision_date", required=False)
    note = _text(note, gettext("Ghi chú"), errors, "note", max_length=NOTE_MAX)
    if errors:
        raise validation_error(errors)
    pool = selectors.pool_get_for_actor(actor=actor, pool_id=pool_id, for_update=True)
    roles = allocating_roles(pool.source)
    if not (_role_over(actor, roles, *engine.document_paths(case))
            and _role_over(actor, roles, pool.unit_path, pool.unit_2025_path)):
        who = gettext("cán bộ tài chính") if roles == {FINANCE} else gettext("cán bộ tài chính hoặc Mặt trận Tổ quốc")
        raise ServiceError(gettext("Chỉ %(who)s phụ trách cả quỹ và hồ sơ được phân bổ từ quỹ “%(pool)s”.")
                           % {"who": who, "pool": pool},
                           code=ErrorCode.PERMISSION_DENIED)
    _stage_open(case, selectors.ALLOCATABLE_STAGES,
                gettext("chỉ phân bổ kinh phí cho hồ sơ đã được duyệt và chưa bàn giao."))
    if pool.campaign_id != case.campaign_id:
        raise ServiceError(gettext("Quỹ “%(pool)s” thuộc chương trình khác với hồ sơ.") % {"pool": pool},
                           code=ErrorCode.VALIDATION, field="pool")
    if not case_in_pool(case, pool):
        raise ServiceError(gettext("Quỹ của %(unit)s không cấp cho nhà ở %(commune)s.")
                           % {"unit": pool.unit.name, "commune": case.commune.name},
                           code=ErrorCode.VALIDATION, field="pool")
    if topup and pool.source not in STATE_SOURCES:
        raise ServiceError(gettext("Phần bổ sung mức hỗ trợ chỉ lấy từ nguồn ngân sách nhà nước."),
                           code=ErrorCode.VALIDATION,
                           field="topup")
    portion = portion_for_source(pool.source, topup=topup)
    totals = selectors.portion_totals(case.pk)
    if portion == Portion.STATE:
        remaining = case.support_amount - totals.get(Portion.STATE, 0)
        if remaining <= 0:
            raise ServiceError(gettext("Hỗ trợ của Nhà nước đã phân bổ đủ định mức (%(norm)s). Đóng góp của cộng "
                                       "đồng và của hộ ghi từ các quỹ cộng đồng, cộng thêm ngoài định mức.")
                               % {"norm": format_vnd(case.support_amount)},
                               code=ErrorCode.VALIDATION, field="amount")
        if value > remaining:
            raise ServiceError(gettext("Số tiền vượt phần hỗ trợ của Nhà nước còn thiếu theo định mức "
                                       "(%(remaining)s của %(norm)s).")
                               % {"remaining": format_vnd(remaining), "norm": format_vnd(case.support_amount)},
                               code=ErrorCode.VALIDATION, field="amount")
    if portion == Portion.TOPUP:
        topup_info = selectors.topup_for(case)
        if topup_info.amount <= 0:
            raise ServiceError(topup_info.reason, code=ErrorCode.VALIDATION, field="topup")
        if pool.source == topup_info.rule.programme_source:
            raise ServiceError(gettext("Phần bổ sung phải lấy từ nguồn khác nguồn của chính chương trình "
                                       "(%(source)s).") % {"source": FundingSource(pool.source).label},
                               code=ErrorCode.VALIDATION, field="pool")
        remaining = topup_info.amount - totals.get(Portion.TOPUP, 0)
        if value > remaining:
            raise ServiceError(gettext("Số tiền vượt phần bổ sung còn thiếu (%(remaining)s của %(topup)s).")
                               % {"remaining": format_vnd(max(remaining, 0)), "topup": format_vnd(topup_info.amount)},
                               code=ErrorCode.VALIDATION, field="amount")
    allocation = allocate(case=case, pool=pool, amount=value, portion=portion, actor_user=actor.user,
                          decision_number=decision_number, decision_date=decision_date, note=note)
    if (portion == Portion.STATE and decision_number and not case.approval_decision_number
            and case.stage == "funding" and engine.can_edit(actor=actor, document=case)[0]):
        case_services.case_update_approval(actor=actor, case_id=case.pk, decision_number=decision_number,
                                           decision_date=decision_date)
    return allocation


@transaction.atomic
def allocation_cancel(*, actor: Actor, allocation_id, reason: str) -> Allocation:
    """Undo an allocation made in error: the money goes back to its pool (a reversal line)."""
    _writer(actor)
    found = selectors.allocations_visible(actor).filter(pk=validators.query_id(allocation_id) or 0).values_list(
        "case_id", flat=True).first()
    if found is None:
        raise ServiceError(gettext("Không tìm thấy khoản phân bổ này trong địa bàn bạn phụ trách."),
                           code=ErrorCode.NOT_FOUND)
    case = case_get_for_actor(actor=actor, case_id=found, for_update=True)
    allocation = Allocation.objects.select_for_update().get(pk=validators.query_id(allocation_id))
    pool = FundingPool.objects.select_for_update().select_related("unit").get(pk=allocation.pool_id)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, gettext("Lý do hủy"), errors, "reason", max_length=NOTE_MAX, required=True)
    if errors:
        raise ServiceError(errors["reason"][0], code=ErrorCode.COMMENT_REQUIRED, errors=errors)
    roles = allocating_roles(pool.source)
    if not (_role_over(actor, roles, *engine.document_paths(case))
            and _role_over(actor, roles, pool.unit_path, pool.unit_2025_path)):
        raise ServiceError(gettext("Bạn không có quyền hủy khoản phân bổ từ quỹ “%(pool)s”.") % {"pool": pool},
                           code=ErrorCode.PERMISSION_DENIED)
    if allocation.cancelled_at is not None:
        raise ServiceError(gettext("Khoản phân bổ này đã được hủy lúc %(date)s.")
                           % {"date": format_date(allocation.cancelled_at)},
                           code=ErrorCode.STALE_STATE)
    _stage_open(case, selectors.ALLOCATABLE_STAGES, gettext("không hủy phân bổ được nữa."))
    if allocation.source in selectors.RELEASABLE_SOURCES:
        base, released = selectors.releasable_base(case.pk), selectors.released_total(case.pk)
        if released > base - allocation.amount:
            raise ServiceError(gettext("Đã giải ngân %(released)s cho hồ sơ; hủy khoản này thì số đã giải ngân vượt "
                                       "số được phân bổ (%(left)s).")
                               % {"released": format_vnd(released), "left": format_vnd(base - allocation.amount)},
                               code=ErrorCode.VALIDATION)
    allocation.cancelled_at, allocation.cancelled_by, allocation.cancel_reason = timezone.now(), actor.user, reason
    allocation.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    pool.allocated -= allocation.amount
    pool.save(update_fields=["allocated"])
    PoolEntry.objects.create(pool=pool, kind=PoolEntry.Kind.REVERSAL, amount=allocation.amount,
                             balance_after=pool.balance, on_date=timezone.localdate(),
                             reference=allocation.decision_number, note=f"Hủy phân bổ cho hồ sơ {case.code}: {reason}",
                             allocation=allocation, case=case, created_by=actor.user)
    event_save(allocation_cancelled_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id,
                                          allocation_id=allocation.pk, text=_portion_text(allocation),
                                          amount=allocation.amount, reason=reason))
    _money_changed()
    return allocation


# ---------------------------------------------------------------------------- inspections
def _photo_problem(name: str, info: dict, inspected_on: dt.date | None) -> str | None:
    """A stage inspection's photo is evidence of the visit: it must say when and where it was taken."""
    missing = [what for what, ok in ((gettext("ngày giờ chụp"), info.get("taken_at")),
                                     (gettext("vị trí GPS"), info.get("latitude") is not None)) if not ok]
    shown = validators.normalize_text(name, max_length=80)
    if missing:
        return (gettext("Ảnh “%(name)s” không có %(missing)s trong dữ liệu ảnh (EXIF); hãy chụp bằng điện thoại có "
                        "bật định vị và gửi ảnh gốc.") % {"name": shown, "missing": gettext(" và ").join(missing)})
    taken = timezone.localtime(info["taken_at"]).date()
    if inspected_on is not None and taken > inspected_on:
        return (gettext("Ảnh “%(name)s” chụp ngày %(taken)s, sau ngày kiểm tra %(date)s.")
                % {"name": shown, "taken": format_date(taken), "date": format_date(inspected_on)})
    if inspected_on is not None and (inspected_on - taken).days > PHOTO_MAX_DAYS_BEFORE:
        return (gettext("Ảnh “%(name)s” chụp ngày %(taken)s, quá %(days)s ngày trước ngày kiểm tra.")
                % {"name": shown, "taken": format_date(taken), "days": PHOTO_MAX_DAYS_BEFORE})
    return None


@transaction.atomic
def inspection_record(*, actor: Actor, case_id, stage: str, inspected_on, result: str, notes: str = "",
                      photos: list[UploadedFile] | None = None) -> Inspection:
    """A stage inspection by a supervisor of the territory, with at least one dated, geotagged photo."""
    _writer(actor)
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    if not _role_over(actor, {INSPECTOR}, *engine.document_paths(case)):
        raise ServiceError(gettext("Chỉ cán bộ giám sát phụ trách địa bàn của hồ sơ được ghi kết quả kiểm tra."),
                           code=ErrorCode.PERMISSION_DENIED)
    _stage_open(case, selectors.INSPECTABLE_STAGES,
                gettext("chỉ kiểm tra giai đoạn khi nhà đang thi công đến trước bàn giao."))
    errors: dict[str, list[str]] = {}
    if stage not in InspectionStage.values:
        errors["stage"] = [gettext("Chưa chọn giai đoạn kiểm tra.")]
    inspected_on = _date(inspected_on, gettext("Ngày kiểm tra"), errors, "inspected_on")
    if inspected_on and case.surveyed_on and inspected_on < case.surveyed_on:
        errors["inspected_on"] = [gettext("Ngày kiểm tra không được trước ngày rà soát hồ sơ.")]
    if result not in Inspection.Result.values:
        errors["result"] = [gettext("Chưa chọn kết quả kiểm tra (đạt hoặc không đạt).")]
    notes = _text(notes, gettext("Nhận xét"), errors, "notes", max_length=NOTES_MAX, multiline=True)
    if result == Inspection.Result.FAILED and not notes and "notes" not in errors:
        errors["notes"] = [gettext("Kiểm tra không đạt: hãy ghi rõ lý do trong phần nhận xét.")]
    checked = []
    for upload in photos or []:
        try:
            info = inspect_upload(upload, photo_only=True)
        except ServiceError as exc:
            errors.setdefault("photos", []).append(exc.message)
            continue
        problem = _photo_problem(upload.name or "ảnh", info, inspected_on)
        if problem:
            errors.setdefault("photos", []).append(problem)
        else:
            checked.append((upload, info))
    if not photos:
        errors["photos"] = [gettext("Cần ít nhất một ảnh hiện trường có ngày chụp và vị trí GPS.")]
    if errors:
        raise validation_error(errors)
    inspection = Inspection.objects.create(case=case, stage=stage, inspected_on=inspected_on, inspector=actor.user,
                                           result=result, notes=notes)
    label = InspectionStage(stage).label
    for upload, info in checked:
        attachment = case_services.attachment_save(actor=actor, case=case, upload=upload, info=info,
                                                   stage="construction",
                                                   caption=f"Kiểm tra {label.lower()} {format_date(inspected_on)}")
        inspection.photos.add(attachment)
    event_save(inspection_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id, inspection_id=inspection.pk,
                                text=message(gettext_noop("%(stage)s: %(result)s (%(date)s)"),
                                             stage={"msg": msgid(label)},
                                             result={"msg": msgid(Inspection.Result(result).label)},
                                             date=format_date(inspected_on)),
                                notes=notes))
    return inspection


# ---------------------------------------------------------------------------- releases
@transaction.atomic
def tranche_release(*, actor: Actor, case_id, tranche_id, released_on=None, reference: str = "") -> Release:
    """Release a tranche of the house's money, only after the stage inspection it depends on passed,
    never twice, never beyond what was allocated."""
    _writer(actor)
    case = case_get_for_actor(actor=actor, case_id=case_id, for_update=True)
    if not _role_over(actor, {FINANCE}, *engine.document_paths(case)):
        raise ServiceError(gettext("Chỉ cán bộ tài chính phụ trách địa bàn của hồ sơ được giải ngân."),
                           code=ErrorCode.PERMISSION_DENIED)
    tranche = Tranche.objects.filter(pk=validators.query_id(tranche_id) or 0, campaign_id=case.campaign_id).first()
    if tranche is None:
        raise ServiceError(gettext("Không tìm thấy đợt giải ngân này trong chương trình của hồ sơ."),
                           code=ErrorCode.NOT_FOUND,
                           field="tranche")
    errors: dict[str, list[str]] = {}
    released_on = _date(released_on or timezone.localdate(), gettext("Ngày giải ngân"), errors, "released_on")
    reference = _text(reference, gettext("Số chứng từ"), errors, "reference", max_length=REFERENCE_MAX)
    if errors:
        raise validation_error(errors)
    releases = {r.tranche_id: r for r in Release.objects.filter(case=case)}
    base, released = selectors.releasable_base(case.pk), sum(r.amount for r in releases.values())
    inspections = list(Inspection.objects.filter(case=case).order_by("inspected_on", "id"))
    code, reason = selectors.tranche_refusal(case, tranche, releases=releases, base=base, released=released,
                                             inspections=inspections)
    if code:
        raise ServiceError(reason, code=code, field="tranche")
    inspection = selectors.passed_inspection(case.pk, tranche.inspection_stage)
    if released_on < inspection.inspected_on:
        raise validation_error({"released_on": [gettext("Ngày giải ngân không được trước ngày kiểm tra đạt (%(date)s).")
                                                % {"date": format_date(inspection.inspected_on)}]})
    amount = selectors.tranche_amount(tranche, base=base, released=released)
    try:
        with transaction.atomic():
            release = Release.objects.create(case=case, tranche=tranche, inspection=inspection, amount=amount,
                                             released_on=released_on, reference=reference, released_by=actor.user)
    except IntegrityError:
        raise ServiceError(gettext("Đợt “%(tranche)s” vừa được giải ngân; không giải ngân lần hai.")
                           % {"tranche": tranche.name},
                           code=ErrorCode.ALREADY_RELEASED, field="tranche") from None
    event_save(release_event(doctype=DOCTYPE, object_id=case.pk, actor_id=actor.id, release_id=release.pk,
                             text=message(gettext_noop("%(tranche)s: %(amount)s (%(date)s)"), tranche=tranche.name,
                                          amount=format_vnd(amount), date=format_date(released_on)),
                             amount=amount))
    _money_changed()
    return release


# ---------------------------------------------------------------------------- reference data
@transaction.atomic
def funding_fixtures_sync() -> int:
    """``manage.py sync``: each campaign file's ``tranches`` and ``top_ups`` seed a campaign that has none
    (afterwards they belong to its administrators, like strands and norms)."""
    from pathlib import Path

    import yaml
    from django.conf import settings

    from housing_campaign.campaigns.models import Strand

    changes = 0
    for path in sorted((Path(settings.PROJECT_ROOT) / "fixtures" / "campaigns").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        campaign = Campaign.objects.filter(code=data["code"]).first()
        if campaign is None:
            continue
        if not Tranche.objects.filter(campaign=campaign).exists():
            for item in data.get("tranches", []):
                Tranche.objects.create(campaign=campaign, order=item["order"], name=item["name"], kind=item["kind"],
                                       percent=item.get("percent"), amount=item.get("amount"),
                                       inspection_stage=item["inspection_stage"])
                changes += 1
        strands = {s.code: s for s in Strand.objects.filter(campaign=campaign)}
        for item in data.get("top_ups", []):
            strand = strands.get(item["strand"])
            if strand is None or TopUpRule.objects.filter(strand=strand).exists():
                continue
            TopUpRule.objects.create(campaign=campaign, strand=strand, target_strand=strands[item["target_strand"]],
                                     starts_on=dt.date.fromisoformat(str(item["starts_on"])),
                                     programme_source=item["programme_source"], basis=item.get("basis", ""))
            changes += 1
    return changes
