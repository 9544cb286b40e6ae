"""The desk's feedback pages (issue 13, items 4 and 5): who sees what, the combined form, bad input through the
page, the report's figures against a direct computation, the Excel export, query counts, the queue box, the
case page panel and the notification links."""
from __future__ import annotations

import datetime as dt
import io
import statistics

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing_campaign.feedback.models import Feedback
from tests.conftest import HOME, PASSWORD, unit
from tests.feedback.helpers import act, answered, posted_case, submit

pytestmark = pytest.mark.django_db

SENDER = {"sender_name": "Nguyễn Thị Lan", "sender_phone": "0912345678"}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _photo():
    from tests.funding.helpers import photo_upload

    return photo_upload("anh.jpg")


def test_every_page_for_every_role_and_nobody(people, campaign):
    feedback = submit(photo=_photo(), **SENDER)
    urls = [reverse("feedback:list"), reverse("feedback:export"), reverse("feedback:detail", args=[feedback.pk]),
            reverse("feedback:photo", args=[feedback.pk])]
    for url in urls:
        response = client_for(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    inside = [people.officer, people.chairman, people.reviewer, people.finance, people.inspector, people.front,
              people.council[0], people.admin, people.auditor]
    for user in inside:
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
        assert client.get(reverse("feedback:act", args=[feedback.pk])).status_code == 405
    outsider = client_for(people.officer_b)
    assert outsider.get(urls[2]).status_code == 404 and outsider.get(urls[3]).status_code == 404
    assert feedback.code not in outsider.get(urls[0]).content.decode()
    response = outsider.post(reverse("feedback:act", args=[feedback.pk]), {"action": "assign"})
    assert response.status_code == 404
    feedback.refresh_from_db()
    assert feedback.state == "received"
    assert client_for(people.officer).get(reverse("feedback:detail", args=[999999])).status_code == 404


def test_sender_shown_only_to_handlers_on_the_detail_page(people, campaign):
    feedback = submit(**SENDER)
    detail = reverse("feedback:detail", args=[feedback.pk])
    for user in (people.officer, people.chairman):
        page = client_for(user).get(detail).content.decode()
        assert SENDER["sender_name"] in page and SENDER["sender_phone"] in page
    for user in (people.reviewer, people.auditor, people.finance, people.admin):
        page = client_for(user).get(detail).content.decode()
        assert SENDER["sender_name"] not in page and SENDER["sender_phone"] not in page, user
    listing = client_for(people.officer).get(reverse("feedback:list")).content.decode()
    assert feedback.code in listing and SENDER["sender_name"] not in listing and SENDER["sender_phone"] not in listing


def test_text_is_escaped(people, campaign):
    feedback = submit(text='<script>alert("x")</script> hộ này không đúng đối tượng')
    page = client_for(people.officer).get(reverse("feedback:detail", args=[feedback.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def _post(client, feedback, **data):
    feedback.refresh_from_db()
    payload = {"lock_version": feedback.lock_version, "expected_state": feedback.state, **data}
    return client.post(reverse("feedback:act", args=[feedback.pk]), payload)


def test_handling_through_the_page(people, campaign):
    case, posting, entry = posted_case(people, campaign)
    feedback = submit(posting=posting, entry=entry)
    officer, chairman = client_for(people.officer), client_for(people.chairman)
    detail = reverse("feedback:detail", args=[feedback.pk])
    page = officer.get(detail).content.decode()
    assert "Giao xử lý" in page and "Đánh dấu tin rác" in page and 'name="with_form"' in page

    response = _post(officer, feedback, with_form="1", action="assign", assignee=people.officer.pk, answer="",
                     outcome="")
    assert response.status_code == 302 and response["Location"] == detail
    feedback.refresh_from_db()
    assert feedback.state == "assigned" and feedback.assignee == people.officer

    page = officer.get(detail).content.decode()
    assert "sẽ được công khai trên trang theo dõi" in page and 'name="confirm_publish"' in page

    answer = "Đoàn kiểm tra đã xác minh: hộ đúng đối tượng theo quy định."
    # without the tick: refused with a clear message, nothing saved
    response = _post(officer, feedback, with_form="1", action="answer", assignee=people.officer.pk, answer=answer,
                     outcome="rejected")
    assert response.status_code == 400
    page = response.content.decode()
    assert "hãy đánh dấu ô xác nhận" in page and "Chưa có gì thay đổi" in page and answer in page  # typed kept
    feedback.refresh_from_db()
    assert feedback.answer == "" and feedback.state == "assigned"

    with django_capture_on_commit():
        response = _post(officer, feedback, with_form="1", action="answer", assignee=people.officer.pk,
                         answer=answer, outcome="rejected", confirm_publish="1")
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.state == "answered" and feedback.answer == answer and feedback.answered_by == people.officer

    page = chairman.get(detail).content.decode()
    assert "Kết thúc, đã giải quyết xong" in page and answer in page
    with django_capture_on_commit():
        assert _post(chairman, feedback, action="close").status_code == 302
    feedback.refresh_from_db()
    assert feedback.state == "closed"

    case_page = officer.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert feedback.code in case_page and "đã thôi giữ hồ sơ" in case_page
    assert "Hồ sơ đang được giữ lại" not in case_page


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.mark.parametrize("data, message", [
    ({"answer": "a" * (1024 * 1024)}, "dài tối đa 4000 ký tự"),
    ({"assignee": "424242"}, "Chỉ giao được cho cán bộ hoặc chủ tịch"),
    ({"outcome": "<b>forged</b>"}, "Kết quả giải quyết không hợp lệ"),
])
def test_bad_input_through_the_page(people, campaign, data, message):
    feedback = submit()
    form = {"with_form": "1", "assignee": "", "answer": "", "outcome": "", **data}
    response = _post(client_for(people.officer), feedback, **form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(response.content) < 200_000  # the 1 MB answer is not echoed back whole
    feedback.refresh_from_db()
    assert (feedback.lock_version, feedback.answer, feedback.outcome, feedback.assignee) == (0, "", "", None)


def test_assignee_from_another_commune_and_stale_form_through_the_page(people, campaign):
    feedback = submit()
    officer = client_for(people.officer)
    response = _post(officer, feedback, with_form="1", assignee=people.chairman_b.pk, answer="", outcome="")
    assert response.status_code == 400 and "Chỉ giao được" in response.content.decode()
    response = officer.post(reverse("feedback:act", args=[feedback.pk]), {
        "with_form": "1", "assignee": "", "answer": "Trả lời", "outcome": "", "lock_version": "7",
        "expected_state": "received"})
    assert response.status_code == 409 and "người khác thay đổi" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.answer == "" and feedback.lock_version == 0


def test_spam_without_reason_through_the_page(people, campaign):
    feedback = submit()
    response = _post(client_for(people.officer), feedback, action="mark_spam")
    assert response.status_code == 400 and "bắt buộc ghi lý do" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.state == "received"
    response = _post(client_for(people.officer), feedback, action="mark_spam", **{"comment-mark_spam": "Quảng cáo"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.state == "spam"


def test_reviewer_reads_and_reopens_but_does_not_edit(people, campaign):
    feedback = submit()
    answered(people, feedback)
    reviewer = client_for(people.reviewer)
    page = reviewer.get(reverse("feedback:detail", args=[feedback.pk])).content.decode()
    assert 'name="with_form"' not in page and "Mở lại để trả lời lại" in page
    response = reviewer.post(reverse("feedback:act", args=[feedback.pk]), {
        "with_form": "1", "answer": "Sửa", "assignee": "", "outcome": "", "lock_version": "99"})
    assert response.status_code in (400, 409)
    feedback.refresh_from_db()
    assert feedback.answer.startswith("Đã kiểm tra")


def _make_many(people, n, *, answered_every=3):
    made = []
    kinds = list(Feedback.Kind.values)
    for i in range(n):
        f = submit(kind=kinds[i % len(kinds)], text=f"Phản ánh số {i} về danh sách hộ nghèo của xã.", client=f"c{i}")
        made.append(f)
    now = timezone.now()
    for i, f in enumerate(made):
        update = {"submitted_at": now - dt.timedelta(days=i + 1)}
        if i % answered_every == 0:
            update.update(state="answered", stage="feedback", answered_at=now - dt.timedelta(hours=i * 7),
                          outcome=["upheld", "rejected", "partly"][i % 3])
        Feedback.objects.filter(pk=f.pk).update(**update)
    return made


def test_report_figures_equal_a_direct_computation(people, campaign):
    from housing_campaign.feedback.reports import percentile

    _make_many(people, 14)
    other = submit(text="Phản ánh ở xã khác, không thuộc địa bàn.", client="o")
    Feedback.objects.filter(pk=other.pk).update(commune=unit("23347"), unit_path=unit("23347").path,
                                                unit_2025_path="")
    overdue = Feedback.objects.filter(state="received", unit_path__startswith=unit(HOME).path).first()
    Feedback.objects.filter(pk=overdue.pk).update(state_since=timezone.now() - dt.timedelta(days=9))
    response = client_for(people.officer).get(reverse("feedback:list"))
    summary = response.context["summary"]
    mine = Feedback.objects.filter(unit_path__startswith=unit(HOME).path)
    assert summary["total"] == mine.count() == 14
    assert {r["code"]: r["count"] for r in summary["by_kind"]} == {
        k: mine.filter(kind=k).count() for k in Feedback.Kind.values if mine.filter(kind=k).exists()}
    assert {r["code"]: r["count"] for r in summary["by_outcome"]} == {
        o: mine.filter(outcome=o).count() for o in set(mine.values_list("outcome", flat=True))}
    assert [(r["name"], r["count"]) for r in summary["by_commune"]] == [(unit(HOME).name, 14)]
    assert summary["overdue"] == 1
    days = [(f.answered_at - f.submitted_at).total_seconds() / 86400 for f in mine.filter(answered_at__isnull=False)]
    assert summary["answered"] == len(days) == 5
    assert summary["median_days"] == round(statistics.median([round(d, 1) for d in days]), 1)
    assert summary["p90_days"] == round(percentile([round(d, 1) for d in days], 0.9), 1)
    # filters narrow every figure
    response = client_for(people.officer).get(reverse("feedback:list"), {"kind": "other", "overdue": "1"})
    assert response.context["summary"]["total"] == mine.filter(kind="other", pk=overdue.pk).count()
    response = client_for(people.officer).get(reverse("feedback:list"), {"sent_from": "32/13/2025"})
    assert response.status_code == 200 and response.context["summary"]["total"] == 14
    assert "dd/mm/yyyy" in response.content.decode()
    day = (timezone.localdate() - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    response = client_for(people.officer).get(reverse("feedback:list"), {"sent_from": day, "sent_to": day})
    assert response.context["summary"]["total"] == 1


def test_excel_export_matches_the_list(people, campaign):
    from openpyxl import load_workbook

    case, posting, entry = posted_case(people, campaign)
    held = submit(posting=posting, entry=entry, **SENDER)
    answered(people, held)
    Feedback.objects.filter(pk=held.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
    plain = submit(kind="money_not_received", text="Chưa nhận được tiền hỗ trợ đợt 2.", client="x")
    response = client_for(people.officer).get(reverse("feedback:export"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "Mã theo dõi" and header[-1] == "Số ngày đến khi trả lời"
    by_code = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert set(by_code) == {held.code, plain.code}
    row = by_code[held.code]
    assert row["Mã hồ sơ liên quan"] == case.code and row["Giữ hồ sơ"] == "Có"
    assert row["Trạng thái"] == "Đã trả lời" and row["Kết quả giải quyết"] == "Phản ánh không đúng"
    assert row["Người được giao"] == "Officer_A" and row["Xã"] == unit(HOME).name
    assert 2.9 <= row["Số ngày đến khi trả lời"] <= 3.1
    assert by_code[plain.code]["Nội dung phản ánh về"] == "Chưa nhận được tiền, vật liệu hỗ trợ"
    assert by_code[plain.code]["Số ngày đến khi trả lời"] is None
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert SENDER["sender_name"] not in flat and SENDER["sender_phone"] not in flat
    # the filters apply to the export
    response = client_for(people.officer).get(reverse("feedback:export"), {"holds": "yes"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [held.code]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx)


def test_query_counts_do_not_grow_with_rows(people, campaign):
    client = client_for(people.officer)
    _make_many(people, 3)
    urls = (reverse("feedback:list"), reverse("feedback:export"), reverse("desk:queue"))
    for url in urls:  # warm the caches (workflow definitions, roles, the queue's cached counts)
        _queries(client, url)
    few = {url: _queries(client, url) for url in urls}
    _make_many(people, 25)
    from django.core.cache import cache

    cache.clear()
    for url in urls:
        _queries(client, url)
    many = {url: _queries(client, url) for url in urls}
    assert many == few, (few, many)


def test_queue_box_and_notification_links(people, campaign):
    feedback = submit()
    late = submit(text="Phản ánh đã quá hạn xử lý từ lâu.", client="late")
    Feedback.objects.filter(pk=late.pk).update(state_since=timezone.now() - dt.timedelta(days=6))
    page = client_for(people.officer).get(reverse("desk:queue")).content.decode()
    assert "Phản ánh cần xử lý" in page
    assert page.index(late.code) < page.index(feedback.code)  # overdue first
    assert "Phản ánh cần xử lý" not in client_for(people.finance).get(reverse("desk:queue")).content.decode()
    assert "Phản ánh cần xử lý" not in client_for(people.officer_b).get(reverse("desk:queue")).content.decode()

    act(people, people.officer, feedback, "assign")  # notifies the chairman
    chairman = client_for(people.chairman)
    link = reverse("feedback:detail", args=[feedback.pk])
    assert f'href="{link}"' in chairman.get(reverse("desk:notifications")).content.decode()
    assert f'href="{link}"' in chairman.get(reverse("desk:queue")).content.decode()
    assert reverse("desk:case", args=[feedback.pk]) not in chairman.get(reverse("desk:notifications")).content.decode()


def test_case_page_says_the_case_is_held(people, campaign):
    case, posting, entry = posted_case(people, campaign)
    feedback = submit(posting=posting, entry=entry)
    page = client_for(people.chairman).get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "Phản ánh của người dân" in page and feedback.code in page
    assert "Hồ sơ đang được giữ lại: còn 1 phản ánh" in page
    assert reverse("feedback:detail", args=[feedback.pk]) in page


def test_photo_is_served_only_through_the_checked_view(people, campaign):
    feedback = submit(photo=_photo())
    response = client_for(people.officer).get(reverse("feedback:photo", args=[feedback.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client_for(people.officer).get(reverse("feedback:detail", args=[feedback.pk])).content.decode()
    assert feedback.photo.url not in page
    no_photo = submit(text="Phản ánh không kèm ảnh nào cả.", client="n")
    assert client_for(people.officer).get(reverse("feedback:photo", args=[no_photo.pk])).status_code == 404


def test_menu_has_feedback(people, campaign):
    page = client_for(people.officer).get(reverse("desk:queue")).content.decode()
    assert f'href="{reverse("feedback:list")}"' in page
    assert PASSWORD  # noqa: S101 - the shared password is what the browser tests log in with
