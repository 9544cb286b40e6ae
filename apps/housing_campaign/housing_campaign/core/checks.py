"""The base URL printed in every certificate's QR code must reach the site from a resident's phone.

``manage.py check --deploy`` fails (an Error, not a Warning) when it is a loopback address or not
HTTPS; the admin index shows it; issuing a certificate while it is a loopback address and the site is
reached under another name warns the user on the page (desk views)."""
from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port

from .hosts import is_loopback_host, url_host


def base_url() -> str:
    return settings.SITE_BASE_URL


def base_url_is_loopback(url: str | None = None) -> bool:
    host = url_host(url if url is not None else base_url())
    return not host or is_loopback_host(host)


def qr_base_url_warning(request) -> str:
    """The warning shown when a certificate is issued or printed with a QR base URL that only works on
    the server itself while the user reached the site under another name ("" when all is well)."""
    url = base_url()
    if not base_url_is_loopback(url):
        return ""
    host, _port = split_domain_port(request.get_host())
    if not host or is_loopback_host(host):
        return ""
    return (f"Cảnh báo: mã QR trên giấy chứng nhận trỏ tới {url}, địa chỉ chỉ mở được trên chính máy chủ; "
            f"người dân quét mã sẽ không vào được trang kiểm tra. Hãy báo quản trị hệ thống đặt base_url "
            f"(sites/<tên site>/site_config.toml hoặc biến môi trường BASE_URL) thành địa chỉ công khai của "
            f"trang (bạn đang truy cập qua {host}), rồi cấp lại giấy chứng nhận.")


@checks.register(checks.Tags.security, deploy=True)
def check_base_url(app_configs=None, **kwargs):
    url = base_url()
    errors = []
    if base_url_is_loopback(url):
        errors.append(checks.Error(
            f"base_url {url!r} là địa chỉ nội bộ của máy chủ: mã QR in trên giấy chứng nhận sẽ không mở được.",
            hint="Đặt [site] base_url trong site_config.toml (hoặc BASE_URL) thành địa chỉ https công khai của trang.",
            id="housing_campaign.E001"))
    if not url.lower().startswith("https://"):
        errors.append(checks.Error(
            f"base_url {url!r} không dùng https: trang kiểm tra giấy chứng nhận và cookie đăng nhập không được bảo vệ.",
            hint="Phục vụ trang qua https và đặt base_url = \"https://…\".",
            id="housing_campaign.E002"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_debug_off(app_configs=None, **kwargs):
    if settings.DEBUG:
        return [checks.Error("DEBUG đang bật: khách truy cập sẽ thấy danh sách đường dẫn và dữ liệu cá nhân "
                             "khi có lỗi.", hint="Bỏ debug = true trong site_config.toml và biến môi trường DEBUG.",
                             id="housing_campaign.E003")]
    return []
