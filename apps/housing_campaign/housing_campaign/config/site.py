"""Load one deployment's configuration from ``sites/<name>/site_config.toml`` and the environment.

The environment wins over the file so that CI and containers can override a committed example
without editing it. ``sites/default`` works with no configuration at all.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from housing_campaign.core.hosts import is_loopback_host, url_host

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def allowed_hosts_for(base_url: str, explicit: list[str]) -> list[str]:
    """Django's ALLOWED_HOSTS: the base URL's host, the site's explicit list, and the loopback names
    when the base URL is itself a loopback address (a development server)."""
    hosts: list[str] = []
    base_host = url_host(base_url)
    if base_host:
        hosts.append(f"[{base_host}]" if ":" in base_host else base_host)
    hosts.extend(h for h in explicit if h)
    if not base_host or is_loopback_host(base_host):
        hosts.extend(["127.0.0.1", "localhost", "[::1]"])
    return list(dict.fromkeys(hosts))


def find_project_root() -> Path:
    env_root = os.environ.get("HC_PROJECT_ROOT")
    if env_root:
        return Path(env_root).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "sites").is_dir() and (candidate / "manage.py").exists():
            return candidate
    # Installed non-editable: fall back to the source checkout layout.
    return Path(__file__).resolve().parents[4]


@dataclass
class SiteConfig:
    name: str
    root: Path
    folder: Path
    database: dict
    base_url: str
    language: str
    time_zone: str
    files_dir: Path
    storage: dict = field(default_factory=dict)
    broker_url: str = ""
    debug: bool = False
    allowed_hosts: list[str] = field(default_factory=list)
    secret_key: str = ""
    raw: dict = field(default_factory=dict)  # the whole file, for settings that read their own table


def parse_database_url(url: str, site_folder: Path) -> dict:
    """Turn ``postgres://user:pw@host:port/name`` or ``sqlite:///file`` into Django's DATABASES entry."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in ("sqlite", "sqlite3"):
        # sqlite:///name is relative to the site folder; sqlite:////abs/path is absolute.
        raw = unquote(parsed.netloc + parsed.path)
        path = Path(raw[1:]) if raw.startswith("//") else site_folder / (raw.lstrip("/") or "db.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "housing_campaign",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"Unsupported database URL scheme: {scheme!r}")


def _secret_key(folder: Path) -> str:
    """Generated once per site into the site folder (ignored by git), never committed."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = folder / "secret_key.txt"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _explicit_hosts(site: dict) -> list[str]:
    env = os.environ.get("ALLOWED_HOSTS")
    if env is not None:
        return [h.strip() for h in env.split(",") if h.strip()]
    return [str(h) for h in site.get("allowed_hosts", [])]


def load_site() -> SiteConfig:
    root = find_project_root()
    name = os.environ.get("SITE", "default")
    folder = root / "sites" / name
    config: dict = {}
    config_file = folder / "site_config.toml"
    if config_file.exists():
        config = tomllib.loads(config_file.read_text(encoding="utf-8"))
    site = config.get("site", {})
    db_url = os.environ.get("DATABASE_URL") or config.get("database", {}).get("url") or "sqlite:///db.sqlite3"
    files = config.get("files", {})
    files_dir = Path(files.get("path", "files"))
    if not files_dir.is_absolute():
        files_dir = folder / files_dir
    # Debug shows every URL pattern and, on an error, the submitted data: off unless a development
    # site (or DEBUG=1 in the environment) turns it on.
    debug_env = os.environ.get("DEBUG")
    debug = bool(site.get("debug", False)) if debug_env is None else debug_env.lower() in ("1", "true", "yes")
    base_url = (os.environ.get("BASE_URL") or site.get("base_url") or "http://127.0.0.1:8000").rstrip("/")
    return SiteConfig(
        name=name,
        root=root,
        folder=folder,
        database=parse_database_url(db_url, folder),
        base_url=base_url,
        language=os.environ.get("LANGUAGE_CODE") or site.get("language", "vi"),
        time_zone=site.get("time_zone", "Asia/Ho_Chi_Minh"),
        files_dir=files_dir,
        storage=files,
        broker_url=os.environ.get("CELERY_BROKER_URL") or config.get("jobs", {}).get("broker_url", ""),
        debug=debug,
        allowed_hosts=allowed_hosts_for(base_url, _explicit_hosts(site)),
        secret_key=_secret_key(folder),
        raw=config,
    )
