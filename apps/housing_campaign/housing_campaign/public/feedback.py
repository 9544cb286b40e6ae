"""Residents' feedback from the public pages (issue 13): the form of a commune ``/cong-khai/<code>/phan-anh/``,
the page showing the tracking code after sending, the tracking page ``/phan-anh/<code>/`` and the lookup form
``/phan-anh/``. No account, no outside captcha service. Abuse limits that need the request live here:

- per client address (``views._client_key``; behind a trusted proxy the forwarded address): at most
  ``STORED_LIMITS`` feedback stored (5 per 10 minutes, 20 per day) and ``ATTEMPT_LIMIT`` posts of the form
  per 10 minutes whatever their fate; over a limit the answer is 429 with a page saying when to come back;
- the size of the request, refused from its Content-Length header before the body is read (``MAX_BODY``);
- a honeypot field ``website`` hidden from people: when it is filled the post is refused with a neutral
  message (HTTP 400, "tải lại trang và gửi lại") and nothing is stored. A neutral refusal rather than a fake
  success: a person whose browser auto-filled the hidden box learns to send again instead of keeping a
  tracking code that leads nowhere, and a robot learns nothing it would not learn from a fake code;
- a time check: the form carries a signed time (``django.core.signing``); a post less than ``MIN_SECONDS``
  after the form was shown, more than ``MAX_SECONDS`` later, or with a broken token is refused with a
  message asking to reload the page (what was typed is kept in the re-shown form);
- the service (``feedback.services.feedback_submit``) checks the values (text ≤ 4000 characters, the photo
  really an image) and folds a repeat of the same text from the same client into the first feedback.

The tracking page shows the code, kind, commune, posting, date sent, the state in plain words and the
answer once published; never the sender's name or phone, the text sent, or anything about the household.
A spam-marked feedback shows "Không xử lý" with the advice to contact the commune: honest to a resident
marked by mistake, and it tells a robot nothing (robots do not read tracking pages). Unknown and malformed
codes get the same 404 page, and lookups are rate-limited per client like the certificate check.
"""
from __future__ import annotations

import time

from django.core import signing
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from housing_campaign.core.errors import ServiceError
from housing_campaign.feedback.models import Feedback
from housing_campaign.feedback.selectors import feedback_tracking
from housing_campaign.feedback.services import TEXT_MAX, feedback_submit, normalize_tracking_code
from housing_campaign.postings.selectors import public_postings

from .commune import system_param
from .money import resolve_unit
from .views import _client_key, _rate_limited

MAX_BODY = 6 * 1024 * 1024
MIN_SECONDS = 3
MAX_SECONDS = 2 * 3600
STORED_LIMITS = ((5, 600), (20, 86400))  # (feedback stored, per seconds) per client
ATTEMPT_LIMIT = (30, 600)                # posts of the form per client, whatever happened to them
TOKEN_SALT = "housing_campaign.public.feedback-form"


# ---------------------------------------------------------------------------- limits
def form_token(unit_id: int, at: float | None = None) -> str:
    """The signed time the form was shown, for the unit it was shown for."""
    return signing.dumps({"u": unit_id, "t": int(at if at is not None else time.time())}, salt=TOKEN_SALT)


def _token_age(token: str, unit_id: int) -> float | None:
    try:
        data = signing.loads(str(token or "")[:300], salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != unit_id or not isinstance(data.get("t"), int):
        return None
    return time.time() - data["t"]


def _window_key(request, name: str, seconds: int) -> str:
    return f"public-feedback:{name}:{seconds}:{_client_key(request)}"


def _count(request, name: str, seconds: int) -> int:
    key = _window_key(request, name, seconds)
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        return 1


def _over(request, name: str, limit: int, seconds: int) -> bool:
    return (cache.get(_window_key(request, name, seconds)) or 0) >= limit


def _limited_for(request) -> int | None:
    """Seconds to wait when the client has used up a limit, else None."""
    for limit, seconds in STORED_LIMITS:
        if _over(request, "stored", limit, seconds):
            return seconds
    limit, seconds = ATTEMPT_LIMIT
    if _over(request, "attempt", limit, seconds):
        return seconds
    return None


def _too_many(request, seconds: int):
    response = render(request, "public/feedback_limited.html", {"minutes": max(1, seconds // 60),
                                                                 "hours": seconds // 3600}, status=429)
    response["Retry-After"] = str(seconds)
    response["X-Robots-Tag"] = "noindex"
    return response


def _private(response):
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------------------- the form
def _choices(unit, today) -> tuple[list[dict], dict]:
    """The postings one may write about (open ones and those of the last 12 months) with their households:
    [{posting, rows}] for the form and {value: (posting id, entry id)} to read the answer back."""
    shown = public_postings(unit=unit, today=today)
    postings = shown["open"] + shown["past"]
    values: dict[str, tuple[int, int | None]] = {}
    for p in postings:
        values[p.code] = (p.pk, None)
        for e in p.rows:
            e.value = f"{p.code}#{e.number}"
            values[e.value] = (p.pk, e.pk)
    return postings, values


def _form_context(request, unit, campaigns, postings, data: dict, errors: dict | None = None,
                  message: str = "") -> dict:
    return {"unit": unit, "campaigns": campaigns, "postings": postings, "kinds": Feedback.Kind.choices,
            "data": data, "errors": errors or {}, "message": message, "token": form_token(unit.pk),
            "system_param": system_param(unit), "text_max": TEXT_MAX, "today": timezone.localdate()}


def _form_page(request, context: dict, status: int = 200):
    """Not ``no-referrer`` here: with it browsers post the form with ``Origin: null``, which Django's CSRF
    check refuses; the site's ``same-origin`` policy sends nothing to other sites anyway."""
    response = render(request, "public/feedback_form.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def feedback_form(request, code: str):
    unit, _other, campaigns = resolve_unit(code, request.GET.get("he", ""))  # the form posts to ?he= too
    if unit is None or unit.level != unit.Level.COMMUNE:
        response = render(request, "public/territory_missing.html", {"code": (code or "")[:10]}, status=404)
        return _private(response)
    today = timezone.localdate()
    if request.method == "GET":
        postings, values = _choices(unit, today)
        about = str(request.GET.get("niem-yet", ""))[:40]
        number = str(request.GET.get("ho", ""))[:6]
        if about and number and f"{about}#{number}" in values:
            about = f"{about}#{number}"
        elif about not in values:
            about = ""
        kind = Feedback.Kind.WRONG_PERSON if "#" in about else ""
        return _form_page(request, _form_context(request, unit, campaigns, postings, {"about": about,
                                                                                      "kind": kind}))
    # POST: limits first, then the size, before anything reads the body.
    wait = _limited_for(request)
    if wait:
        return _too_many(request, wait)
    if not _small(request):
        response = render(request, "public/feedback_too_large.html", {
            "unit": unit, "system_param": system_param(unit), "mb": MAX_BODY // (1024 * 1024)}, status=413)
        return _private(response)
    _count(request, "attempt", ATTEMPT_LIMIT[1])
    post = request.POST
    data = {"about": str(post.get("about", ""))[:60], "kind": str(post.get("kind", ""))[:30],
            "text": str(post.get("text", ""))[:TEXT_MAX + 1000], "name": str(post.get("name", ""))[:200],
            "phone": str(post.get("phone", ""))[:40]}
    postings, values = _choices(unit, today)
    if post.get("website"):
        context = _form_context(request, unit, campaigns, postings, data,
                                message="Không gửi được phản ánh. Vui lòng tải lại trang rồi gửi lại.")
        return _form_page(request, context, status=400)
    age = _token_age(post.get("t", ""), unit.pk)
    if age is None or age > MAX_SECONDS or age < 0:
        context = _form_context(request, unit, campaigns, postings, data, message=(
            "Trang đã mở quá lâu (hơn 2 giờ) hoặc không còn hợp lệ. Vui lòng tải lại trang rồi gửi lại; "
            "nội dung bạn đã viết vẫn còn ở dưới."))
        return _form_page(request, context, status=400)
    if age < MIN_SECONDS:
        context = _form_context(request, unit, campaigns, postings, data, message=(
            "Phản ánh được gửi quá nhanh sau khi mở trang. Vui lòng kiểm tra lại nội dung rồi bấm “Gửi” lần nữa."))
        return _form_page(request, context, status=400)
    posting_id = entry_id = None
    if data["about"]:
        if data["about"] not in values:
            context = _form_context(request, unit, campaigns, postings, {**data, "about": ""}, errors={
                "about": ["Danh sách hoặc hộ đã chọn không còn trên trang công khai của xã; hãy chọn lại."]})
            return _form_page(request, context, status=400)
        posting_id, entry_id = values[data["about"]]
    try:
        feedback = feedback_submit(commune_id=unit.pk, kind=data["kind"], text=post.get("text", ""),
                                   client_key=_client_key(request), posting_id=posting_id, entry_id=entry_id,
                                   # The whole values (the body is size-limited above): a refusal then
                                   # says their real length; only what is shown again is cut.
                                   sender_name=str(post.get("name", "")), sender_phone=str(post.get("phone", "")),
                                   photo=request.FILES.get("photo"))
    except ServiceError as exc:
        errors = exc.errors or {"": [exc.message]}
        context = _form_context(request, unit, campaigns, postings, {**data, "text": data["text"][:TEXT_MAX]},
                                errors=errors, message="Phản ánh chưa được gửi. Vui lòng sửa các mục ghi bên dưới.")
        return _form_page(request, context, status=400)
    for _limit, seconds in STORED_LIMITS:
        _count(request, "stored", seconds)
    response = render(request, "public/feedback_sent.html", {
        "unit": unit, "code": feedback.code, "system_param": system_param(unit),
        "held": feedback.holds_case})
    return _private(response)


def _small(request) -> bool:
    """The request body is within ``MAX_BODY`` by its declared length (checked before reading it)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return False
    return 0 <= length <= MAX_BODY


# ---------------------------------------------------------------------------- tracking
def _not_found(request):
    return _private(render(request, "public/feedback_track.html", {"status": "not_found"}, status=404))


@never_cache
@require_GET
def feedback_lookup(request):
    typed = request.GET.get("ma")
    if typed is None:
        return _private(render(request, "public/feedback_track.html", {"status": "lookup"}))
    if _rate_limited(request):
        return _limited_lookup(request)
    code = normalize_tracking_code(typed)
    if not code:
        return _not_found(request)
    return redirect("public:feedback_track", code=code)


def _limited_lookup(request):
    response = render(request, "public/feedback_track.html", {"status": "rate_limited"}, status=429)
    response["Retry-After"] = "60"
    return _private(response)


@never_cache
@require_GET
def feedback_track(request, code: str):
    if _rate_limited(request):
        return _limited_lookup(request)
    normalized = normalize_tracking_code(code)
    found = feedback_tracking(normalized) if normalized else None
    if found is None:
        return _not_found(request)
    if normalized != code:
        return redirect("public:feedback_track", code=normalized)
    return _private(render(request, "public/feedback_track.html", {"status": "found", "f": found}))

