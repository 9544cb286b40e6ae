"""Writes of residents' feedback. ``feedback_submit`` is what the public form calls (no account): it checks
the input, finds what the feedback is about (a posting and one household on it, or the commune), decides
whether it holds the case (sent during the posting's period about a household on it), and starts the
document on the feedback workflow. Abuse limits that need the request (rate per client, honeypot, time
check, size of the body) are the public view's; the service refuses bad values and folds a repeat of the
same text from the same client into the first one (a double click, a reload) instead of storing it twice.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.events import created_event, edited_event, event_save, feedback_event
from housing_campaign.core.i18n import message, msgid
from housing_campaign.core.sideeffects import doc_events_emit
from housing_campaign.geography.models import AdminUnit
from housing_campaign.postings.models import Posting, PostingEntry
from housing_campaign.workflow import engine

from .models import Feedback

DOCTYPE = Feedback.DOCTYPE
TEXT_MIN = 10
TEXT_MAX = 4000
DUPLICATE_WINDOW = dt.timedelta(hours=24)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_RE = re.compile(r"^PA-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")


def new_tracking_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"PA-{chars[:5]}-{chars[5:]}"


def normalize_tracking_code(value) -> str:
    """What a resident typed (spaces, lower case, missing dashes) as a code, or "" if it cannot be one."""
    text = re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", str(value or ""))[:40]).upper()
    if text.startswith("PA"):
        text = text[2:]
    if len(text) != 10:
        return ""
    code = f"PA-{text[:5]}-{text[5:]}"
    return code if CODE_RE.match(code) else ""


def client_fingerprint(client_key: str) -> str:
    """A keyed hash of the client's address: enough to count and group, useless to find who sent it."""
    return hmac.new(settings.SECRET_KEY.encode(), f"feedback-client:{client_key}".encode(), hashlib.sha256).hexdigest()


def _text_fingerprint(commune_id: int, text: str) -> str:
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold()).strip()
    return hashlib.sha256(f"{commune_id}:{folded}".encode()).hexdigest()


def feedback_submit(*, commune_id, kind: str, text: str, client_key: str, posting_id=None, entry_id=None,
                    sender_name: str = "", sender_phone: str = "", photo=None) -> Feedback:
    """A resident's feedback. Returns the stored feedback (the earlier one for a repeat of the same text
    from the same client within a day). Raises ServiceError naming every bad field; nothing is stored then."""
    errors: dict[str, list[str]] = {}

    def err(field: str, text_: str) -> None:
        errors.setdefault(field, []).append(text_)

    commune = AdminUnit.objects.filter(pk=validators.query_id(commune_id), level=AdminUnit.Level.COMMUNE
                                       ).select_related("successor").first()
    if commune is None:
        raise ServiceError(gettext("Không tìm thấy xã nhận phản ánh."), code=ErrorCode.NOT_FOUND, field="commune")
    if kind not in Feedback.Kind.values:
        err("kind", gettext("Chọn nội dung phản ánh."))
    try:
        text = validators.parse_text(text, gettext("Nội dung phản ánh"), max_length=TEXT_MAX, required=True,
                                     multiline=True)
        if len(text) < TEXT_MIN:
            err("text", gettext("Nội dung phản ánh quá ngắn; hãy viết rõ hơn (ít nhất %(n)s ký tự).") % {
                "n": TEXT_MIN})
    except validators.InputError as exc:
        err("text", exc.message)
    try:
        sender_name = validators.parse_text(sender_name, gettext("Họ tên"), max_length=120)
    except validators.InputError as exc:
        err("sender_name", exc.message)
    phone = re.sub(r"[\s.\-()]", "", unicodedata.normalize("NFKC", str(sender_phone or ""))[:40])
    if phone and not (phone.isascii() and PHONE_RE.match(phone)):
        err("sender_phone", gettext("Số điện thoại chỉ gồm chữ số (8–15 số), ví dụ 0912345678."))
    posting = entry = None
    if posting_id not in (None, ""):
        posting = Posting.objects.filter(pk=validators.query_id(posting_id), cancelled_at__isnull=True).first()
        if posting is None or commune.pk not in (posting.commune_id, posting.commune_2025_id) and \
                posting.commune.successor_id != commune.pk:
            err("posting", gettext("Đợt niêm yết không thuộc xã này."))
            posting = None
    if entry_id not in (None, ""):
        entry = PostingEntry.objects.filter(pk=validators.query_id(entry_id)).select_related("posting", "case").first()
        if entry is None or posting is None or entry.posting_id != posting.pk:
            err("entry", gettext("Hộ đã chọn không có trong đợt niêm yết này."))
            entry = None
    from housing_campaign.cases.uploads import optional_photo_info

    photo_info = optional_photo_info(photo, errors)
    if errors:
        raise validation_error(errors)

    now = timezone.now()
    today = timezone.localdate(now)
    client = client_fingerprint(client_key)
    text_hash = _text_fingerprint(commune.pk, text)
    earlier = Feedback.objects.filter(client_hash=client, text_hash=text_hash,
                                      submitted_at__gte=now - DUPLICATE_WINDOW).order_by("submitted_at").first()
    if earlier is not None:
        return earlier
    case = entry.case if entry else None
    holds = bool(entry and entry.posting.starts_on <= today <= entry.posting.ends_on)
    legacy = commune if commune.system == AdminUnit.System.LEGACY else None
    unit_path = case.unit_path if case else (commune.path if legacy else "")
    unit_2025_path = case.unit_2025_path if case else (
        commune.successor.path if legacy and commune.successor_id else ("" if legacy else commune.path))
    if not unit_path and posting is not None:
        unit_path = posting.unit_path
    fields = engine.initial_workflow_fields(DOCTYPE, unit_path, unit_2025_path)
    feedback = None
    with transaction.atomic():
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    feedback = Feedback.objects.create(
                        code=new_tracking_code(), kind=kind, campaign_id=(posting.campaign_id if posting else None),
                        commune=case.commune if case else commune,
                        commune_2025=(case.commune_2025 if case else (commune.successor if legacy else commune)),
                        unit_path=unit_path, unit_2025_path=unit_2025_path, posting=posting, case=case,
                        holds_case=holds, text=text, sender_name=sender_name, sender_phone=phone,
                        client_hash=client, text_hash=text_hash, submitted_at=now, **fields)
                break
            except IntegrityError:
                continue
        if feedback is None:
            raise ServiceError(gettext("Không tạo được mã theo dõi; hãy gửi lại."), code=ErrorCode.INTERNAL)
        if photo is not None and photo_info is not None:
            from housing_campaign.cases.uploads import stored_name

            feedback.photo.save(stored_name(photo, photo_info), photo, save=True)
        created = event_save(created_event(doctype=DOCTYPE, object_id=feedback.pk, actor_id=None, state=feedback.state,
                                           workflow_version=engine.compiled(feedback.workflow_id).version, at=now))
        doc_events_emit(event="on_create", rows=[created])
        if case is not None:
            text = message(gettext_noop("Người dân gửi phản ánh %(code)s: %(kind)s%(hold)s"), code=feedback.code,
                           kind=message(msgid(Feedback.Kind(kind).label)),
                           hold=message(gettext_noop(" (gửi trong thời hạn niêm yết: hồ sơ được giữ lại đến khi giải "
                                                     "quyết xong)")) if holds else "")
            event_save(feedback_event(object_id=case.pk, actor_id=None, feedback_id=feedback.pk, at=now, text=text,
                                      by_resident=True))
    return feedback


# ---------------------------------------------------------------------------- handling by staff
ANSWERED_STATE = "answered"  # the state in which the answer is shown on the public tracking page
EDIT_FIELDS = ("assignee", "answer", "outcome")
ANSWER_MAX = 4000


def _check_version(feedback: Feedback, expected_lock_version) -> None:
    engine.check_lock_version(
        feedback, expected_lock_version,
        invalid=gettext("Biểu mẫu gửi lên thiếu phiên bản hợp lệ; hãy tải lại trang rồi nhập lại."),
        changed=gettext("Phản ánh vừa được người khác thay đổi; hãy tải lại trang và nhập lại phần thay đổi."))


def _user_label(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


@transaction.atomic
def feedback_update(*, actor, feedback_id, data: dict, expected_lock_version=None) -> Feedback:
    """What staff write on a feedback: who handles it (a commune officer or chairman of its commune), the
    answer (published when the answer action is taken) and the outcome. Only the keys present in ``data``
    change; only while the workflow lets the actor edit the feedback in its current state. Records what
    changed on the feedback's timeline; nothing is written when a value is refused."""
    from .selectors import feedback_assignees, feedback_get_for_actor

    feedback = feedback_get_for_actor(actor=actor, feedback_id=feedback_id, for_update=True)
    _check_version(feedback, expected_lock_version)
    allowed, reason = engine.can_edit(actor=actor, document=feedback)
    if not allowed:
        raise ServiceError(reason, code=ErrorCode.PERMISSION_DENIED)
    errors: dict[str, list[str]] = {}
    before = {"assignee": feedback.assignee, "answer": feedback.answer, "outcome": feedback.outcome}
    if "assignee" in data:
        raw = data.get("assignee")
        if raw in (None, ""):
            feedback.assignee = None
        else:
            user = feedback_assignees(feedback).filter(pk=validators.query_id(raw) or 0).first() \
                if validators.query_id(raw) is not None else None
            if user is None:
                errors["assignee"] = [gettext("Chỉ giao được cho cán bộ hoặc chủ tịch UBND xã phụ trách xã của phản "
                                              "ánh.")]
            else:
                feedback.assignee = user
    if "answer" in data:
        try:
            feedback.answer = validators.parse_text(data.get("answer"), gettext("Câu trả lời"),
                                                    max_length=ANSWER_MAX, multiline=True)
        except validators.InputError as exc:
            errors["answer"] = [exc.message]
    if "outcome" in data:
        outcome = validators.query_text(data.get("outcome"), max_length=40)
        valid = {code for code, _ in Feedback._meta.get_field("outcome").choices}
        if outcome and outcome not in valid:
            errors["outcome"] = [gettext("Kết quả giải quyết không hợp lệ; hãy chọn trong danh sách.")]
        else:
            feedback.outcome = outcome
    if errors:
        raise validation_error(errors)
    changes = {}
    if before["assignee"] != feedback.assignee:
        changes["assignee"] = [_user_label(before["assignee"]), _user_label(feedback.assignee)]
    for name in ("answer", "outcome"):
        if before[name] != getattr(feedback, name):
            changes[name] = [before[name], getattr(feedback, name)]
    if changes:
        feedback.lock_version += 1
        feedback.save(update_fields=["assignee", "answer", "outcome", "lock_version"])
        row = event_save(edited_event(doctype=DOCTYPE, object_id=feedback.pk, actor_id=actor.id, changes=changes))
        doc_events_emit(event="on_change", rows=[row])
    return feedback


def transition_publishes(feedback: Feedback, action: str) -> bool:
    """Whether the action publishes the answer on the public tracking page (it leads to the answered state)."""
    t = engine.compiled(feedback.workflow_id).transitions.get((feedback.state, action))
    return t is not None and t.target == ANSWERED_STATE


@transaction.atomic
def feedback_act(*, actor, feedback_id, action: str = "", comment: str = "", data: dict | None = None,
                 expected_lock_version=None, expected_state: str | None = None,
                 publish_confirmed: bool = False):
    """The desk's one button: save the edit form (``data``, when the page showed it) and take the action in
    one transaction, so that an answer typed with "answer and publish" is never lost or published half-saved.
    Publishing the answer needs ``publish_confirmed`` (the page's warning about personal data was ticked).
    Returns the engine's Outcome, or None when only the form was saved. Any refusal rolls everything back."""
    from .selectors import feedback_get_for_actor

    feedback = feedback_get_for_actor(actor=actor, feedback_id=feedback_id)
    if expected_state and expected_state != feedback.state:
        raise ServiceError(gettext("Phản ánh vừa được chuyển sang trạng thái khác; hãy xem lại rồi thao tác lại."),
                           code=ErrorCode.STALE_STATE)
    if action and transition_publishes(feedback, action) and not publish_confirmed:
        raise ServiceError(gettext("Chưa trả lời: hãy đánh dấu ô xác nhận rằng câu trả lời sẽ được công khai và "
                                   "không chứa thông tin cá nhân."), field="confirm_publish")
    spec = engine.compiled(feedback.workflow_id).transitions.get((feedback.state, action)) if action else None
    # The form is saved with "save" and with a forward action; a return or a stop (spam) never saves it.
    if data is not None and (not action or spec is None or spec.kind == "forward"):
        feedback_update(actor=actor, feedback_id=feedback.pk, data=data, expected_lock_version=expected_lock_version)
    if not action:
        return None
    outcome = engine.document_transition(actor=actor, doctype=DOCTYPE, object_id=feedback.pk, action=action,
                                         comment=comment, expected_state=feedback.state)
    if outcome.to_state == ANSWERED_STATE and outcome.from_state != ANSWERED_STATE:
        Feedback.objects.filter(pk=feedback.pk).update(answered_at=timezone.now(), answered_by_id=actor.id)
    return outcome
