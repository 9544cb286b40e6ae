"""The QR base URL on the admin index (templates/admin/index.html)."""
from django import template

from housing_campaign.core import checks

register = template.Library()


@register.simple_tag
def qr_base_url() -> dict:
    url = checks.base_url()
    return {"url": url, "loopback": checks.base_url_is_loopback(url), "https": url.lower().startswith("https://")}
