"""The QR base URL is right or loudly wrong: `make run` puts the address it serves into the QR codes,
the admin shows it, and issuing a certificate with a loopback base URL while the site is reached under
another name warns the user on the page."""
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.config import site as site_module
from housing_campaign.printing.services import issued_document_pdf
from tests.certificates.test_verify import qr_from_pdf
from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
WARNING = "Cảnh báo: mã QR trên giấy chứng nhận trỏ tới"


def make_run_commands(port: int) -> list[str]:
    """The commands `make run` would run for PORT=<port> (make -n prints them without running any)."""
    out = subprocess.run(["make", "-n", "run", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_qr_on_a_certificate_issued_under_make_run_points_at_the_served_address(people, campaign, settings,
                                                                                 monkeypatch):
    serve = next(line for line in make_run_commands(8812) if " runserver " in line)
    base_url = re.search(r"\bBASE_URL=(\S+)", serve).group(1)
    served_address = serve.split(" runserver ")[1].split()[-1]
    assert served_address == "127.0.0.1:8812" and base_url == f"http://{served_address}"
    # The settings `manage.py runserver` reads with that environment.
    monkeypatch.setenv("BASE_URL", base_url)
    monkeypatch.setenv("HC_PROJECT_ROOT", str(ROOT))
    monkeypatch.delenv("SITE", raising=False)
    settings.SITE_BASE_URL = site_module.load_site().base_url

    case = advance(people, new_case(people, campaign), "posting")
    certificate = case.certificates.get()
    url = qr_from_pdf(issued_document_pdf(certificate.document))
    assert url.startswith(f"http://127.0.0.1:8812/verify/{certificate.code}?t=")


def login(username, **extra) -> Client:
    client = Client(**extra)
    assert client.login(username=username, password=PASSWORD)
    return client


def test_admin_index_shows_the_qr_base_url_and_warns_when_loopback(people, settings):
    client = login("admin_kt")
    page = client.get(reverse("admin:index")).content.decode()
    assert "Địa chỉ trong mã QR của giấy chứng nhận" in page and "http://127.0.0.1:8000/verify/" in page
    assert "chỉ mở được trên chính máy chủ" in page
    settings.SITE_BASE_URL = "https://nhatam.kontum.gov.vn"
    page = client.get(reverse("admin:index")).content.decode()
    assert "https://nhatam.kontum.gov.vn/verify/" in page and "chỉ mở được trên chính máy chủ" not in page


def hand_over(people, campaign, client, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from housing_campaign.cases.services import handover_record

    case = advance(people, new_case(people, campaign), "handover")
    handover_record(actor=people.actor(people.officer), case_id=case.pk, handed_over_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:case_transition", args=[case.pk]),
                                {"action": "hand_over", "expected_state": case.state}, follow=True)
    assert case.certificates.filter(status="valid").exists()
    return response.content.decode()


def test_handover_with_loopback_base_url_reached_from_another_host_warns(people, campaign, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "192.168.1.20"]
    text = hand_over(people, campaign, login("chairman_a", HTTP_HOST="192.168.1.20:8000"),
                     django_capture_on_commit_callbacks)
    assert WARNING in text and "http://127.0.0.1:8000" in text and "192.168.1.20" in text


def test_no_warning_on_the_server_itself_or_with_a_public_base_url(people, campaign, settings,
                                                                  django_capture_on_commit_callbacks):
    text = hand_over(people, campaign, login("chairman_a", HTTP_HOST="127.0.0.1:8000"),
                     django_capture_on_commit_callbacks)
    assert "Bàn giao" in text or "bàn giao" in text
    assert WARNING not in text
    settings.SITE_BASE_URL = "https://nhatam.kontum.gov.vn"
    text = hand_over(people, campaign, login("chairman_a"), django_capture_on_commit_callbacks)
    assert WARNING not in text


def test_reissue_and_certificate_batch_warn_too(people, campaign, settings, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    case = advance(people, new_case(people, campaign), "posting")
    certificate = case.certificates.get()
    client = login("chairman_a")  # the test client's host, "testserver", is not the server itself
    response = client.post(reverse("desk:certificate_action", args=[case.pk, certificate.pk]),
                           {"op": "reissue", "reason": "In sai tên thôn"}, follow=True)
    assert "Đã cấp lại giấy chứng nhận" in response.content.decode() and WARNING in response.content.decode()

    from housing_campaign.core import jobs
    from housing_campaign.desk import printing as desk_printing

    monkeypatch.setattr(desk_printing, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))
    monkeypatch.setattr(desk_printing, "_workers", lambda n: 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:batch_print"), {"format": "handover_certificate", "output": "pdf",
                                                             "commune": str(case.commune_id)}, follow=True)
    assert WARNING in response.content.decode()
