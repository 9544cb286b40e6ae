"""Production-safe defaults: debug off unless a site turns it on, ALLOWED_HOSTS from the base URL,
HTTPS-only cookies, HSTS and a Content-Security-Policy when served over HTTPS, and
`manage.py check --deploy` failing on a QR base URL that no phone can open."""
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from housing_campaign.config import site as site_module

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k, None) for k in (
    "DEBUG", "ALLOWED_HOSTS", "SITE_BASE_URL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "CONTENT_SECURITY_POLICY")}))
"""


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "BASE_URL", "ALLOWED_HOSTS", "SITE", "HC_PROJECT_ROOT", "DATABASE_URL",
                        "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DJANGO_SETTINGS_MODULE": "housing_campaign.config.settings",
                "SECRET_KEY": secrets.token_urlsafe(50), **extra})
    return env


def site_root(tmp_path, name: str, toml: str) -> Path:
    folder = tmp_path / "sites" / name
    folder.mkdir(parents=True)
    (folder / "site_config.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "manage.py").write_text("")
    return tmp_path


def probe_settings(env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", SETTINGS_PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_default_site_has_debug_off_and_only_loopback_hosts(monkeypatch):
    for name in ("DEBUG", "BASE_URL", "ALLOWED_HOSTS", "SITE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HC_PROJECT_ROOT", str(ROOT))
    site = site_module.load_site()
    assert site.name == "default" and site.debug is False
    assert "*" not in site.allowed_hosts
    assert set(site.allowed_hosts) == {"127.0.0.1", "localhost", "[::1]"}
    monkeypatch.setenv("DEBUG", "1")  # a developer's explicit choice still works
    assert site_module.load_site().debug is True


def test_allowed_hosts_follow_the_base_url():
    assert site_module.allowed_hosts_for("https://nhatam.kontum.gov.vn", []) == ["nhatam.kontum.gov.vn"]
    assert site_module.allowed_hosts_for("https://nhatam.kontum.gov.vn/", ["10.0.0.5"]) == \
        ["nhatam.kontum.gov.vn", "10.0.0.5"]
    assert site_module.allowed_hosts_for("http://localhost:8812", []) == ["localhost", "127.0.0.1", "[::1]"]


def test_https_site_gets_secure_cookies_hsts_and_csp(tmp_path):
    root = site_root(tmp_path, "prod", '[site]\nbase_url = "https://nhatam.kontum.gov.vn"\n'
                                       'allowed_hosts = ["app1.internal"]\nproxy_ssl_header = "X-Forwarded-Proto"\n')
    values = probe_settings(clean_env(HC_PROJECT_ROOT=str(root), SITE="prod"))
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["nhatam.kontum.gov.vn", "app1.internal"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    csp = values["CONTENT_SECURITY_POLICY"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_plain_http_site_sets_no_https_only_headers(tmp_path):
    root = site_root(tmp_path, "lan", '[site]\nbase_url = "http://127.0.0.1:8000"\n')
    values = probe_settings(clean_env(HC_PROJECT_ROOT=str(root), SITE="lan"))
    assert not values["SESSION_COOKIE_SECURE"] and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None and not values["CONTENT_SECURITY_POLICY"]


def run_check_deploy(root: Path, base_url: str):
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env=clean_env(HC_PROJECT_ROOT=str(root), SITE="s", BASE_URL=base_url))


@pytest.mark.parametrize("base_url, error", [
    ("http://127.0.0.1:8000", "housing_campaign.E001"),
    ("https://localhost", "housing_campaign.E001"),
    ("http://nhatam.kontum.gov.vn", "housing_campaign.E002"),
])
def test_check_deploy_fails_on_loopback_or_plain_http_base_url(tmp_path, base_url, error):
    out = run_check_deploy(site_root(tmp_path, "s", "[site]\n"), base_url)
    assert out.returncode != 0, out.stdout + out.stderr
    assert error in out.stderr and "ERRORS" in out.stderr


def test_check_deploy_passes_a_public_https_base_url(tmp_path):
    out = run_check_deploy(site_root(tmp_path, "s", "[site]\n"), "https://nhatam.kontum.gov.vn")
    assert out.returncode == 0, out.stdout + out.stderr
    assert not re.search(r"housing_campaign\.E\d+", out.stdout + out.stderr)
