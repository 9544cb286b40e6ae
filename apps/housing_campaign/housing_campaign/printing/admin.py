"""Print formats edited in the admin with a live preview (HTML and PDF) on a chosen document."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.hookspec import doctype_label, print_doctypes
from housing_campaign.core.limits import limits

from . import selectors, services
from .models import CompetenceBasis, DocumentKind, IssuedDocument, PrintFormat, PrintFormatVersion, Signer


class PrintFormatForm(forms.ModelForm):
    class Meta:
        model = PrintFormat
        fields = ("code", "doctype", "name", "name_en", "description", "document_kind", "html", "css", "is_active")
        widgets = {"html": forms.Textarea(attrs={"rows": 30, "cols": 110, "spellcheck": "false",
                                                 "style": "font-family:monospace"}),
                   "css": forms.Textarea(attrs={"rows": 12, "cols": 110, "spellcheck": "false",
                                                "style": "font-family:monospace"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctype"] = forms.ChoiceField(
            label=_("loại hồ sơ"), choices=[(k, doctype_label(k)) for k in print_doctypes()])

    def clean(self):
        cleaned = super().clean()
        problems = services.template_problems(doctype=cleaned.get("doctype", ""), html=cleaned.get("html", ""),
                                              css=cleaned.get("css", ""))
        for problem in problems:
            self.add_error("html", problem)
        return cleaned


class VersionInline(admin.TabularInline):
    model = PrintFormatVersion
    extra = 0
    can_delete = False
    fields = ("version", "created_at", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PrintFormat)
class PrintFormatAdmin(BaseAdmin):
    form = PrintFormatForm
    list_display = ("name", "code", "doctype", "version", "is_active", "preview_links")
    list_filter = ("doctype", "is_active")
    inlines = [VersionInline]
    change_form_template = "admin/printing/change_form.html"

    def has_delete_permission(self, request, obj=None):
        return False  # issued documents refer to their versions

    @admin.display(description=_("xem trước"))
    def preview_links(self, obj):
        # The preview picks a document inside the viewer's territory (no query per row here).
        url = reverse("admin:printing_preview", args=[obj.pk])
        return format_html('<a href="{}?as=html" target="_blank">HTML</a> · '
                           '<a href="{}?as=pdf" target="_blank">PDF</a>', url, url)

    def save_model(self, request, obj, form, change):
        html, css = form.cleaned_data["html"], form.cleaned_data["css"]
        if change:
            original = PrintFormat.objects.get(pk=obj.pk)
            obj.html, obj.css = original.html, original.css
            obj.version = original.version
            super().save_model(request, obj, form, change)  # metadata
        else:
            obj.html, obj.css, obj.version = "", "", 0
            obj.save()
        services.print_format_save(actor_user=request.user, print_format=obj, html=html, css=css)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        actor = actor_for(request.user)
        reference = selectors.example_reference(actor=actor, doctype=obj.doctype if obj else "housing_case")
        context["example_reference"] = reference
        if obj is not None and reference and request.method == "GET":
            # What a document printed today would miss (e.g. no signer recorded): said before anyone prints.
            try:
                example, _title = selectors.context_for(actor=actor, doctype=obj.doctype, reference=reference)
            except ServiceError:
                example = {}
            for warning in services.context_warnings(example):
                messages.warning(request, warning)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        return [path("<int:pk>/preview/", self.guarded_view(self.preview_view, read="view", write="change"),
                     name="printing_preview"),
                *super().get_urls()]

    def preview_view(self, request, pk):
        """Render the saved format, or the unsaved edit posted from the change form."""
        fmt = get_object_or_404(PrintFormat, pk=pk)
        data = request.POST if request.method == "POST" else request.GET
        html = data.get("html", fmt.html) if request.method == "POST" else fmt.html
        css = data.get("css", fmt.css) if request.method == "POST" else fmt.css
        reference = data.get("ref") or data.get("preview_ref") or selectors.example_reference(
            actor=actor_for(request.user), doctype=fmt.doctype)
        try:
            context, title = selectors.context_for(actor=actor_for(request.user), doctype=fmt.doctype,
                                                   reference=reference)
            kind = fmt.document_kind or "VB"
            if f"/{kind}-" not in str(context.get("document_number", "")):
                # The document found may carry another format's number (a case's certificate): a draft's here.
                symbol = (context.get("issuer") or {}).get("symbol", "UBND")
                context = {**context, "document_number": f"……/{kind}-{symbol}"}
            if data.get("as") == "pdf" or data.get("preview_as") == "pdf":
                pdf = services.render_pdf(html=html, css=css, context=context, title=title,
                                          seconds=limits().preview_seconds)
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="{fmt.code}-{title}.pdf"'
                return response
            page = services.render_html(html=html, css=css, context=context, title=title,
                                        seconds=limits().preview_seconds)
            warnings = services.context_warnings(context)
            if warnings:
                # Above the document, not in it: the preview says what the printed document would miss.
                banner = format_html(
                    '<div role="alert" style="font:14px sans-serif;background:#fff4e5;border:1px solid #b26a00;'
                    'color:#5f3a00;padding:8px 12px;margin:0 0 8px">{}</div>',
                    format_html_join("", "<p style=\"margin:2px 0\">⚠ {}</p>", ((w,) for w in warnings)))
                page = page.replace("<body>", f"<body>{banner}", 1)
            response = HttpResponse(page)
            response["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
            return response
        except ServiceError as exc:
            return render(request, "admin/printing/preview_error.html",
                          {"message": exc.message, "format": fmt}, status=400)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(BaseAdmin):
    list_display = ("number_text", "doctype", "object_id", "issued_at", "issued_by", "pdf_link")
    search_fields = ("number_text",)
    readonly_fields = [f.name for f in IssuedDocument._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return selectors.issued_documents_visible(actor=actor_for(request.user), queryset=qs)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # an issued document never changes

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("bản in"))
    def pdf_link(self, obj):
        return format_html('<a href="{}" target="_blank">{}</a>', reverse("admin:printing_issued_pdf", args=[obj.pk]),
                           gettext("PDF như khi ban hành"))

    def get_urls(self):
        return [path("<int:pk>/pdf/", self.guarded_view(self.pdf_view, read="view", write=None),
                     name="printing_issued_pdf"),
                *super().get_urls()]

    def pdf_view(self, request, pk):
        document = get_object_or_404(IssuedDocument, pk=pk)
        if not selectors.issued_document_visible(actor=actor_for(request.user), document=document):
            message = gettext("Không tìm thấy văn bản này trong địa bàn của bạn.")
            messages.error(request, message)
            return HttpResponse(message, status=404)
        return HttpResponse(services.issued_document_pdf(document), content_type="application/pdf")


@admin.register(DocumentKind)
class DocumentKindAdmin(BaseAdmin):
    list_display = ("code", "name")


class SignerForm(forms.ModelForm):
    class Meta:
        model = Signer
        fields = ("unit", "organ", "full_name", "authority", "position", "valid_from", "valid_to", "note")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("authority") == Signer.Authority.DEPUTY and not (cleaned.get("position") or "").strip():
            self.add_error("position", gettext("Cấp phó ký thay phải ghi chức vụ, ví dụ “Phó Chủ tịch”."))
        for problem in services.signer_period_problems(
                unit=cleaned.get("unit"), organ=cleaned.get("organ", ""), valid_from=cleaned.get("valid_from"),
                valid_to=cleaned.get("valid_to"), exclude_pk=self.instance.pk):
            self.add_error("valid_to" if cleaned.get("valid_to") and cleaned["valid_to"] < cleaned["valid_from"]
                           else "valid_from", problem)
        return cleaned


@admin.register(Signer)
class SignerAdmin(BaseAdmin):
    """Who signs each issuing body's documents, by period; the list and the units offered are limited to
    the administrator's territory (``hooks.territory_scopes``)."""

    form = SignerForm
    list_display = ("full_name", "organ", "unit", "authority", "position", "valid_from", "valid_to", "signer_block")
    list_filter = ("organ", "authority", "unit__system", "unit__level")
    search_fields = ("full_name", "unit__name")
    list_select_related = ("unit__parent",)
    raw_id_fields = ("unit",)
    show_full_result_count = False

    @admin.display(description=_("khối chữ ký"))
    def signer_block(self, obj):
        from .issuers import signer_lines

        return " / ".join(signer_lines(organ=obj.organ, authority=obj.authority, position=obj.position))


@admin.register(CompetenceBasis)
class CompetenceBasisAdmin(BaseAdmin):
    list_display = ("organ", "valid_from", "valid_to", "text")
    list_filter = ("organ",)
