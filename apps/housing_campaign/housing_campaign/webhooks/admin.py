"""Webhooks in the admin: administrators create and manage their own (superusers all), the auditor reads them
(never their secrets, never a test send); the delivery log with every attempt; "Gửi thử" and "Gửi lại".

Every write goes through ``services``: the form checks with ``webhook_clean`` (every bad field named, nothing
written), the save calls ``webhook_create`` / ``webhook_update``. The secret is in no form: it is shown once on
the page that answers the creation (never stored in a message or a cookie), and later only to the creator or a
superuser who asks for it on its own page (POST), where it can also be renewed.
"""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.formatting import format_date
from housing_campaign.core.hookspec import doctype_choices, doctype_label

from . import services
from .models import Event, Webhook, WebhookAttempt, WebhookDelivery
from .selectors import deliveries_visible, may_see_secret, webhooks_visible

RECENT = 10


class RefusedSave(Exception):
    """A service refused the save after the form was valid (a race): the admin's atomic block is left."""

    def __init__(self, error: ServiceError):
        super().__init__(error.message)
        self.error = error


class WebhookForm(forms.ModelForm):
    doctypes = forms.MultipleChoiceField(label=_("Loại hồ sơ"), widget=forms.CheckboxSelectMultiple,
                                         choices=doctype_choices, required=False)
    events = forms.MultipleChoiceField(label=_("Sự kiện"), widget=forms.CheckboxSelectMultiple,
                                       choices=Event.choices, required=False)
    actions = forms.MultipleChoiceField(
        label=_("Chỉ các thao tác"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Với sự kiện “Chuyển trạng thái”: để trống là mọi thao tác; chọn để chỉ nhận các thao tác này "
                    "(ví dụ chỉ “Duyệt”)."))
    user = None  # the request's user, bound by WebhookAdmin.get_form

    class Meta:
        model = Webhook
        fields = ["name", "url", "is_active"]
        help_texts = {"url": _("Địa chỉ http(s) công khai của hệ thống nhận. Không được trỏ tới máy chủ này hay mạng "
                               "nội bộ (trừ khi quản trị hệ thống đặt). Webhook không đi theo chuyển hướng.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "url" in self.fields:  # absent when the page is read-only (the auditor)
            self.fields["url"].widget = forms.TextInput(attrs={"size": 80, "placeholder": "https://"})
        if "actions" in self.fields:
            self.fields["actions"].choices = services.action_choices()
        if self.instance.pk:
            for name in ("doctypes", "events", "actions"):
                self.initial.setdefault(name, getattr(self.instance, name))
        else:
            self.initial.setdefault("events", [Event.TRANSITION])

    def clean(self):
        cleaned = super().clean()
        if self.user is None:
            raise ValidationError(gettext("Không xác định được người đang sửa."))
        try:
            fields = services.webhook_clean(actor_user=self.user, data=cleaned)
        except ServiceError as exc:
            for key, errors in exc.errors.items():
                for error in errors:
                    self.add_error(key if key in self.fields else None, ValidationError(error))
            return cleaned
        cleaned.update(fields)
        return cleaned


@admin.register(Webhook)
class WebhookAdmin(BaseAdmin):
    form = WebhookForm
    list_display = ("name", "url", "doctype_names", "event_names", "is_active", "consecutive_failures",
                    "last_answer", "created_by")
    list_filter = ("is_active",)
    search_fields = ("name", "url")
    actions = ["send_test"]
    change_form_template = "admin/webhooks/change_form.html"
    readonly_fields = ("doctype_names", "event_names", "action_names",  # the read-only page's names (3)
                       "secret_status", "created_by", "created_at", "consecutive_failures", "disabled_at",
                       "disabled_reason", "last_delivery_at", "last_status", "recent_deliveries")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):  # read-only: names, not codes
            main = (None, {"fields": ["name", "url", "doctype_names", "event_names", "action_names",
                                      "is_active"]})
        else:
            main = (None, {"fields": ["name", "url", "doctypes", "events", "actions", "is_active"]})
        if obj is None:
            return [main]
        return [main, (_("Tình trạng"), {"fields": list(self.readonly_fields[3:])})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(pk__in=webhooks_visible(request.user).values("pk"))

    def _owns(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.created_by_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # switched off, never deleted: the delivery log stays (accounts/permissions.py)

    # ------------------------------------------------------------------ columns
    @admin.display(description=_("loại hồ sơ"))
    def doctype_names(self, obj):
        return ", ".join(doctype_label(d) for d in obj.doctypes)

    @admin.display(description=_("sự kiện"))
    def event_names(self, obj):
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(e, e)) for e in obj.events)

    @admin.display(description=_("chỉ các thao tác"))
    def action_names(self, obj):
        labels = dict(services.action_choices(obj.doctypes))
        return ", ".join(labels.get(a, a) for a in obj.actions) or gettext("mọi thao tác")

    @admin.display(description=_("trả lời gần nhất"), ordering="last_delivery_at")
    def last_answer(self, obj):
        if obj.last_delivery_at is None:
            return "—"
        return f"{obj.last_status or gettext('lỗi')} – {format_date(obj.last_delivery_at)}"

    @admin.display(description=_("khóa bí mật"))
    def secret_status(self, obj):
        return gettext("Đã đặt; chỉ người tạo webhook hoặc quản trị hệ thống xem hoặc đổi được (nút bên dưới).")

    @admin.display(description=_("các lần gửi gần đây"))
    def recent_deliveries(self, obj):
        items = list(obj.deliveries.order_by("-created_at", "-id")[:RECENT])
        if not items:
            return gettext("Chưa gửi lần nào.")
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((format_date(d.created_at), d.event, d.document_code or "—", d.get_status_display(),
              d.last_status or "—", "" if d.last_duration_ms is None else f"{d.last_duration_ms} ms",
              d.last_error[:120]) for d in items))
        link = reverse("admin:webhooks_webhookdelivery_changelist") + f"?webhook__id__exact={obj.pk}"
        return format_html(
            '<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>'
            '</thead><tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            gettext("lúc"), gettext("sự kiện"), gettext("hồ sơ"), gettext("tình trạng"), gettext("mã trả lời"),
            gettext("thời gian"), gettext("lỗi"), rows, link, gettext("Toàn bộ nhật ký gửi"))

    # ------------------------------------------------------------------ saving through the services
    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data.get(key) for key in ("name", "url", "doctypes", "events", "actions",
                                                            "is_active")}
        try:
            if change:
                saved = services.webhook_update(actor_user=request.user, webhook_id=obj.pk, data=data)
            else:
                saved, request._webhook_secret = services.webhook_create(actor_user=request.user, data=data)
        except ServiceError as exc:
            raise RefusedSave(exc) from None
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request, form, formsets, change):
        pass  # no inlines, no many-to-many

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedSave as refused:
            messages.error(request, gettext("Chưa lưu: %(reason)s") % {"reason": refused.error.message})
            return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        """The only time the new secret is shown without being asked for: on this page, never stored elsewhere."""
        return render(request, "admin/webhooks/secret.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "webhook": obj, "created": True,
            "secret": getattr(request, "_webhook_secret", ""), "title": gettext("Đã tạo webhook")})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_see_secret"] = obj is not None and may_see_secret(request.user, obj)
        context["may_test"] = obj is not None and self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # ------------------------------------------------------------------ secret, test send
    def get_urls(self):
        return [
            path("<int:pk>/secret/", self.guarded_view(self.secret_view, read="change"),
                 name="webhooks_webhook_secret"),
            path("<int:pk>/test/", self.guarded_view(self.test_view, read=None), name="webhooks_webhook_test"),
            *super().get_urls(),
        ]

    def _own_object(self, request, pk) -> Webhook:
        webhook = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, webhook):
            raise PermissionDenied
        return webhook

    def secret_view(self, request, pk):
        """GET: what this page does; POST ``op=reveal`` shows the secret, ``op=rotate`` makes a new one (shown
        once). Only the creator and superusers (403 for anyone else, the auditor included)."""
        webhook = self._own_object(request, pk)
        if not may_see_secret(request.user, webhook):
            raise PermissionDenied
        secret, rotated = "", False
        if request.method == "POST":
            try:
                if request.POST.get("op") == "rotate":
                    secret, rotated = services.webhook_secret_rotate(actor_user=request.user, webhook_id=pk), True
                else:
                    secret = services.webhook_secret_reveal(actor_user=request.user, webhook_id=pk)
            except ServiceError as exc:
                raise PermissionDenied(exc.message) from None
        return render(request, "admin/webhooks/secret.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "webhook": webhook, "secret": secret,
            "rotated": rotated, "title": gettext("Khóa bí mật của webhook “%(name)s”") % {"name": webhook.name}})

    def test_view(self, request, pk):
        webhook = self._own_object(request, pk)
        self._report_test(request, services.webhook_send_test(actor_user=request.user, webhook_id=webhook.pk))
        return HttpResponseRedirect(reverse("admin:webhooks_webhook_change", args=[webhook.pk]))

    def _report_test(self, request, delivery: WebhookDelivery) -> None:
        params = {"name": delivery.webhook.name, "status": delivery.last_status or "—",
                  "ms": delivery.last_duration_ms or 0, "error": delivery.last_error}
        if delivery.status == WebhookDelivery.Status.DELIVERED:
            messages.success(request, gettext("Gửi thử tới “%(name)s”: nơi nhận trả lời HTTP %(status)s sau %(ms)s ms.")
                             % params)
        else:
            messages.error(request, gettext("Gửi thử tới “%(name)s” không thành công: %(error)s") % params)

    @admin.action(description=_("Gửi thử tới các webhook đã chọn"), permissions=["change"])
    def send_test(self, request, queryset):
        for webhook in queryset[:20]:
            if not self.has_change_permission(request, webhook):
                continue
            try:
                self._report_test(request, services.webhook_send_test(actor_user=request.user, webhook_id=webhook.pk))
            except ServiceError as exc:
                messages.error(request, exc.message)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "status_code", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BaseAdmin):
    """The delivery log: one row per event sent to a webhook, its attempts inline. Read-only; "Gửi lại" sends
    failed or cancelled deliveries again (the one change allowed)."""

    list_display = ("created_at", "webhook", "event", "document_code", "status", "attempts", "last_status",
                    "duration", "short_error")
    list_filter = ("status", "event", "webhook")
    search_fields = ("document_code", "=event_id")
    list_select_related = ("webhook",)
    date_hierarchy = "created_at"
    inlines = [AttemptInline]
    actions = ["resend"]
    show_full_result_count = False
    fields = ("webhook", "event_id", "event", "doctype", "object_id", "document_code", "status", "attempts",
              "created_at", "delivered_at", "last_status", "last_duration_ms", "last_error", "job", "pretty_body")

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(pk__in=deliveries_visible(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("thời gian trả lời"), ordering="last_duration_ms")
    def duration(self, obj):
        return "—" if obj.last_duration_ms is None else f"{obj.last_duration_ms} ms"

    @admin.display(description=_("lỗi"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.display(description=_("nội dung gửi (JSON)"))
    def pretty_body(self, obj):
        try:
            text = json.dumps(json.loads(obj.body), ensure_ascii=False, indent=2)
        except ValueError:
            text = obj.body
        return format_html("<pre>{}</pre>", text)

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only

    def save_related(self, request, form, formsets, change):
        pass

    @admin.action(description=_("Gửi lại các lần gửi lỗi hoặc đã hủy"), permissions=["change"])
    def resend(self, request, queryset):
        try:
            count = services.deliveries_resend(actor_user=request.user,
                                               delivery_ids=list(queryset.values_list("pk", flat=True)))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return
        messages.info(request, ngettext("Đã xếp %(count)s lần gửi để gửi lại.", "Đã xếp %(count)s lần gửi để gửi lại.",
                                        count) % {"count": count} if count else
                      gettext("Không có lần gửi nào để gửi lại (chỉ gửi lại lần gửi lỗi hoặc đã hủy, của webhook "
                              "đang bật)."))
