"""HTML to PDF with WeasyPrint. No URL is fetched except inline data: URIs (QR codes, images),
so fonts come from the system (installed by the set-up) and nothing leaves the machine."""
from __future__ import annotations

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

BASE_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm;
  @top-center { content: counter(page); font: 12pt 'Liberation Serif', 'Times New Roman', serif; } }
@page :first { @top-center { content: none; } }
html { font-family: 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif; font-size: 13pt; line-height: 1.3; }
body { margin: 0; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
tr, img { page-break-inside: avoid; break-inside: avoid; }
.page-break { break-after: page; }
"""


# Only inline data: URIs (QR codes, embedded images); file:, http: and the rest are refused.
_FETCHER = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def document_html(body: str, css: str, *, title: str = "") -> str:
    return (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<style>{BASE_CSS}</style><style>{css}</style></head><body>{body}</body></html>")


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=_FETCHER, base_url="about:blank").write_pdf()


def htmls_to_pdf(htmls: list[str]) -> bytes:
    """Several complete documents in one PDF: each laid out on its own, exactly as it would be alone
    (its own CSS, its own page numbering, its first page unnumbered), fonts embedded once."""
    if not htmls:
        raise ValueError("no document to print")
    fonts = FontConfiguration()
    rendered = [HTML(string=html, url_fetcher=_FETCHER, base_url="about:blank").render(font_config=fonts)
                for html in htmls]
    pages = [page for document in rendered for page in document.pages]
    return rendered[0].copy(pages).write_pdf()
