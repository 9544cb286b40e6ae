"""Where a webhook may point, and the one HTTP POST of a delivery attempt.

Server-side request forgery: a URL whose host is, or resolves to, a loopback, private, link-local (the cloud
metadata service 169.254.169.254), multicast, reserved or otherwise non-public address is refused, unless a
superuser set it or its network is listed in ``WEBHOOK_ALLOWED_NETWORKS`` (site config ``[webhooks]
allowed_networks``: an integration server on the province's own network). The check runs when the webhook is
saved and again at every attempt: the name is resolved at sending time, every address it gives is checked, and
the connection is made to the address that was checked (never resolved a second time), so a name that changes
its answer after the check (DNS rebinding) cannot reach inside. Only http and https; a connection and a read
timeout and an overall deadline; redirects are never followed; at most ``EXCERPT_BYTES`` of the answer is read.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

SCHEMES = ("http", "https")
URL_MAX_LENGTH = 500
EXCERPT_BYTES = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """The URL may not be used; ``message`` says why, in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str           # as written (a name or an address), sent as the Host header and used for TLS
    port: int
    path: str           # path and query
    address: IPAddress  # the checked address the connection goes to


@dataclass(frozen=True)
class Answer:
    status: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _split(url: str):
    url = (url or "").strip()
    if not url:
        raise UrlRefused(gettext("Chưa nhập địa chỉ nhận (URL)."))
    if len(url) > URL_MAX_LENGTH:
        raise UrlRefused(gettext("Địa chỉ nhận dài tối đa %(max)s ký tự.") % {"max": URL_MAX_LENGTH})
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise UrlRefused(gettext("Địa chỉ nhận không được chứa khoảng trắng hay ký tự điều khiển."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused(gettext("Địa chỉ nhận không hợp lệ; hãy nhập dạng https://ten-may-chu/duong-dan."))
    if parts.scheme.lower() not in SCHEMES:
        raise UrlRefused(gettext("Địa chỉ nhận phải bắt đầu bằng http:// hoặc https://."))
    if not parts.hostname:
        raise UrlRefused(gettext("Địa chỉ nhận thiếu tên máy chủ; hãy nhập dạng https://ten-may-chu/duong-dan."))
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(gettext("Địa chỉ nhận không được chứa tên đăng nhập hay mật khẩu; nơi nhận xác thực "
                                 "bằng chữ ký của webhook."))
    scheme = parts.scheme.lower()
    if port == 0:
        raise UrlRefused(gettext("Cổng của địa chỉ nhận không hợp lệ."))
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80), \
        (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def url_normalize(url: str) -> str:
    """The URL as stored (spaces around removed); raises UrlRefused when it is not an http(s) URL."""
    _split(url)
    return url.strip()


def _unwrapped(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo), which is what it reaches."""
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None:
                return inner
    return ip


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", [])]


def address_problem(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is (in the reader's language), or None for a public one."""
    inner = _unwrapped(ip)
    if any(inner in net or ip in net for net in allowed_networks() if net.version in (inner.version, ip.version)):
        return None
    # The carried IPv4 address first (what the connection reaches), then the address as written; an ordered
    # tuple, so the reason given does not depend on set hashing.
    for candidate in (inner, ip):
        if candidate.is_loopback:
            return gettext("địa chỉ của chính máy chủ (loopback)")
        if candidate.is_link_local:
            return gettext("địa chỉ link-local (như dịch vụ metadata của máy chủ đám mây)")
        if candidate.is_multicast:
            return gettext("địa chỉ multicast")
        if candidate.is_unspecified or candidate.is_reserved:
            return gettext("địa chỉ dành riêng, không dùng trên Internet")
        if candidate.is_private:
            return gettext("mạng nội bộ (địa chỉ private)")
        if not candidate.is_global:
            return gettext("địa chỉ không thuộc Internet công cộng")
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` (a name or a literal address) stands for; UrlRefused when it has none."""
    try:
        return [ipaddress.ip_address(host.strip("[]").split("%")[0])]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise UrlRefused(gettext("Không tìm thấy máy chủ “%(host)s” (tên miền không phân giải được); hãy kiểm tra "
                                 "lại địa chỉ nhận.") % {"host": host})
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UrlRefused(gettext("Không tìm thấy máy chủ “%(host)s”.") % {"host": host})
    return addresses


def url_check(url: str, *, allow_private: bool) -> Target:
    """The target of ``url`` once every address of its host was checked; raises UrlRefused with the reason.
    ``allow_private``: a superuser set this URL (the loopback receiver of a test, a server on the LAN)."""
    scheme, host, port, path = _split(url)
    addresses = resolve(host, port)
    if not allow_private:
        for ip in addresses:
            kind = address_problem(ip)
            if kind:
                raise UrlRefused(gettext(
                    "Địa chỉ nhận “%(host)s” trỏ tới %(kind)s (%(ip)s): không được phép, để webhook không bị lợi "
                    "dụng truy cập vào máy chủ hay mạng nội bộ. Hãy dùng địa chỉ Internet công cộng của hệ thống "
                    "nhận; chỉ quản trị hệ thống (superuser) được đặt địa chỉ nội bộ.") % {
                        "host": host, "kind": kind, "ip": ip})
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = str(target.address)

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = str(target.address)

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)  # the certificate must name the host


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """One POST; never raises (a failure is an Answer with its error). ``timeout`` bounds the connection, each
    read and the whole exchange."""
    started = time.monotonic()
    deadline = started + timeout
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = connection_class(target, timeout)

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        chunks, size = [], 0
        while size < EXCERPT_BYTES and time.monotonic() < deadline:
            chunk = response.read1(EXCERPT_BYTES - size) if hasattr(response, "read1") else b""
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        excerpt = b"".join(chunks).decode("utf-8", errors="replace")
        status = response.status
    except TimeoutError:
        return Answer(None, elapsed(), error=gettext("Hết thời gian chờ (%(seconds)s giây).") % {"seconds": timeout})
    except ssl.SSLError as exc:
        return Answer(None, elapsed(), error=gettext("Lỗi TLS/HTTPS: %(error)s") % {"error": exc})
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, elapsed(), error=gettext("Không kết nối được: %(error)s") % {
            "error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()
    error = ""
    if 300 <= status < 400:
        error = gettext("Nơi nhận trả lời chuyển hướng (HTTP %(status)s) tới “%(location)s”; webhook không đi theo "
                        "chuyển hướng: hãy sửa địa chỉ nhận.") % {
            "status": status, "location": response.getheader("Location", "")[:200]}
    elif not 200 <= status < 300:
        error = gettext("Nơi nhận trả lời HTTP %(status)s.") % {"status": status}
    return Answer(status, elapsed(), excerpt=excerpt, error=error)
