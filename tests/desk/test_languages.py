"""Pages in the language the user chose: in English, the workflow's states and actions, refusal reasons,
eligibility results, notifications, timeline notes and the public verification page are English; in
Vietnamese, the admin shows no English fragment (column headers, Django's own strings, document-type
codes). Stored messages are read in the reader's language, whatever the writer's was."""
from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from housing_campaign.core.models import Notification
from tests.conftest import PASSWORD, advance, new_case, state_pool, transition

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
# Parts owned by the case page and the engine (issue 11, part C): English once their strings go
# through core.i18n (see the report of the i18n branch); strict, so the marker goes when they pass.
NEEDS_CASE_PAGE = pytest.mark.xfail(strict=True, reason="case page, queue rows and engine messages still in "
                                                        "Vietnamese until their files use localized_label/gettext")


def client_in(language: str, username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(fragment: str) -> str:
    """Visible text of an HTML fragment (tags, scripts and styles removed, entities decoded)."""
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + r"(.*?)" + re.escape(end), page, re.S)
    assert match, f"{start!r} not found"
    return match.group(1)


def without_money(value: str) -> str:
    return re.sub(r"\d đ\b", "", value)


# ---------------------------------------------------------------------------- English
def test_notifications_are_read_in_the_readers_language(people, campaign):
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")  # notify_next_actors tells the chairman
    note = Notification.objects.get(user=people.chairman, object_id=case.pk)
    assert note.subject == f"{case} chờ xử lý: Chờ xã xác nhận bình xét"  # kept in Vietnamese
    english = client_in("en", "chairman_a")
    listed = text(section(english.get(reverse("desk:notifications")).content.decode(), "<h1>", "</main>"))
    on_queue = text(section(english.get(reverse("desk:queue")).content.decode(), '<details class="card notes">',
                            "</details>"))
    for shown in (listed, on_queue):
        assert f"{case} waits for you: Awaiting commune confirmation" in shown
        assert "chờ xử lý" not in shown and "Chờ xã xác nhận" not in shown
    vietnamese = client_in("vi", "chairman_a").get(reverse("desk:notifications")).content.decode()
    assert f"{case} chờ xử lý: Chờ xã xác nhận bình xét" in vietnamese


def test_case_timeline_in_english(people, campaign):
    from housing_campaign.funding.services import allocation_create

    case = advance(people, new_case(people, campaign), "funding")
    allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=state_pool(people, campaign).pk,
                      amount=case.support_amount, decision_number="12/QĐ-UBND", decision_date=timezone.localdate())
    transition(people, people.finance, case, "allocate")
    page = client_in("en", "officer_a").get(reverse("desk:case", args=[case.pk])).content.decode()
    timeline = text(section(page, '<ol class="timeline">', "</ol>"))
    assert "Survey → Awaiting commune confirmation" in timeline
    assert "Eligibility review → Awaiting funding" in timeline
    assert "village meeting date" in timeline  # a change, by the field's English name
    # The allocation from the province's pool, stored as a message (core/events.py allocation_event).
    assert "funding: — → 5% savings of regular spending (state support at the norm's level):" in timeline
    # The decision's number is what the finance officer typed (copied to the case), not interface text.
    assert not VIETNAMESE.search(without_money(timeline).replace("12/QĐ-UBND", "")), timeline


def test_eligibility_results_read_in_english(people, campaign):
    from housing_campaign.cases.eligibility import eligibility_display

    case = new_case(people, campaign)  # 24 m², 4 persons
    with translation.override("en"):
        shown = {r["code"]: r for r in eligibility_display(case.eligibility)}
    assert shown["house_area"]["label"] == "Cramped house"
    assert shown["house_area"]["reason"] == "Floor area 24 m² < 30 m² and 6 m²/person < 8 m²/person"
    assert shown["category"]["reason"] == "Poor household is a category the campaign supports"
    assert not any(VIETNAMESE.search(r["label"] + r["reason"]) for r in shown.values())
    # Stored in Vietnamese as well, whatever the language of whoever saved the survey.
    assert {r["code"]: r for r in case.eligibility}["house_area"]["reason"] == \
        "Diện tích 24 m² < 30 m² và 6 m²/người < 8 m²/người"


def test_public_verification_page_in_english(people, campaign):
    case = advance(people, new_case(people, campaign), "posting")
    certificate = case.certificates.get()
    from housing_campaign.certificates.tokens import token_for

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/verify/{certificate.code}?t={token_for(certificate.code)}").content.decode()
    assert "Valid certificate" in page and "New build" in page and "Support type" in page
    box = text(section(page, '<div class="box genuine"', "<dl>"))
    assert not VIETNAMESE.search(box), box
    labels = " ".join(re.findall(r"<dt>(.*?)</dt>", page))
    assert not VIETNAMESE.search(labels), labels


def test_admin_index_in_english(people):
    page = client_in("en", people.admin.username).get(reverse("admin:index")).content.decode()
    assert "Administration index" in page and "Housing support cases" in page  # the app's name
    headings = text(" ".join(re.findall(r"<caption>.*?</caption>|<th scope=\"row\">.*?</th>", page, re.S)))
    assert not VIETNAMESE.search(headings), headings


def test_queue_states_and_bulk_actions_in_english(people, campaign):
    new_case(people, campaign)
    page = client_in("en", "officer_a").get(reverse("desk:queue")).content.decode()
    rows = text(section(page, "<tbody>", "</tbody>"))
    assert "Survey" in rows and "Đang rà soát" not in rows
    bulk = text(section(page, 'id="bulk-action"', "</select>"))
    assert "Submit to the commune" in bulk and not VIETNAMESE.search(bulk), bulk
    states = text(section(page, '<select name="state">', "</select>"))
    assert not VIETNAMESE.search(states), states


def test_case_page_states_actions_and_reasons_in_english(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    case.is_eligible = False
    case.save(update_fields=["is_eligible"])
    page = client_in("en", "reviewer").get(reverse("desk:case", args=[case.pk])).content.decode()
    assert text(section(page, '<span class="state-pill">', "</span>")) == "Eligibility review"
    actions = text(section(page, '<section class="card actions"', "</section>"))
    assert "Return for correction" in actions and "Approve eligibility" in actions
    assert "The household does not meet the support conditions yet" in actions
    assert not VIETNAMESE.search(actions), actions
    rules = text(section(page, '<ul class="rules">', "</ul>"))
    assert "Cramped house" in rules and not VIETNAMESE.search(rules), rules
    formats = text(section(page, 'id="h-docs"', "</p>"))
    assert "House handover certificate" in formats and not VIETNAMESE.search(formats), formats


def test_workflow_list_in_english(people):
    page = client_in("en", people.admin.username).get(
        reverse("admin:workflow_workflowdefinition_changelist")).content.decode()
    headers = text(section(page, "<thead>", "</thead>"))
    assert "Activated at" in headers and not VIETNAMESE.search(headers), headers
    assert "Housing support case" in page and "Commendation nomination" in page  # document types by name


# ---------------------------------------------------------------------------- Vietnamese admin
@pytest.mark.parametrize("url_name", ["admin:index", "admin:workflow_workflowdefinition_changelist",
                                      "admin:core_documentevent_changelist", "admin:core_sideeffectjob_changelist",
                                      "admin:printing_printformat_changelist", "admin:cases_housingcase_changelist",
                                      "admin:core_notification_changelist"])
def test_admin_in_vietnamese_has_no_english_fragments(people, campaign, url_name):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    assert case.pk
    page = client_in("vi", people.admin.username).get(reverse(url_name)).content.decode()
    shown = text(page)
    for fragment in ("ACTIVATED AT", "Activated at", "Show counts", "Hide counts", "Skip to main content",
                     "Toggle theme", "Model name", "Add link", "housing_case", "commune_confirmation",
                     "eligibility_review", "evaluate_eligibility", "Object id", "Doctype", "From state"):
        assert fragment not in shown, f"{fragment!r} on {url_name}"
    if 'id="changelist-filter"' in page:
        assert "Hiện số lượng" in shown or "Ẩn số lượng" in shown


def test_workflow_list_in_vietnamese_names_columns_and_document_types(people):
    page = client_in("vi", people.admin.username).get(
        reverse("admin:workflow_workflowdefinition_changelist")).content.decode()
    headers = text(section(page, "<thead>", "</thead>"))
    assert "Áp dụng lúc" in headers and "Loại hồ sơ" in headers
    assert "Hồ sơ hỗ trợ nhà ở" in text(page) and "Đề nghị khen thưởng" in text(page)
    assert "Danh sách hồ sơ (quyết định, công khai)" not in text(page)  # print-only document types are not offered
