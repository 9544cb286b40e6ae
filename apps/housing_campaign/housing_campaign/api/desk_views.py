"""“Khóa API” on the desk: a user creates their own tokens (shown once) and revokes them. Personal: every
signed-in user manages only their own tokens, and a token never acts as more than its user."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from housing_campaign.core.errors import ServiceError

from .selectors import tokens_of
from .services import DEFAULT_DAYS, MAX_DAYS, token_create, token_revoke


@login_required
def tokens(request):
    created = None
    errors: dict[str, list[str]] = {}
    form = {"label": "", "days": str(DEFAULT_DAYS), "read_only": False}
    status = 200
    if request.method == "POST":
        form = {"label": request.POST.get("label", "")[:200], "days": request.POST.get("days", "")[:10],
                "read_only": request.POST.get("read_only") == "1"}
        try:
            row, token = token_create(user=request.user, label=form["label"], days=form["days"],
                                      read_only=form["read_only"])
            created = {"row": row, "token": token}
            form = {"label": "", "days": str(DEFAULT_DAYS), "read_only": False}
        except ServiceError as exc:
            errors = exc.errors or {"": [exc.message]}
            messages.error(request, gettext("Chưa tạo được khóa: %(reason)s") % {"reason": exc.message})
            status = 400
    response = render(request, "api/tokens.html", {
        "tokens": tokens_of(request.user), "created": created, "errors": errors, "form": form,
        "max_days": MAX_DAYS, "now": timezone.now()}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request, pk):
    try:
        row = token_revoke(user=request.user, token_id=pk)
        messages.success(request, gettext("Đã thu hồi khóa “%(label)s”.") % {"label": row.label})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("apikeys:list")
