"""Plain error pages, in the language the user chose (Vietnamese by default). A server error shows only an
incident reference; the trace, with
the same reference, goes to the log (never to the page, whatever DEBUG says for 500 handling here)."""
from __future__ import annotations

import logging
import re
import secrets
import sys

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from housing_campaign.core.errors import RefusedRequest

logger = logging.getLogger("housing_campaign.errors")


def incident_reference() -> str:
    """Short enough to read over the phone, unique enough to find one line in the log."""
    return f"{timezone.localtime():%Y%m%d}-{secrets.token_hex(4).upper()}"


def _render(request, template: str, status: int, context: dict | None = None):
    # Error pages render without the request's context processors: the request may be the very thing
    # that failed (a disallowed Host header, a broken session).
    return render(None, template, context or {}, status=status)


def bad_request(request, exception=None):
    # A view's own refusal (``RefusedRequest("…")``, written for users, in their language) is shown; Django's
    # (its ``BadRequest`` and SuspiciousOperation kinds: a forged Host header, a non-UTF-8 or broken body) never are.
    message = exception.args[0] if exception is not None and exception.args else ""
    shown = message if isinstance(exception, RefusedRequest) and isinstance(message, str) else ""
    return _render(request, "400.html", 400, {"message": shown})


def permission_denied(request, exception=None):
    return _render(request, "403.html", 403)


DJANGO_NOT_FOUND = re.compile(r"^No .+ (matches the given query|found matching the query)\.?$")


def page_not_found(request, exception=None):
    # Messages the views wrote for users ("Không tìm thấy hồ sơ.", in the user's language) are shown;
    # Django's own (the URL patterns tried, "No X matches the given query.") never are.
    message = exception.args[0] if exception is not None and exception.args else ""
    shown = message if (type(exception) is Http404 and isinstance(message, str)
                        and not DJANGO_NOT_FOUND.match(message)) else ""
    return _render(request, "404.html", 404, {"message": shown})


def server_error(request):
    reference = incident_reference()
    exc_info = sys.exc_info()
    logger.error("Sự cố %s: lỗi máy chủ khi xử lý %s %s", reference, getattr(request, "method", "?"),
                 getattr(request, "path", "?"), exc_info=exc_info if exc_info[0] is not None else None)
    return _render(request, "500.html", 500, {"reference": reference})


def csrf_failure(request, reason=""):
    return _render(request, "403.html", 403, {"csrf": True})
