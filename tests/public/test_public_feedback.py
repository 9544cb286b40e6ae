"""Residents' feedback from the public pages (issue 13): the form of a commune, the page with the tracking
code, the tracking page and its lookup; abuse limits (rate per client, size, honeypot, time check,
duplicates); nothing personal on any public page; a complaint about a household on an open posting holds
its case until the complaint is closed."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from housing_campaign.core.errors import ServiceError
from housing_campaign.feedback.models import Feedback
from housing_campaign.postings.models import Posting
from tests.conftest import HOME, transition, unit
from tests.public.conftest import (
    ADDRESS,
    ETHNICITY,
    FULL_NAME,
    NATIONAL_ID,
    PHONE,
    SENDER_NAME,
    SENDER_PHONE,
    form_data,
    send,
)

pytestmark = pytest.mark.django_db
FORBIDDEN = (FULL_NAME, NATIONAL_ID, PHONE, ADDRESS, ETHNICITY, SENDER_NAME, SENDER_PHONE)


def about(listed, who="case"):
    entry = listed["posting"].entries.get(case=listed[who])
    return f"{listed['posting'].code}#{entry.number}"


def feedback_transition(people, user, feedback, action, comment=""):
    from housing_campaign.workflow.engine import document_transition

    with TestCase.captureOnCommitCallbacks(execute=True):
        return document_transition(actor=people.actor(user), doctype="feedback", object_id=feedback.pk,
                                   action=action, comment=comment)


def test_the_form_preselects_the_household_and_sets_the_csrf_cookie(listed):
    client = Client(enforce_csrf_checks=True)
    entry = listed["posting"].entries.get(case=listed["case"])
    response = client.get(f"/cong-khai/{HOME}/phan-anh/?niem-yet={listed['posting'].code}&ho={entry.number}")
    text = response.content.decode()
    assert response.status_code == 200 and "csrftoken" in response.cookies
    assert f'<option value="{about(listed)}" selected>' in text
    assert 'value="wrong_person" checked' in text
    assert "không công khai" in text and 'name="website"' in text and 'enctype="multipart/form-data"' in text
    assert FULL_NAME not in text and response["X-Robots-Tag"] == "noindex"
    # a no-referrer policy would make browsers post with "Origin: null", which the CSRF check refuses
    assert response.get("Referrer-Policy", "same-origin") != "no-referrer"
    # with the cookie and the token a resident's browser sends, the post goes through
    token = response.cookies["csrftoken"].value
    import re

    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    assert token
    sent = client.post(f"/cong-khai/{HOME}/phan-anh/?he=cu", {**form_data(about=about(listed)),
                                                              "csrfmiddlewaretoken": form_token})
    assert sent.status_code == 200 and Feedback.objects.count() == 1


def test_sending_shows_the_tracking_code_and_holds_the_case(listed):
    response = send(about=about(listed), name=SENDER_NAME, phone=SENDER_PHONE)
    text = response.content.decode()
    feedback = Feedback.objects.get()
    assert response.status_code == 200 and feedback.code in text and f'href="/phan-anh/{feedback.code}/"' in text
    assert "chép lại" in text and response["Referrer-Policy"] == "no-referrer"
    assert feedback.case_id == listed["case"].pk and feedback.posting_id == listed["posting"].pk
    assert feedback.holds_case and feedback.sender_name == SENDER_NAME and feedback.sender_phone == SENDER_PHONE
    for value in FORBIDDEN:
        assert value not in text, value
    # the same text again from the same client (a reload): the first feedback, not a second one
    again = send(about=about(listed), name=SENDER_NAME, phone=SENDER_PHONE)
    assert feedback.code in again.content.decode() and Feedback.objects.count() == 1


def test_no_personal_data_on_any_public_page(listed, people):
    send(about=about(listed), name=SENDER_NAME, phone=SENDER_PHONE)
    sent_page = send(about=about(listed), name=SENDER_NAME, phone=SENDER_PHONE).content.decode()
    feedback = Feedback.objects.get()
    Feedback.objects.filter(pk=feedback.pk).update(answer="Đã kiểm tra, hộ đủ điều kiện.", outcome="rejected")
    feedback_transition(people, people.chairman, feedback, "answer")
    successor = unit(HOME).successor
    pages = {"sent": sent_page}
    for path in ("/cong-khai/", f"/cong-khai/{HOME}/", f"/cong-khai/{successor.code}/?he=2025",
                 f"/cong-khai/{HOME}/niem-yet/{listed['posting'].code}/", f"/cong-khai/{HOME}/phan-anh/",
                 f"/phan-anh/{feedback.code}/", "/phan-anh/"):
        response = Client().get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    for path, text in pages.items():
        for value in FORBIDDEN:
            assert value not in text, (path, value)
        assert feedback.text not in text, path  # what was sent stays between the sender and the commune
    assert "Đã kiểm tra, hộ đủ điều kiện." in pages[f"/phan-anh/{feedback.code}/"]


def test_a_megabyte_of_text_is_refused_clearly_and_nothing_stored(listed):
    response = send(text="Nhà không đúng đối tượng. " * 40_000)
    text = response.content.decode()
    assert response.status_code == 400 and "Phản ánh chưa được gửi" in text and "4000" in text
    assert Feedback.objects.count() == 0 and len(response.content) < 40_000


def test_a_script_is_shown_escaped(listed, people):
    script = "<script>alert('x')</script> hộ này không đúng đối tượng"
    refused = send(text=script, kind="no-such-kind")
    assert refused.status_code == 400 and "<script>alert" not in refused.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in refused.content.decode()
    send(text=script)
    feedback = Feedback.objects.get()
    Feedback.objects.filter(pk=feedback.pk).update(answer="<script>alert(1)</script> Đã xem xét", outcome="rejected")
    feedback_transition(people, people.chairman, feedback, "answer")
    page = Client().get(f"/phan-anh/{feedback.code}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Đã xem xét" in page


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_stored(listed, settings):
    import pathlib

    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 this is not a picture" * 100, content_type="image/jpeg")
    response = send(photo=fake)
    assert response.status_code == 400 and "Phản ánh chưa được gửi" in response.content.decode()
    assert Feedback.objects.count() == 0
    media = pathlib.Path(settings.MEDIA_ROOT) / "feedback"
    assert not media.exists() or not any(media.rglob("*"))


def test_a_real_photo_is_kept(listed):
    from tests.funding.helpers import photo_upload

    response = send(photo=photo_upload("bang-tin.jpg"))
    assert response.status_code == 200 and Feedback.objects.get().photo


def test_too_large_a_request_is_refused_before_reading_it(listed):
    big = SimpleUploadedFile("anh.jpg", b"\xff" * (7 * 1024 * 1024), content_type="image/jpeg")
    response = send(photo=big)
    assert response.status_code == 413 and "6 MB" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_hundred_submissions_a_minute_from_one_client(listed):
    client = Client()
    statuses = [send(client, text=f"Phản ánh số {i}: danh sách chưa đúng, đề nghị xem lại.").status_code
                for i in range(100)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    assert Feedback.objects.count() == 5
    limited = send(client, text="Một phản ánh nữa sau giới hạn, xin xem lại danh sách.")
    assert limited.status_code == 429 and "quá nhiều phản ánh" in limited.content.decode()
    assert limited["Retry-After"]
    # another client is not affected
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert send(other, text="Phản ánh từ một máy khác về danh sách niêm yết.").status_code == 200


def test_failed_attempts_are_bounded_too(listed):
    client = Client()
    statuses = [send(client, text="ngắn").status_code for _ in range(40)]
    assert statuses[0] == 400 and statuses[-1] == 429 and Feedback.objects.count() == 0


def test_honeypot_and_time_check(listed):
    bot = send(website="http://spam.example", text="Mua thuốc giá rẻ tại trang web của chúng tôi ngay.")
    assert bot.status_code == 400 and "tải lại trang" in bot.content.decode() and Feedback.objects.count() == 0
    fast = send(age=1)
    assert fast.status_code == 400 and "quá nhanh" in fast.content.decode()
    stale = send(age=3 * 3600)
    assert stale.status_code == 400 and "tải lại trang" in stale.content.decode()
    forged = send(t="eyJ1Ijo1fQ:forged")
    assert forged.status_code == 400 and Feedback.objects.count() == 0
    # the text typed is kept in the re-shown form
    assert "không đúng đối tượng" in stale.content.decode()
    # a token of another commune's form does not count
    from housing_campaign.public.feedback import form_token

    elsewhere = send(t=form_token(unit("23347").pk, at=__import__("time").time() - 10))
    assert elsewhere.status_code == 400 and Feedback.objects.count() == 0


def test_a_household_not_on_this_communes_postings_is_refused(listed):
    response = send(about="NY-99999-2025-001#1")
    assert response.status_code == 400 and "chọn lại" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_about_the_commune_in_general_and_from_the_2025_page(listed):
    successor = unit(HOME).successor
    from housing_campaign.public.feedback import form_token

    response = Client().post(f"/cong-khai/{successor.code}/phan-anh/?he=2025", {
        **form_data(kind="other", text="Đề nghị xã công bố lịch tiếp dân về chương trình nhà ở."),
        "t": form_token(successor.pk, at=__import__("time").time() - 10)})
    assert response.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.posting_id is None and not feedback.holds_case


def test_tracking_page_states_and_answer(listed, people):
    send(about=about(listed))
    feedback = Feedback.objects.get()
    response = Client().get(f"/phan-anh/{feedback.code}/")
    text = response.content.decode()
    assert response.status_code == 200 and "Đã tiếp nhận" in text and "Chưa có câu trả lời" in text
    assert response["Referrer-Policy"] == "no-referrer" and response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert listed["posting"].code in text and "Xã Đăk Blô" in text
    assert feedback.submitted_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in text
    feedback_transition(people, people.chairman, feedback, "assign")
    Feedback.objects.filter(pk=feedback.pk).update(answer="Xã đã kiểm tra thực tế: hộ có nhà tạm.",
                                                   outcome="rejected")
    text = Client().get(f"/phan-anh/{feedback.code}/").content.decode()
    assert "Đang xử lý" in text and "Xã đã kiểm tra" not in text  # not published before the answer step
    feedback_transition(people, people.chairman, feedback, "answer")
    text = Client().get(f"/phan-anh/{feedback.code}/").content.decode()
    assert "Đã trả lời" in text and "Xã đã kiểm tra thực tế: hộ có nhà tạm." in text
    feedback_transition(people, people.chairman, feedback, "close")
    assert "Đã giải quyết xong" in Client().get(f"/phan-anh/{feedback.code}/").content.decode()


def test_spam_is_shown_as_not_handled(listed, people):
    send(kind="other", text="Quảng cáo dịch vụ vay tiền nhanh, liên hệ ngay hôm nay.")
    feedback = Feedback.objects.get()
    feedback_transition(people, people.officer, feedback, "mark_spam", comment="Quảng cáo")
    text = Client().get(f"/phan-anh/{feedback.code}/").content.decode()
    assert "Không xử lý" in text and "liên hệ trực tiếp Ủy ban nhân dân xã" in text
    assert feedback.text not in text and "Đã tiếp nhận" not in text


def test_unknown_and_malformed_codes_get_the_same_404_and_a_rate_limit(listed, settings):
    send(about=about(listed))
    feedback = Feedback.objects.get()
    unknown = Client().get("/phan-anh/PA-22222-22222/")
    malformed = Client().get("/phan-anh/xyz/")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content
    # the lookup form: a typed code is normalised, then the page; a bad one the same 404
    found = Client().get("/phan-anh/", {"ma": feedback.code.lower().replace("-", " ")})
    assert found.status_code == 302 and found["Location"] == f"/phan-anh/{feedback.code}/"
    assert Client().get("/phan-anh/", {"ma": "PA-0000"}).content == unknown.content
    assert Client().get("/phan-anh/").status_code == 200
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 10
    from django.core.cache import cache

    cache.clear()
    client = Client()
    statuses = [client.get(f"/phan-anh/PA-2222{i % 10}-22222/").status_code for i in range(30)]
    assert set(statuses[:10]) == {404} and set(statuses[10:]) == {429}
    assert client.get(f"/phan-anh/{feedback.code}/").status_code == 429  # even a real code, once limited


def test_a_complaint_holds_the_case_until_it_is_closed(listed, people):
    from housing_campaign.workflow.automation import automatic_transitions_run

    send(about=about(listed))
    feedback = Feedback.objects.get()
    assert feedback.holds_case and feedback.case_id == listed["case"].pk
    today = timezone.localdate()
    Posting.objects.filter(pk=listed["posting"].pk).update(starts_on=today - dt.timedelta(days=8),
                                                          ends_on=today - dt.timedelta(days=1))
    with pytest.raises(ServiceError):
        transition(people, people.chairman, listed["case"], "end_posting")
    with TestCase.captureOnCommitCallbacks(execute=True):
        automatic_transitions_run(doctype="housing_case")
    listed["case"].refresh_from_db()
    listed["other"].refresh_from_db()
    assert listed["case"].state == "village_posting"    # held by the open complaint
    assert listed["other"].state == "eligibility_review"  # the other household moved on
    Feedback.objects.filter(pk=feedback.pk).update(answer="Đã kiểm tra, hộ đúng đối tượng.", outcome="rejected")
    feedback_transition(people, people.chairman, feedback, "answer")
    feedback_transition(people, people.chairman, feedback, "close")
    transition(people, people.chairman, listed["case"], "end_posting")
    listed["case"].refresh_from_db()
    assert listed["case"].state == "eligibility_review"


def test_pages_on_a_360px_phone_are_small(listed):
    """Light pages for a cheap phone: sizes in bytes, every page far below a slow connection's budget."""
    sizes = {}
    for path in ("/cong-khai/", f"/cong-khai/{HOME}/", f"/cong-khai/{HOME}/phan-anh/", "/phan-anh/",
                 f"/cong-khai/{HOME}/niem-yet/{listed['posting'].code}/"):
        response = Client().get(path)
        assert response.status_code == 200
        assert 'name="viewport" content="width=device-width' in response.content.decode()
        sizes[path] = len(response.content)
    assert max(sizes.values()) < 40_000, sizes
