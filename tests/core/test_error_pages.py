"""Plain Vietnamese error pages: no URL list on a 404, no trace or submitted data on a 500 (only an
incident reference, whose trace is in the log), Vietnamese 400 and 403; personal-data pages are
never stored by browsers; scripts only from the site so the Content-Security-Policy holds."""
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db

CCCD = "062085012345"


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"


def test_500_shows_an_incident_reference_and_logs_the_trace(error_urls, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.post("/test-broken/", {"national_id": CCCD, "head_name": "Y Bluêh"})
    text = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in text and "mã sự cố" in text
    reference = re.search(r'<span class="ref">([0-9]{8}-[0-9A-F]{8})</span>', text).group(1)
    for leaked in (CCCD, "Y Bluêh", "Traceback", "RuntimeError", "survey form broke", "test-broken"):
        assert leaked not in text
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError


def test_anonymous_404_is_plain_vietnamese_without_url_patterns():
    response = Client().get("/khong-co-trang-nay/")
    text = response.content.decode()
    assert response.status_code == 404 and "Không tìm thấy trang" in text
    for leaked in ("desk/", "admin/", "verify/", "URLconf", "Page not found", "Using the URLconf"):
        assert leaked not in text


def test_404_from_a_view_keeps_its_vietnamese_message(people, campaign):
    client = Client()
    client.login(username="officer_b", password=PASSWORD)
    case = new_case(people, campaign)  # HOME commune: outside officer_b's territory
    response = client.get(reverse("desk:case", args=[case.pk]))
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()
    assert case.household.head_name not in response.content.decode()


def test_400_on_a_host_that_is_not_the_site():
    response = Client().get("/verify/ABC", HTTP_HOST="attacker.example")
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


def test_400_never_shows_djangos_own_english(people):
    """Django raises its own BadRequest for a form body that is not UTF-8: the page says the request was not
    valid, never Django's sentence for developers."""
    client = Client(raise_request_exception=False)
    response = client.post("/login/", data="username=%E9", content_type="application/x-www-form-urlencoded; "
                                                                     "charset=latin-1")
    text = response.content.decode()
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in text
    assert "UTF-8" not in text and "must be" not in text


def test_403_on_a_stale_form_is_vietnamese(people):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    text = response.content.decode()
    assert response.status_code == 403 and "Phiên làm việc đã hết hạn" in text and "CSRF" not in text


def test_desk_and_admin_pages_are_not_stored(people, campaign):
    case = new_case(people, campaign)
    client = Client()
    client.login(username="admin_kt", password=PASSWORD)
    for url in (reverse("desk:queue"), reverse("desk:case", args=[case.pk]), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", url


SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def inline_code(html: str) -> list[str]:
    """Script elements without src that a browser would run, and inline event handlers."""
    found = [attrs for attrs in SCRIPT.findall(html)
             if "src=" not in attrs and "application/json" not in attrs]
    return found + INLINE_HANDLER.findall(html)


def test_pages_run_under_the_https_content_security_policy(people, campaign, settings):
    """Over HTTPS the policy allows scripts from the site only: no page may depend on inline script."""
    settings.CONTENT_SECURITY_POLICY = settings.HTTPS_CONTENT_SECURITY_POLICY
    case = advance(people, new_case(people, campaign), "posting")
    client = Client()
    client.login(username="admin_kt", password=PASSWORD)
    pages = [reverse("desk:queue"), reverse("desk:case", args=[case.pk]), reverse("desk:case_new"),
             reverse("desk:batch_print"), reverse("admin:index"),
             reverse("admin:workflow_workflowdefinition_changelist"), reverse("admin:printing_printformat_changelist")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
        assert inline_code(response.content.decode()) == [], url
    anonymous = Client().get(reverse("login"))
    assert inline_code(anonymous.content.decode()) == []
