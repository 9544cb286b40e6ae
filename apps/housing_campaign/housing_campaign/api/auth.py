"""Who is calling: a personal token (``Authorization: Bearer hc_…``) or the browser's session (with its CSRF
check kept), and the actor they act as: the user's roles, territory and delegations; a read-only token
reads only."""
from __future__ import annotations

import dataclasses

from django.utils.translation import gettext
from rest_framework import authentication, exceptions, permissions

from housing_campaign.accounts.selectors import Actor, actor_for
from housing_campaign.core.errors import ServiceError

from .models import ApiToken
from .services import token_authenticate


class _Refused(exceptions.AuthenticationFailed):
    hc_message = True  # errors.exception_handler shows this message as it is


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        try:
            scheme, _, raw = header.decode("latin-1").partition(" ")
        except UnicodeDecodeError:
            raise _Refused(gettext("Tiêu đề Authorization không hợp lệ.")) from None
        if scheme.lower() != "bearer":
            return None  # another scheme: not ours (the session may still authenticate)
        if not raw.strip() or " " in raw.strip():
            raise _Refused(gettext("Tiêu đề Authorization phải có dạng “Bearer <khóa>”."))
        try:
            token = token_authenticate(raw)
        except ServiceError as exc:
            raise _Refused(exc.message) from None
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The desk's session, for the browser (the interactive documentation): writes need the CSRF token."""


class _Denied(exceptions.PermissionDenied):
    hc_message = True


class ApiAccess(permissions.BasePermission):
    """Signed in, and a read-only token only reads. What the user may read or change beyond that is decided by
    the selectors and services, with the user's roles and territory, exactly as on the desk."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if request.method not in permissions.SAFE_METHODS and getattr(view, "writes", True):
            if isinstance(request.auth, ApiToken) and request.auth.read_only:
                raise _Denied(gettext("Khóa API này chỉ được đọc; thao tác ghi bị từ chối."))
        return True


def request_actor(request) -> Actor:
    """The actor of the request: the user's own (cached on the user), read-only under a read-only token."""
    actor = actor_for(request.user)
    if isinstance(request.auth, ApiToken) and request.auth.read_only and not actor.read_only:
        actor = dataclasses.replace(actor, read_only=True)
    return actor
