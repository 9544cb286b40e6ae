"""Admin bases. Every ModelAdmin of the project derives from ``BaseAdmin`` (or mixes in
``GuardedAdminMixin``), which:

- refuses every write to a read-only actor (the auditor), whatever Django permissions their groups
  carry, so a mistaken grant can never turn the auditor into a writer;
- wraps custom admin views with ``guarded_view``: staff login (``admin_site.admin_view``) *and* the
  ModelAdmin's ``has_<perm>_permission`` for the method used, never ``is_staff`` alone.

Admin actions declare ``@admin.action(permissions=[...])`` (Django checks them); the declared table
of who may do what is ``accounts/permissions.py`` and ``tests/test_permission_matrix.py`` enforces it.
Also: territory scoping (an administrator or auditor sees only their territory) and read-only lists
of reference data and logs."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

from housing_campaign.accounts.selectors import actor_for, scope

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_read_only_actor(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return False
    return actor_for(user).read_only


class GuardedAdminMixin:
    def has_add_permission(self, request, *args, **kwargs):
        return not is_read_only_actor(request) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return not is_read_only_actor(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_read_only_actor(request) and super().has_delete_permission(request, obj)

    def guarded_view(self, view: Callable, *, read: str | None = "view", write: str | None = "change"):
        """A custom admin view that answers GET to users with ``has_<read>_permission`` and other
        methods to users with ``has_<write>_permission`` (``None``: that method is not allowed)."""

        @wraps(view)
        def guarded(request, *args, **kwargs):
            needed = read if request.method in SAFE_METHODS else write
            if needed is None:
                return HttpResponseNotAllowed([m for m, p in (("GET", read), ("POST", write)) if p])
            if not getattr(self, f"has_{needed}_permission")(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return self.admin_site.admin_view(guarded)


class BaseAdmin(GuardedAdminMixin, admin.ModelAdmin):
    pass


class TerritoryScopedAdmin(BaseAdmin):
    territory_fields: dict[str, str] = {"legacy_field": "unit_path", "current_field": "unit_2025_path"}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope(qs, actor_for(request.user), **self.territory_fields)


class ReadOnlyAdmin(BaseAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
