"""Host names of URLs (plain functions: the settings loader uses them before Django starts)."""
from __future__ import annotations

from urllib.parse import urlparse


def url_host(url: str) -> str:
    """The host name of ``url``, lower case, without port or IPv6 brackets ("" when there is none)."""
    try:
        return (urlparse(url).hostname or "").lower()
    except ValueError:
        return ""


def is_loopback_host(host: str) -> bool:
    """True for names that only reach the machine itself (127.0.0.0/8, ::1, localhost) and for the
    "any address" placeholders (0.0.0.0, ::), which no phone can open either."""
    host = host.strip("[]").lower()
    if host.endswith(".localhost") or host in ("localhost", "::1", "0:0:0:0:0:0:0:1", "0.0.0.0", "::"):
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)
