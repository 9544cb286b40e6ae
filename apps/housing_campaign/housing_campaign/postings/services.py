"""Writes of public postings: create (the commune officer records the list posted at the village or the
commune's office, for a period, with the notice board's photo) and cancel (posted by mistake).

Which cases may go on a posting is data, not code: a case whose current state has a way out whose
condition uses ``posting_over`` is waiting for a posting (the default workflow's "Đang niêm yết danh sách
bình xét" before eligibility review and "Đang công khai" after handover); an administrator who adds such a
step elsewhere gets postings there too. The kind must match: a results posting lists handed-over houses
(states of the "posting" stage), a village list everything before.
"""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.cases.models import HousingCase
from housing_campaign.cases.selectors import cases_visible
from housing_campaign.cases.services import support_norm_amount
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.events import posting_event
from housing_campaign.core.formatting import format_date, mask_name
from housing_campaign.core.i18n import message, msgid
from housing_campaign.core.locks import lock_own_rows
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.workflow.engine import compiled

from .models import Posting, PostingEntry
from .rules import CONDITION_NAMES, POSTER_ROLES, waiting_states  # noqa: F401 - part of this module's API

MAX_CASES = 2000
MAX_DAYS = 60          # longest period of one posting
MAX_BACKDATE_DAYS = 60  # a posting put up before it was recorded
MAX_AHEAD_DAYS = 30


def _unit_paths(commune: AdminUnit, cases: list[HousingCase]) -> tuple[str, str]:
    """The posting's territory for scoping: a legacy commune's path (and its 2025 successor's), or for a 2025
    commune its path and the common legacy prefix of its cases."""
    if commune.system == AdminUnit.System.LEGACY:
        return commune.path, (commune.successor.path if commune.successor_id else "")
    paths = [c.unit_path for c in cases]
    prefix = paths[0] if paths else ""
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:prefix.rstrip(".").rfind(".") + 1]
    return prefix, commune.path


def _next_code(commune: AdminUnit, year: int) -> str:
    stem = f"NY-{commune.code}-{year}-"
    taken = Posting.objects.filter(code__startswith=stem).count()
    return f"{stem}{taken + 1:03d}"


def posting_create(*, actor: Actor, kind: str, commune_id, starts_on, ends_on, case_ids, location: str,
                   village_id=None, photo=None, note: str = "") -> Posting:
    """Record a posting. Every check runs before anything is written; a refusal names every problem."""
    errors: dict[str, list[str]] = {}

    def err(field: str, text: str) -> None:
        errors.setdefault(field, []).append(text)

    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    if kind not in Posting.Kind.values:
        err("kind", gettext("Chọn loại niêm yết."))
    commune_pk = validators.query_id(commune_id)
    commune = AdminUnit.objects.filter(pk=commune_pk, level=AdminUnit.Level.COMMUNE).select_related(
        "successor").first() if commune_pk else None
    if commune is None:
        raise ServiceError(gettext("Chọn xã niêm yết."), code=ErrorCode.VALIDATION, field="commune")
    if actor.authority_for(POSTER_ROLES, commune.path) is None:
        raise ServiceError(gettext("Chỉ cán bộ xã hoặc Chủ tịch UBND xã của %(commune)s được niêm yết danh sách "
                                   "của xã.") % {"commune": commune.name}, code=ErrorCode.PERMISSION_DENIED)
    village = None
    if village_id not in (None, ""):
        village = Village.objects.filter(pk=validators.query_id(village_id)).first()
        legacy_communes = {commune.pk} | set(commune.predecessors.values_list("pk", flat=True))
        if village is None or village.commune_id not in legacy_communes:
            err("village", gettext("Thôn đã chọn không thuộc %(commune)s.") % {"commune": commune.name})
            village = None
    today = timezone.localdate()
    try:
        starts = validators.parse_date(starts_on, gettext("Ngày bắt đầu niêm yết"), required=True,
                                       earliest=today - dt.timedelta(days=MAX_BACKDATE_DAYS),
                                       latest=today + dt.timedelta(days=MAX_AHEAD_DAYS), allow_future=True)
    except validators.InputError as exc:
        err("starts_on", exc.message)
        starts = None
    try:
        ends = validators.parse_date(ends_on, gettext("Ngày kết thúc niêm yết"), required=True,
                                     earliest=today - dt.timedelta(days=MAX_BACKDATE_DAYS),
                                     latest=today + dt.timedelta(days=MAX_AHEAD_DAYS + MAX_DAYS),
                                     allow_future=True)
    except validators.InputError as exc:
        err("ends_on", exc.message)
        ends = None
    if starts and ends:
        if ends < starts:
            err("ends_on", gettext("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).") % {
                "end": format_date(ends), "start": format_date(starts)})
        elif (ends - starts).days + 1 > MAX_DAYS:
            err("ends_on", gettext("Một đợt niêm yết dài tối đa %(days)s ngày.") % {"days": MAX_DAYS})
    try:
        location = validators.parse_text(location, gettext("Nơi niêm yết"), max_length=300, required=True)
    except validators.InputError as exc:
        err("location", exc.message)
    try:
        note = validators.parse_text(note, gettext("Ghi chú"), max_length=500)
    except validators.InputError as exc:
        err("note", exc.message)
    ids, bad = validators.query_ids(case_ids if isinstance(case_ids, (list, tuple)) else [case_ids])
    ids = list(dict.fromkeys(ids))
    if bad:
        err("cases", gettext("Danh sách hồ sơ có mã không hợp lệ."))
    if not ids:
        err("cases", gettext("Chọn ít nhất một hồ sơ để niêm yết."))
    elif len(ids) > MAX_CASES:
        err("cases", gettext("Một đợt niêm yết có tối đa %(n)s hồ sơ.") % {"n": MAX_CASES})
    from housing_campaign.cases.uploads import optional_photo_info

    photo_info = optional_photo_info(photo, errors)
    if errors:
        raise validation_error(errors)

    with transaction.atomic():
        cases = list(lock_own_rows(cases_visible(actor).filter(pk__in=ids)).select_related(
            "household", "village", "strand", "campaign", "commune", "commune_2025")
            .order_by("village__name", "household__head_name", "pk"))
        if len(cases) != len(ids):
            err("cases", gettext("%(n)s hồ sơ không tìm thấy trong địa bàn của bạn.") % {"n": len(ids) - len(cases)})
        campaigns = {c.campaign_id for c in cases}
        if len(campaigns) > 1:
            err("cases", gettext("Các hồ sơ thuộc nhiều chương trình khác nhau; mỗi đợt niêm yết một chương trình."))
        already = set(PostingEntry.objects.filter(case__in=cases, posting__cancelled_at__isnull=True)
                      .values_list("case_id", "posting__created_at"))
        states_cache: dict[int, dict[str, str]] = {}
        for case in cases:
            if commune.pk not in (case.commune_id, case.commune_2025_id):
                err("cases", gettext("Hồ sơ %(code)s không thuộc %(commune)s.") % {"code": case.code,
                                                                                   "commune": commune.name})
                continue
            if village and case.village_id != village.pk:
                err("cases", gettext("Hồ sơ %(code)s không thuộc %(village)s.") % {"code": case.code,
                                                                                   "village": village.name})
            waiting = states_cache.setdefault(case.workflow_id, waiting_states(case.workflow_id))
            state_label = compiled(case.workflow_id).state_label(case.state)
            if case.state not in waiting:
                err("cases", gettext("Hồ sơ %(code)s đang ở “%(state)s”, không phải bước chờ niêm yết.") % {
                    "code": case.code, "state": state_label})
            elif waiting[case.state] != kind:
                err("cases", gettext("Hồ sơ %(code)s đang ở “%(state)s”: cần loại niêm yết “%(kind)s”.") % {
                    "code": case.code, "state": state_label, "kind": Posting.Kind(waiting[case.state]).label})
            elif any(cid == case.pk and at >= case.state_since for cid, at in already):
                err("cases", gettext("Hồ sơ %(code)s đã có trong một đợt niêm yết chưa hủy.") % {"code": case.code})
        if errors:
            raise validation_error(errors)
        unit_path, unit_2025_path = _unit_paths(commune, cases)
        posting = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    posting = Posting.objects.create(
                        code=_next_code(commune, starts.year), campaign_id=cases[0].campaign_id, kind=kind,
                        commune=commune, commune_2025=commune.successor if commune.successor_id else None,
                        unit_path=unit_path, unit_2025_path=unit_2025_path, village=village, starts_on=starts,
                        ends_on=ends, location=location, note=note, posted_by=actor.user)
                break
            except IntegrityError:
                continue
        if posting is None:
            raise ServiceError(gettext("Không tạo được mã niêm yết; hãy thử lại."), code=ErrorCode.DUPLICATE)
        if photo is not None and photo_info is not None:
            from housing_campaign.cases.uploads import stored_name

            posting.photo.save(stored_name(photo, photo_info), photo, save=True)
        entries, events = [], []
        text = message(gettext_noop("Niêm yết công khai %(code)s (%(kind)s), từ %(start)s đến hết %(end)s"),
                       code=posting.code, kind=message(msgid(Posting.Kind(kind).label)), start=format_date(starts),
                       end=format_date(ends))
        for number, case in enumerate(cases, 1):
            amount = case.support_amount or support_norm_amount(case=case)
            entries.append(PostingEntry(
                posting=posting, case=case, number=number, public_name=mask_name(case.household.head_name),
                village_name=case.village.name if case.village_id else "", strand_name=case.strand.name,
                support_type=case.get_support_type_display(), amount=amount or 0))
            events.append(posting_event(object_id=case.pk, actor_id=actor.id, posting_id=posting.pk, text=text))
        PostingEntry.objects.bulk_create(entries)
        from housing_campaign.core.models import DocumentEvent

        DocumentEvent.objects.bulk_create(events)
    return posting


def posting_cancel(*, actor: Actor, posting_id, reason: str) -> Posting:
    """Withdraw a posting recorded by mistake: it stays on record, marked cancelled, and no longer counts
    for the cases' waiting period (they need a new posting)."""
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    try:
        reason = validators.parse_text(reason, gettext("Lý do hủy"), max_length=500, required=True)
    except validators.InputError as exc:
        raise ServiceError(exc.message, code=ErrorCode.COMMENT_REQUIRED, field="reason") from None
    from .selectors import postings_visible

    with transaction.atomic():
        posting = postings_visible(actor).select_for_update().filter(pk=validators.query_id(posting_id)).first()
        if posting is None:
            raise ServiceError(gettext("Không tìm thấy đợt niêm yết trong địa bàn của bạn."), code=ErrorCode.NOT_FOUND)
        if actor.authority_for(POSTER_ROLES, posting.unit_path, posting.unit_2025_path) is None:
            raise ServiceError(gettext("Chỉ cán bộ xã hoặc Chủ tịch UBND xã được hủy đợt niêm yết của xã."),
                               code=ErrorCode.PERMISSION_DENIED)
        if posting.cancelled_at:
            raise ServiceError(gettext("Đợt niêm yết này đã bị hủy trước đó."), code=ErrorCode.STALE_STATE)
        posting.cancelled_at = timezone.now()
        posting.cancelled_by = actor.user
        posting.cancel_reason = reason
        posting.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        text = message(gettext_noop("Hủy niêm yết %(code)s"), code=posting.code)
        from housing_campaign.core.models import DocumentEvent

        DocumentEvent.objects.bulk_create([posting_event(object_id=cid, actor_id=actor.id, posting_id=posting.pk,
                                                         text=text, comment=reason)
                                           for cid in posting.entries.values_list("case_id", flat=True)])
    return posting


def _posting_for_poster(actor: Actor, posting_id, *, lock: bool = False) -> Posting:
    from .selectors import postings_visible

    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    qs = postings_visible(actor)
    if lock:
        qs = qs.select_for_update()
    posting = qs.filter(pk=validators.query_id(posting_id)).first() if validators.query_id(posting_id) else None
    if posting is None:
        raise ServiceError(gettext("Không tìm thấy đợt niêm yết trong địa bàn của bạn."), code=ErrorCode.NOT_FOUND)
    if actor.authority_for(POSTER_ROLES, posting.unit_path, posting.unit_2025_path) is None:
        raise ServiceError(gettext("Chỉ cán bộ xã hoặc Chủ tịch UBND xã được làm việc này với đợt niêm yết của xã."),
                           code=ErrorCode.PERMISSION_DENIED)
    return posting


def posting_list_issue(*, actor: Actor, posting_id):
    """Issue the posting's printed list with the next number of the commune's register (DS-UBND): the
    format version and the data are frozen with the number, so it always reprints as issued."""
    from housing_campaign.printing import services as printing
    from housing_campaign.printing.models import PrintFormat

    from .documents import FORMAT_CODE, posting_context

    with transaction.atomic():
        posting = _posting_for_poster(actor, posting_id, lock=True)
        if posting.cancelled_at:
            raise ServiceError(gettext("Đợt niêm yết này đã bị hủy; không cấp số danh sách."),
                               code=ErrorCode.STALE_STATE)
        if not PrintFormat.objects.filter(code=FORMAT_CODE, doctype="posting", is_active=True).exists():
            raise ServiceError(gettext("Chưa có mẫu in danh sách niêm yết; hãy báo quản trị viên."),
                               code=ErrorCode.NOT_FOUND)
        posting = Posting.objects.select_related("commune", "commune__parent", "village", "campaign").get(
            pk=posting.pk)
        context = posting_context(posting)
        document = printing.document_issue(
            actor_user=actor.user, format_code=FORMAT_CODE, doctype="posting", object_id=posting.pk,
            context=context, issuer_key=context["issuer"]["register_key"], issuer_symbol=context["issuer"]["symbol"])
        text = message(gettext_noop("Cấp số danh sách niêm yết %(code)s: %(number)s"), code=posting.code,
                       number=document.number_text)
        from housing_campaign.core.models import DocumentEvent

        DocumentEvent.objects.bulk_create([posting_event(object_id=cid, actor_id=actor.id, posting_id=posting.pk,
                                                         text=text)
                                           for cid in posting.entries.values_list("case_id", flat=True)])
    return document


def posting_photo_set(*, actor: Actor, posting_id, photo) -> Posting:
    """Add (or replace) the notice board's photo after the posting was recorded."""
    from housing_campaign.cases.uploads import inspect_upload, stored_name

    if not photo:
        raise ServiceError(gettext("Chọn ảnh bảng niêm yết."), code=ErrorCode.VALIDATION, field="photo")
    info = inspect_upload(photo, photo_only=True)
    with transaction.atomic():
        posting = _posting_for_poster(actor, posting_id, lock=True)
        if posting.cancelled_at:
            raise ServiceError(gettext("Đợt niêm yết này đã bị hủy."), code=ErrorCode.STALE_STATE)
        posting.photo.save(stored_name(photo, info), photo, save=True)
    return posting
