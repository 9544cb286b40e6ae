"""Admin bases. Every ModelAdmin of the project derives from ``BaseAdmin`` (or mixes in
``GuardedAdminMixin``), which:

- refuses every write to a read-only actor (the auditor), whatever Django permissions their groups
  carry, so a mistaken grant can never turn the auditor into a writer;
- wraps custom admin views with ``guarded_view``: staff login (``admin_site.admin_view``) *and* the
  ModelAdmin's ``has_<perm>_permission`` for the method used, never ``is_staff`` alone.

Admin actions declare ``@admin.action(permissions=[...])`` (Django checks them); the declared table
of who may do what is ``accounts/permissions.py`` and ``tests/test_permission_matrix.py`` enforces it.
Also territory scoping, for reads *and* writes, declared once in ``hooks.territory_scopes`` (per
model, ``fn(actor) -> QuerySet`` of what the actor may see; resolved at call time, so accounts imports
no domain):

- the list of a model in the registry shows only those rows (``TerritoryScopedAdmin`` scopes by the
  model's own territory fields instead);
- every foreign-key and many-to-many form field (of the admin and of its inlines) offers and accepts
  only those rows: an id outside the territory fails validation with a form error, and a raw-id
  widget never shows the label of a row outside it;
- a changelist lookup value that no database integer can hold is Django's usual invalid-lookup
  redirect (``?e=1``), and JSON form fields refuse too large or too deep input with a field error.

Superusers are unrestricted. Plus read-only lists of reference data and logs."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, IS_FACETS_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.selectors import actor_for, scope
from housing_campaign.core.hookspec import territory_scope

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_read_only_actor(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return False
    return actor_for(user).read_only


def scoped_queryset(request, model) -> models.QuerySet | None:
    """The rows of ``model`` the request's user may see (``hooks.territory_scopes``), or None when
    unrestricted (a superuser, or a model not scoped by territory)."""
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return None
    scoped = territory_scope(model._meta.label)
    return None if scoped is None else scoped(actor_for(user))


class ScopedForeignKeyRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """A raw-id widget that labels only a row of ``queryset`` (Django's looks the id up with the model's
    default manager, which would name a row outside the territory)."""

    def __init__(self, rel, admin_site, queryset, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            obj = self.queryset.using(self.db).get(**{key: value})
        except (ValueError, TypeError, OverflowError, self.rel.model.DoesNotExist, ValidationError):
            return "", ""
        try:
            url = reverse(f"{self.admin_site.name}:{obj._meta.app_label}_{obj._meta.model_name}_change",
                          args=(obj.pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class ScopedManyToManyRawIdWidget(widgets.ManyToManyRawIdWidget):
    """Django's many-to-many raw-id widget shows no labels; kept with its queryset for symmetry."""

    def __init__(self, rel, admin_site, queryset, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.queryset = queryset


JSON_MAX_CHARS = 100_000
JSON_MAX_DEPTH = 32
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (strings skipped), without parsing it."""
    depth = deepest = 0
    for token in _JSON_TOKENS.findall(text):
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


class SafeJSONField(forms.JSONField):
    """Django's JSON form field, refusing input too large or too deeply nested to parse safely."""

    def to_python(self, value):
        if isinstance(value, str) and not self.disabled:
            if len(value) > JSON_MAX_CHARS:
                raise ValidationError(gettext("Dữ liệu JSON quá dài (%(length)s ký tự; tối đa %(max)s).")
                                      % {"length": f"{len(value):,}", "max": f"{JSON_MAX_CHARS:,}"}, code="too_long")
            if json_depth(value) > JSON_MAX_DEPTH:
                raise ValidationError(gettext("Dữ liệu JSON lồng nhau quá sâu (tối đa %(max)s cấp).")
                                      % {"max": JSON_MAX_DEPTH}, code="too_deep")
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(gettext("Dữ liệu JSON lồng nhau quá sâu (tối đa %(max)s cấp).")
                                  % {"max": JSON_MAX_DEPTH}, code="too_deep") from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)


OUTSIDE_TERRITORY = _("“%(value)s” không tồn tại hoặc nằm ngoài địa bàn bạn phụ trách; chỉ được chọn trong "
                      "địa bàn của mình.")


class ScopedChoicesMixin:
    """Limits every foreign-key and many-to-many form field to what the user may see."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("form_class", SafeJSONField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _limit_choices(self, db_field, request, kwargs, raw_id_widget) -> None:
        scoped = scoped_queryset(request, db_field.related_model)
        if scoped is None:
            return
        db = kwargs.get("using")
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.related_model._default_manager.using(db)
        base = queryset
        kwargs["queryset"] = queryset = base.filter(pk__in=scoped.values("pk"))
        kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "invalid_choice": OUTSIDE_TERRITORY}
        if "widget" not in kwargs and db_field.name in self.raw_id_fields:
            kwargs["widget"] = raw_id_widget(db_field.remote_field, self.admin_site, queryset, using=db)
        return base, scoped

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limits = self._limit_choices(db_field, request, kwargs, ScopedForeignKeyRawIdWidget)
        return _marked(super().formfield_for_foreignkey(db_field, request, **kwargs), limits)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limits = self._limit_choices(db_field, request, kwargs, ScopedManyToManyRawIdWidget)
        return _marked(super().formfield_for_manytomany(db_field, request, **kwargs), limits)

    def get_form(self, request, obj=None, *args, **kwargs):
        return _keeping_saved_choices(super().get_form(request, obj, *args, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _keeping_saved_choices(formset.form)
        return formset


def _marked(formfield, limits):
    if formfield is not None and limits is not None:
        formfield.territory_limits = limits  # (the unlimited queryset, the rows the user may see)
    return formfield


def _keeping_saved_choices(form_class):
    """A value already saved stays selectable (e.g. a campaign's 2025 province that reaches beyond the
    administrator's territory): the limit stops pointing a record *somewhere else* outside."""

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return
        for name, field in self.fields.items():
            limits = getattr(field, "territory_limits", None)
            if limits is None:
                continue
            model_field = instance._meta.get_field(name)
            if model_field.many_to_many:
                saved = list(getattr(instance, name).values_list("pk", flat=True))
            else:
                saved = [getattr(instance, model_field.attname)]
            saved = [pk for pk in saved if pk is not None]
            if saved:
                base, scoped = limits
                field.queryset = base.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=saved))
                if hasattr(field.widget, "queryset"):
                    field.widget.queryset = field.queryset

    return type(form_class.__name__, (form_class,), {"__init__": __init__})


# Changelist parameters that are not field lookups.
_NOT_LOOKUPS = {ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR, ERROR_FLAG, IS_POPUP_VAR, TO_FIELD_VAR, IS_FACETS_VAR,
                "_changelist_filters"}
_INTEGER = re.compile(r"\s*[-+]?\d+\s*")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def integer_out_of_range(value: str) -> bool:
    """Whether ``value`` (or one item of a comma-separated list) is an integer no database column holds."""
    for item in value.split(","):
        if _INTEGER.fullmatch(item):
            digits = item.strip().lstrip("+-").lstrip("0")
            if len(digits) > 19 or not _INT64[0] <= int(item) <= _INT64[1]:
                return True
    return False


class GuardedAdminMixin(ScopedChoicesMixin):
    scope_by_registry = True  # False where the admin scopes its list itself (TerritoryScopedAdmin)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not self.scope_by_registry:
            return qs
        scoped = scoped_queryset(request, self.model)
        return qs if scoped is None else qs.filter(pk__in=scoped.values("pk"))

    def get_inline_instances(self, request, obj=None):
        # Inlines get the same limits on their choices, whatever class they derive from.
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            if not isinstance(inline, ScopedChoicesMixin):
                inline.__class__ = type(f"Scoped{type(inline).__name__}", (ScopedChoicesMixin, type(inline)), {})
        return instances

    def changelist_view(self, request, extra_context=None):
        lookups = [v for k, values in request.GET.lists() if k not in _NOT_LOOKUPS for v in values]
        if not request.GET.get(ERROR_FLAG) and any(integer_out_of_range(v) for v in lookups):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

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
    scope_by_registry = False
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
