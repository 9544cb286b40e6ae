"""Configuring webhooks in the admin: addresses that would reach this server or an internal network are refused to
administrators (at save time and again at sending time, so a name that changes its answer cannot slip through)
and allowed to superusers; bad input is named field by field and writes nothing; the secret is shown once, then
only to its creator or a superuser; the auditor reads but neither tests nor edits; "Gửi thử" really sends."""
from __future__ import annotations

import html
import socket

import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.core.errors import ServiceError
from housing_campaign.webhooks.models import Webhook, WebhookDelivery
from housing_campaign.webhooks.services import webhook_create
from housing_campaign.webhooks.signing import verify_signature
from tests.conftest import PASSWORD, make_user, new_case, transition
from tests.webhooks.conftest import new_webhook

pytestmark = pytest.mark.django_db
PUBLIC_NAME = "tich-hop.example.vn"
PUBLIC_IP = "203.113.131.5"  # a public address (never connected to: see the rebinding test)


@pytest.fixture
def dns(monkeypatch):
    """Name resolution, which would leave the machine, answered here: ``dns[name] = [addresses]``; every other
    name (localhost ...) is resolved by the system as usual."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                    for a in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _data(url, **overrides):
    return {"name": "Sở Xây dựng", "url": url, "doctypes": ["housing_case"], "events": ["transition"],
            "is_active": True, **overrides}


@pytest.mark.parametrize("url, kind", [
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://localhost:8000/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://0.0.0.0/hook", "dành riêng"),
    ("http://10.20.30.40/hook", "mạng nội bộ"),
    ("http://192.168.1.5/hook", "mạng nội bộ"),
    ("http://172.16.0.9/hook", "mạng nội bộ"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://224.0.0.1/hook", "multicast"),
    ("http://100.64.0.1/hook", "Internet công cộng"),
])
def test_internal_addresses_are_refused_to_an_administrator_and_allowed_to_a_superuser(people, root, url, kind):
    with pytest.raises(ServiceError) as refused:
        webhook_create(actor_user=people.admin, data=_data(url))
    message = refused.value.errors["url"][0]
    assert kind in message and "không được phép" in message and "superuser" in message
    assert not Webhook.objects.exists()
    webhook, _secret = webhook_create(actor_user=root, data=_data(url))
    assert webhook.private_network_allowed


def test_a_name_resolving_inside_is_refused_and_a_public_one_allowed(people, dns, settings):
    dns["noi-bo.example.vn"] = ["93.184.216.34", "10.0.0.7"]  # one bad address is enough to refuse
    with pytest.raises(ServiceError, match="10.0.0.7"):
        webhook_create(actor_user=people.admin, data=_data("https://noi-bo.example.vn/hook"))
    dns[PUBLIC_NAME] = [PUBLIC_IP]
    webhook, secret = webhook_create(actor_user=people.admin, data=_data(f"https://{PUBLIC_NAME}/hc"))
    assert not webhook.private_network_allowed and secret.startswith("whsec_") and len(secret) > 40
    # A network the site lists (the province's integration server) is allowed to administrators.
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    webhook_create(actor_user=people.admin, data=_data("http://10.20.30.40/hook"))


def test_a_name_that_turns_inside_after_the_check_is_refused_when_sending(people, campaign, dns, receiver, run_here,
                                                                         settings):
    """DNS rebinding: public when saved, loopback when sending: the attempt is refused before any connection."""
    dns[PUBLIC_NAME] = [PUBLIC_IP]
    port = receiver.url.split(":")[2].split("/")[0]
    webhook, _secret = webhook_create(actor_user=people.admin, data=_data(f"http://{PUBLIC_NAME}:{port}/hc-events"))
    dns[PUBLIC_NAME] = ["127.0.0.1"]
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "retry" and delivery.last_status is None
    assert "loopback" in delivery.attempt_log.get().error


@pytest.mark.parametrize("url, fragment", [
    ("", "Chưa nhập địa chỉ"),
    ("không phải địa chỉ", "khoảng trắng"),
    ("ftp://tich-hop.example.vn/x", "http:// hoặc https://"),
    ("https://", "thiếu tên máy chủ"),
    ("https://user:pass@tich-hop.example.vn/x", "mật khẩu"),
    ("https://tich-hop.example.vn:99999/x", "không hợp lệ"),
    ("https://khong-ton-tai.invalid/x", "Không tìm thấy máy chủ"),
    ("https://" + "a" * 600 + ".vn/", "tối đa 500"),
])
def test_bad_urls_are_named(people, dns, url, fragment):
    dns["khong-ton-tai.invalid"] = []
    with pytest.raises(ServiceError) as refused:
        webhook_create(actor_user=people.admin, data=_data(url))
    assert fragment in refused.value.errors["url"][0]


def _admin(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_admin_form_names_every_bad_field_and_writes_nothing(people, dns):
    client = _admin(people.admin)
    add = reverse("admin:webhooks_webhook_add")
    assert client.get(add).status_code == 200
    page = client.post(add, {"name": "", "url": "http://127.0.0.1/hook", "is_active": "on"})
    text = page.content.decode()
    assert page.status_code == 200
    for expected in ("Chưa nhập tên webhook.", "Chọn ít nhất một loại hồ sơ.", "Chọn ít nhất một sự kiện.",
                     "loopback"):
        assert expected in text
    page = client.post(add, {"name": "A", "url": "không phải url", "doctypes": ["housing_case"],
                             "events": ["created"], "actions": ["approve"]})
    text = page.content.decode()
    assert "khoảng trắng" in text and "Chỉ lọc theo thao tác khi đã chọn sự kiện" in text
    page = client.post(add, {"name": "A", "url": "https://x.example.vn", "doctypes": ["ghost"],
                             "events": ["exploded"]})
    assert page.status_code == 200 and page.content.decode().count('class="errorlist') >= 2  # unknown choices
    page = client.post(add, {"name": "A", "url": "https://x.example.vn", "doctypes": ["commendation"],
                             "events": ["certificate_issued"]})
    assert "chỉ có ở hồ sơ hỗ trợ nhà ở" in page.content.decode()
    assert not Webhook.objects.exists()


def test_the_secret_is_shown_once_then_only_to_its_creator_or_a_superuser(people, root, dns):
    dns[PUBLIC_NAME] = [PUBLIC_IP]
    client = _admin(people.admin)
    page = client.post(reverse("admin:webhooks_webhook_add"), {
        "name": "Ngân hàng CSXH", "url": f"https://{PUBLIC_NAME}/hc", "doctypes": ["housing_case"],
        "events": ["transition", "certificate_issued"], "actions": ["approve"], "is_active": "on"})
    assert page.status_code == 200
    webhook = Webhook.objects.get()
    assert webhook.created_by == people.admin and webhook.actions == ["approve"]
    assert webhook.events == ["transition", "certificate_issued"]
    assert webhook.secret in page.content.decode()  # shown once, on the page answering the creation
    change = reverse("admin:webhooks_webhook_change", args=[webhook.pk])
    secret_page = reverse("admin:webhooks_webhook_secret", args=[webhook.pk])
    page = client.get(change)
    assert page.status_code == 200 and webhook.secret not in page.content.decode()
    assert "Gửi thử" in page.content.decode() and secret_page in page.content.decode()
    assert webhook.secret not in client.get(secret_page).content.decode()  # asked for with a POST only
    assert webhook.secret in client.post(secret_page, {"op": "reveal"}).content.decode()
    rotated = client.post(secret_page, {"op": "rotate"}).content.decode()
    old = webhook.secret
    webhook.refresh_from_db()
    assert webhook.secret != old and webhook.secret in rotated
    assert webhook.secret in _admin(root).post(secret_page, {"op": "reveal"}).content.decode()

    # The auditor reads the webhook (names, not codes), never its secret, never a test send or an edit.
    auditor = _admin(people.auditor)
    page = auditor.get(change)
    assert page.status_code == 200 and webhook.secret not in page.content.decode()
    assert "Gửi thử" not in page.content.decode() and "Hồ sơ hỗ trợ nhà ở" in page.content.decode()
    assert auditor.get(secret_page).status_code == 403
    assert auditor.post(secret_page, {"op": "reveal"}).status_code == 403
    assert auditor.post(reverse("admin:webhooks_webhook_test", args=[webhook.pk])).status_code == 403
    assert auditor.post(change, {"name": "x", "url": webhook.url}).status_code == 403
    changelist = auditor.get(reverse("admin:webhooks_webhook_changelist"))
    assert changelist.status_code == 200 and "send_test" not in changelist.content.decode()
    assert not WebhookDelivery.objects.exists()

    # Another administrator neither sees nor touches it.
    other = make_user("admin_2", "administrator", "62", staff=True)
    other_client = _admin(other)
    assert "Ngân hàng CSXH" not in other_client.get(reverse("admin:webhooks_webhook_changelist")).content.decode()
    assert other_client.get(change).status_code == 302  # "does not exist" for them
    assert other_client.post(secret_page, {"op": "reveal"}).status_code == 404
    assert other_client.post(reverse("admin:webhooks_webhook_test", args=[webhook.pk])).status_code == 404


def test_send_test_button_and_action_deliver_a_signed_ping(people, root, receiver):
    webhook, secret = new_webhook(root, receiver.url)
    client = _admin(root)
    page = client.post(reverse("admin:webhooks_webhook_test", args=[webhook.pk]), follow=True)
    assert "nơi nhận trả lời HTTP 200" in page.content.decode()
    got = receiver.requests[0]
    verify_signature(secret=secret, body=got.body, header=got.headers["X-HC-Signature"])
    assert got.json["event"] == "ping" and got.json["webhook"]["name"] == "Sở Xây dựng" and got.json["actor"] == "root"
    receiver.default = 500
    page = client.post(reverse("admin:webhooks_webhook_changelist"),
                       {"action": "send_test", "_selected_action": [webhook.pk]}, follow=True)
    assert "không thành công" in page.content.decode() and "HTTP 500" in page.content.decode()
    assert list(WebhookDelivery.objects.order_by("pk").values_list("event", "status")) == [
        ("ping", "delivered"), ("ping", "failed")]
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0 and webhook.is_active  # a test is not counted against the webhook
    # The delivery log shows both, with the attempts.
    log = client.get(reverse("admin:webhooks_webhookdelivery_changelist")).content.decode()
    assert "ping" in log and "500" in log
    delivery = WebhookDelivery.objects.get(status="failed")
    detail = html.unescape(client.get(reverse("admin:webhooks_webhookdelivery_change",
                                              args=[delivery.pk])).content.decode())
    assert "HTTP 500" in detail and '"event": "ping"' in detail


def test_redirects_are_not_followed_and_a_slow_receiver_times_out(root, receiver, settings):
    from housing_campaign.webhooks.services import webhook_send_test

    webhook, _secret = new_webhook(root, receiver.url)
    receiver.default = 302
    delivery = webhook_send_test(actor_user=root, webhook_id=webhook.pk)
    assert delivery.status == "failed" and delivery.last_status == 302 and len(receiver.requests) == 1
    assert "không đi theo chuyển hướng" in delivery.last_error and "169.254.169.254" in delivery.last_error
    receiver.default, receiver.delay = 200, 2.0
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    delivery = webhook_send_test(actor_user=root, webhook_id=webhook.pk)
    assert delivery.status == "failed" and delivery.last_status is None
    assert "Hết thời gian chờ (0.5 giây)" in delivery.last_error and delivery.last_duration_ms < 1900
