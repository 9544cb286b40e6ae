"""Every write of the Fatherland Front's contributions desk: donors, pledges, receipts (cash, materials,
workdays) with their numbered, QR-verified receipt, the value put into a pool, and allocated at once to
the house it is earmarked for. Atomic; refused with every problem named, writing nothing."""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign, FundingSource
from housing_campaign.cases.models import HousingCase
from housing_campaign.cases.selectors import cases_visible
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import PoolEntry, Portion
from housing_campaign.funding.selectors import ALLOCATABLE_STAGES, unit_paths
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow import engine

from .documents import FORMAT_CODE, contribution_context
from .models import Contribution, Donor, DonorKind, Kind, Pledge

FRONT = "fatherland_front"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as certificates: read aloud safely
NAME_MAX, CONTACT_MAX, DESCRIPTION_MAX, ITEM_MAX, UNIT_MAX = 200, 300, 300, 120, 30
QUANTITY_MAX = Decimal("1000000000")
EARMARKS = ("general", "commune", "case")
SOURCE_OF_KIND = {Kind.CASH: FundingSource.FATHERLAND_FRONT, Kind.MATERIALS: FundingSource.IN_KIND_MATERIALS,
                  Kind.WORKDAYS: FundingSource.IN_KIND_WORKDAYS}


# ---------------------------------------------------------------------------- who and where
def _front_authorities(actor: Actor):
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    found = [a for a in actor.all_authorities if FRONT in a.roles]
    if not found:
        raise ServiceError(gettext("Chỉ cán bộ Mặt trận Tổ quốc được ghi nhận người ủng hộ, cam kết và đóng góp."),
                           code=ErrorCode.PERMISSION_DENIED)
    return found


def front_unit_for(actor: Actor, *paths: str) -> AdminUnit:
    """The actor's own Front committee that covers ``paths`` (the first one when none is given)."""
    for authority in _front_authorities(actor):
        for own in authority.paths:
            if not paths or any(p and p.startswith(own) for p in paths):
                unit = AdminUnit.objects.filter(path=own).first()
                if unit is not None:
                    return unit
    raise ServiceError(gettext("Nơi nhận nằm ngoài địa bàn của Ủy ban Mặt trận Tổ quốc bạn phụ trách."),
                       code=ErrorCode.OUT_OF_TERRITORY)


def _campaign(campaign_id, unit: AdminUnit, errors: dict) -> Campaign | None:
    """The campaign given, or the one active campaign whose province holds ``unit``."""
    if campaign_id not in (None, ""):
        campaign = Campaign.objects.filter(pk=validators.query_id(campaign_id) or 0).first()
        if campaign is None:
            errors["campaign"] = [gettext("Chương trình đã chọn không tồn tại.")]
        return campaign
    active = [c for c in Campaign.objects.filter(is_active=True).select_related("province", "province_2025")
              if unit.path.startswith(c.province.path)
              or (c.province_2025_id and unit.path.startswith(c.province_2025.path))]
    if len(active) != 1:
        errors["campaign"] = [gettext("Chưa chọn chương trình.")]
        return None
    return active[0]


class Earmark:
    """Where a pledge or a receipt goes: a house, a commune, or the general fund of the Front committee."""

    def __init__(self, *, kind: str, case: HousingCase | None = None, commune: AdminUnit | None = None,
                 front_unit: AdminUnit):
        self.kind, self.case, self.commune, self.front_unit = kind, case, commune, front_unit

    @property
    def unit(self) -> AdminUnit:
        """Where the value is kept: the house's commune, the commune, or the Front committee."""
        if self.case is not None:
            return self.case.commune
        return self.commune or self.front_unit


def _earmark(actor: Actor, data: dict, errors: dict, *, lock_case: bool = False) -> Earmark | None:
    kind = data.get("earmark") or "general"
    if kind not in EARMARKS:
        errors["earmark"] = [gettext("Chưa chọn nơi nhận (quỹ chung, một xã hoặc một hộ).")]
        return None
    if kind == "case":
        reference = validators.query_text(data.get("case") or "", max_length=40).upper()
        qs = cases_visible(actor).select_related("commune", "household", "village", "campaign")
        if lock_case:
            qs = qs.select_for_update(of=("self",))
        case = None
        if reference:
            case = qs.filter(code=reference).first()
            if case is None and validators.query_id(reference):
                case = qs.filter(pk=validators.query_id(reference)).first()
        if case is None:
            errors["case"] = [gettext("Không tìm thấy hồ sơ “%(code)s” trong địa bàn bạn phụ trách.")
                              % {"code": reference} if reference
                              else gettext("Chưa nhập mã hồ sơ của hộ được chỉ định.")]
            return None
        try:
            front = front_unit_for(actor, *engine.document_paths(case))
        except ServiceError as exc:
            errors["case"] = [gettext("Hồ sơ %(code)s nằm ngoài địa bàn bạn phụ trách (%(reason)s)")
                              % {"code": case.code, "reason": exc.message}]
            return None
        return Earmark(kind=kind, case=case, front_unit=front)
    if kind == "commune":
        commune = AdminUnit.objects.filter(pk=validators.query_id(data.get("commune")) or 0,
                                           level=AdminUnit.Level.COMMUNE).first()
        if commune is None:
            errors["commune"] = [gettext("Chưa chọn xã được chỉ định.")]
            return None
        legacy, current = unit_paths(commune)
        try:
            front = front_unit_for(actor, legacy, current)
        except ServiceError:
            errors["commune"] = [gettext("%(commune)s nằm ngoài địa bàn bạn phụ trách.") % {"commune": commune.name}]
            return None
        return Earmark(kind=kind, commune=commune, front_unit=front)
    return Earmark(kind=kind, front_unit=front_unit_for(actor))


def _text(data: dict, key: str, label: str, errors: dict, *, max_length: int, required: bool = False) -> str:
    try:
        return validators.parse_text(data.get(key), label, max_length=max_length, required=required)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return ""


def _amount(value, label: str, errors: dict, key: str) -> int | None:
    try:
        return validators.parse_amount(value, label)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None


def _date(value, label: str, errors: dict, key: str) -> dt.date | None:
    try:
        return validators.parse_date(value, label)
    except validators.InputError as exc:
        errors[key] = [exc.message]
        return None


def _located(obj, earmark: Earmark) -> None:
    obj.unit_path, obj.unit_2025_path = unit_paths(earmark.unit)


# ---------------------------------------------------------------------------- donors
def _donor_fields(data: dict, errors: dict) -> dict:
    kind = data.get("kind")
    if kind not in DonorKind.values:
        errors["kind"] = [gettext("Chưa chọn loại người ủng hộ (doanh nghiệp, tổ chức, hộ gia đình, cá nhân).")]
    return {"kind": kind,
            "name": _text(data, "name", gettext("Tên người ủng hộ"), errors, max_length=NAME_MAX, required=True),
            "contact": _text(data, "contact", gettext("Liên hệ"), errors, max_length=CONTACT_MAX)}


@transaction.atomic
def donor_create(*, actor: Actor, data: dict) -> Donor:
    unit = front_unit_for(actor)
    errors: dict[str, list[str]] = {}
    fields = _donor_fields(data, errors)
    if errors:
        raise validation_error(errors)
    legacy, current = unit_paths(unit)
    return Donor.objects.create(unit=unit, unit_path=legacy, unit_2025_path=current, created_by=actor.user, **fields)


@transaction.atomic
def donor_update(*, actor: Actor, donor_id, data: dict) -> Donor:
    from .selectors import donor_get_for_actor

    _front_authorities(actor)
    donor = donor_get_for_actor(actor=actor, donor_id=donor_id)
    if actor.authority_for({FRONT}, donor.unit_path, donor.unit_2025_path) is None:
        raise ServiceError(gettext("Người ủng hộ này do Ủy ban Mặt trận Tổ quốc khác quản lý."),
                           code=ErrorCode.PERMISSION_DENIED)
    errors: dict[str, list[str]] = {}
    fields = _donor_fields(data, errors)
    if errors:
        raise validation_error(errors)
    for key, value in fields.items():
        setattr(donor, key, value)
    donor.save(update_fields=list(fields))
    return donor


def _donor(actor: Actor, donor_id, errors: dict) -> Donor | None:
    from .selectors import donor_get_for_actor

    if validators.query_id(donor_id) is None:
        errors["donor"] = [gettext("Chưa chọn người ủng hộ.")]
        return None
    try:
        return donor_get_for_actor(actor=actor, donor_id=donor_id)
    except ServiceError as exc:
        errors["donor"] = [exc.message]
        return None


# ---------------------------------------------------------------------------- pledges
@transaction.atomic
def pledge_create(*, actor: Actor, data: dict) -> Pledge:
    """A promise: who, what (cash, materials, workdays valued in đồng), when, for whom."""
    _front_authorities(actor)
    errors: dict[str, list[str]] = {}
    donor = _donor(actor, data.get("donor"), errors)
    kind = data.get("kind")
    if kind not in Kind.values:
        errors["kind"] = [gettext("Chưa chọn hình thức (tiền mặt, vật liệu, ngày công).")]
    amount = _amount(data.get("amount"), gettext("Giá trị cam kết"), errors, "amount")
    pledged_on = _date(data.get("pledged_on"), gettext("Ngày cam kết"), errors, "pledged_on")
    description = _text(data, "description", gettext("Nội dung"), errors, max_length=DESCRIPTION_MAX)
    earmark = _earmark(actor, data, errors)
    campaign = None
    if earmark is not None:
        campaign = earmark.case.campaign if earmark.case else _campaign(data.get("campaign"), earmark.unit, errors)
    if errors:
        raise validation_error(errors)
    pledge = Pledge(campaign=campaign, donor=donor, kind=kind, amount=amount, description=description,
                    pledged_on=pledged_on, commune=earmark.commune, earmarked_case=earmark.case,
                    front_unit=earmark.front_unit, recorded_by=actor.user)
    _located(pledge, earmark)
    pledge.save()
    return pledge


# ---------------------------------------------------------------------------- receipts
def _value(data: dict, kind: str, errors: dict) -> dict:
    """The receipt's value in đồng and what it is: cash; materials (item, quantity, unit, value);
    workdays (count, value per day)."""
    if kind == Kind.CASH:
        return {"received_amount": _amount(data.get("amount"), gettext("Số tiền"), errors, "amount")}
    quantity = None
    label = gettext("Số lượng vật liệu") if kind == Kind.MATERIALS else gettext("Số ngày công")
    try:
        quantity = validators.parse_decimal(data.get("quantity"), label, max_digits=12, decimal_places=2,
                                            maximum=QUANTITY_MAX)
        if quantity <= 0:
            errors["quantity"] = [gettext("%(label)s phải lớn hơn 0.") % {"label": label}]
    except validators.InputError as exc:
        errors["quantity"] = [exc.message]
    if kind == Kind.MATERIALS:
        fields = {"item": _text(data, "item", gettext("Tên vật liệu"), errors, max_length=ITEM_MAX, required=True),
                  "unit": _text(data, "unit", gettext("Đơn vị tính"), errors, max_length=UNIT_MAX, required=True),
                  "quantity": quantity}
        if data.get("amount") in (None, ""):
            errors["amount"] = [gettext("Đóng góp bằng vật liệu phải có giá trị quy ra tiền (đồng) để ghi sổ và "
                                        "công khai.")]
        else:
            fields["received_amount"] = _amount(data.get("amount"), gettext("Giá trị quy ra tiền"), errors,
                                                "amount")
        return fields
    fields = {"quantity": quantity, "unit": "ngày công"}
    if data.get("value_per_day") in (None, ""):
        errors["value_per_day"] = [gettext("Đóng góp bằng ngày công phải có giá trị một ngày công (đồng) để ghi "
                                           "sổ và công khai.")]
        return fields
    per_day = _amount(data.get("value_per_day"), gettext("Giá trị một ngày công"), errors, "value_per_day")
    fields["value_per_day"] = per_day
    if per_day and quantity and quantity > 0:
        value = int((quantity * per_day).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if value > validators.MONEY_MAX:
            errors["value_per_day"] = [gettext("Giá trị ngày công quá lớn.")]
        fields["received_amount"] = value
    return fields


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if not Contribution.objects.filter(public_code=code).exists():
            return code


@transaction.atomic
def contribution_receive(*, actor: Actor, data: dict) -> Contribution:
    """Record what was received, issue its numbered receipt with a QR code, put its value into the pool
    of where it goes, and allocate it at once to the house it is earmarked for."""
    _front_authorities(actor)
    errors: dict[str, list[str]] = {}
    donor = _donor(actor, data.get("donor"), errors)
    kind = data.get("kind")
    fields: dict = {}
    if kind not in Kind.values:
        errors["kind"] = [gettext("Chưa chọn hình thức (tiền mặt, vật liệu, ngày công).")]
    else:
        fields = _value(data, kind, errors)
    received_on = _date(data.get("received_on"), gettext("Ngày nhận"), errors, "received_on")
    description = _text(data, "description", gettext("Nội dung"), errors, max_length=DESCRIPTION_MAX)
    own_share = bool(data.get("own_share"))
    earmark = _earmark(actor, data, errors, lock_case=True)
    if earmark is not None and earmark.case is not None and earmark.case.stage not in ALLOCATABLE_STAGES:
        state = engine.compiled(earmark.case.workflow_id).state_label(earmark.case.state)
        errors["case"] = [gettext("Hồ sơ %(code)s đang ở trạng thái “%(state)s”: chỉ nhận đóng góp chỉ định cho hồ "
                                  "sơ đã được duyệt hỗ trợ và chưa bàn giao; hãy ghi nhận cho xã rồi phân bổ sau.")
                          % {"code": earmark.case.code, "state": state}]
    if own_share and (earmark is None or earmark.case is None):
        errors["own_share"] = [gettext("Phần tự có của hộ phải chỉ định đúng hồ sơ của hộ đó.")]
    campaign = None
    if earmark is not None and "case" not in errors:
        campaign = earmark.case.campaign if earmark.case else _campaign(data.get("campaign"), earmark.unit, errors)
    pledge = None
    if data.get("pledge") not in (None, ""):
        pledge = Pledge.objects.filter(pk=validators.query_id(data.get("pledge")) or 0,
                                       donor=donor).first() if donor else None
        if pledge is None:
            errors["pledge"] = [gettext("Cam kết đã chọn không phải của người ủng hộ này.")]
    if errors:
        raise validation_error(errors)
    source = FundingSource.HOUSEHOLD if own_share and kind == Kind.CASH else SOURCE_OF_KIND[kind]
    pool = funding.pool_for(campaign=campaign, source=source, unit=earmark.unit, actor_user=actor.user)
    contribution = Contribution(
        campaign=campaign, donor=donor, pledge=pledge, donor_name=donor.name, donor_kind=donor.kind, kind=kind,
        description=description, own_share=own_share, commune=earmark.commune, earmarked_case=earmark.case,
        front_unit=earmark.front_unit, received_on=received_on, public_code=_new_code(), recorded_by=actor.user,
        recorded_at=timezone.now(), **fields)
    _located(contribution, earmark)
    contribution.save()
    _issue_receipt(contribution, actor)
    contribution.pool_entry = funding.pool_credit(
        pool=pool, amount=contribution.received_amount, on_date=received_on, reference=contribution.number_text,
        note=f"{donor.name}: {contribution.get_kind_display().lower()}", origin=PoolEntry.Origin.CONTRIBUTION,
        actor_user=actor.user)
    if earmark.case is not None:
        contribution.allocation = funding.allocate(
            case=earmark.case, pool=pool, amount=contribution.received_amount,
            portion=Portion.HOUSEHOLD if own_share else Portion.COMMUNITY, actor_user=actor.user,
            decision_number=contribution.number_text, decision_date=received_on,
            note=f"Đóng góp chỉ định của {donor.name} (biên nhận {contribution.number_text})")
    contribution.save(update_fields=["pool_entry", "allocation"])
    return contribution


def _issue_receipt(contribution: Contribution, actor: Actor) -> None:
    """The receipt's number (per Front committee, kind and year, gap-free) and its frozen print data."""
    from housing_campaign.printing.services import _jsonable, document_issue

    context = contribution_context(contribution)
    document = document_issue(actor_user=actor.user, format_code=FORMAT_CODE, doctype="contribution",
                              object_id=contribution.pk, context={}, issuer_key=context["issuer"]["register_key"],
                              issuer_symbol=context["issuer"]["symbol"], issued_at=contribution.recorded_at)
    contribution.document, contribution.number_text = document, document.number_text
    contribution.save(update_fields=["document", "number_text"])
    context = contribution_context(contribution)  # now with its number
    document.context = _jsonable({**context, "document_number": document.number_text})
    document.save(update_fields=["context"])


