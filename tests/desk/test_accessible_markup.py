"""Issue 17, what the server renders: refused fields tied to their messages and summed up at the top, no control
that acts on change, labels told apart, the queue's stage headings once per page, and htmx only where it polls.
(The browser checks of the same pages, and axe on every page, are in tests/browser/.)"""
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "apps/housing_campaign/housing_campaign/templates"


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside each element that has an id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self._open.append((tag, attrs.get("id")))
            if attrs.get("id"):
                self.text_by_id.setdefault(attrs["id"], "")

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data

    def with_attr(self, name, value=None):
        return [(t, a) for t, a in self.elements if name in a and (value is None or a[name] == value)]


def test_refused_survey_ties_each_message_to_its_field_and_sums_them_up(people, campaign):
    # What the browser sends for an untouched form: the prefilled commune, land status and date, nothing else.
    from tests.conftest import HOME, unit

    response = login("officer_a").post(reverse("desk:case_new"), {
        "draft_key": "new", "commune": str(unit(HOME).pk), "land_status": "undisputed",
        "surveyed_on": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == 400
    html = response.content.decode()
    page = Elements(html)
    invalid = page.with_attr("aria-invalid", "true")
    assert len(invalid) >= 5, [a.get("id") for _, a in invalid]
    for _, attrs in invalid:
        ids = attrs.get("aria-describedby", "").split()
        assert ids, f"{attrs['id']} names no description"
        for described in ids:
            assert described in page.text_by_id, f"{attrs['id']}: aria-describedby={described} is no element's id"
        error_id = f"{attrs['id']}_error"
        assert error_id in ids and page.text_by_id[error_id].strip(), attrs["id"]
    # One summary, focused on load, linking to every refused field; no pile of alerts.
    summaries = [a for t, a in page.elements if "error-summary" in a.get("class", "").split()]
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary.get("tabindex") == "-1" and "autofocus" in summary
    assert len(page.with_attr("role", "alert")) == 1
    links = re.findall(r'<a href="#([\w-]+)">', html[html.index('class="error-summary"'):html.index("</ul>",
                                                                                       html.index("error-summary"))])
    assert sorted(links) == sorted(a["id"] for _, a in invalid)
    assert "Chưa lưu được: hãy sửa các mục sau" in page.text_by_id[summary["id"]]


def test_hand_written_forms_tie_messages_to_fields(people, campaign):
    """The posting form (its own markup, not a Django form): a wrong date refused, the message tied to the
    date's input, the summary linking to it."""
    client = login("officer_a")
    response = client.post(reverse("postings:new"), {"kind": "review_list", "commune": "", "starts_on": "31/02/2025",
                                                     "ends_on": "", "create": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    page = Elements(html)
    invalid = page.with_attr("aria-invalid", "true")
    assert invalid
    for _, attrs in invalid:
        for described in attrs["aria-describedby"].split():
            assert page.text_by_id.get(described, "").strip(), described
    assert 'class="error-summary"' in html and html.count('role="alert"') == 1


def test_no_control_acts_on_change():
    """No template submits a form when a select changes (one arrow key switched the page's language): every
    such choice has its button, which also works without JavaScript."""
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                 if re.search(r"data-autosubmit|onchange=|this\.form\.submit", p.read_text(encoding="utf-8"))]
    assert offenders == []
    static = TEMPLATES.parent / "static" / "hc"
    scripts = [p.name for p in static.glob("*.js") if re.search(r"form\.submit\(\)|requestSubmit\(",
                                                                  p.read_text(encoding="utf-8"))]
    assert scripts == []


def test_language_switch_and_page_size_have_their_buttons(people, campaign):
    html = login("officer_a").get(reverse("desk:queue")).content.decode()
    lang_form = html[html.index('class="lang"'):html.index("</form>", html.index('class="lang"'))]
    assert '<button type="submit"' in lang_form and "<noscript>" not in lang_form
    pager = html[html.index('class="pager"'):]
    assert 'name="per_page"' in pager and "Hiển thị" in pager[:pager.index("</nav>")]
    # Without JavaScript: the page size is a plain GET.
    response = login("officer_a").get(reverse("desk:queue") + "?scope=all&per_page=20")
    assert response.status_code == 200 and '<option selected>20</option>' in response.content.decode()


def test_case_page_comments_labelled_apart_and_enter_harmless(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    html = login("reviewer").get(reverse("desk:case", args=[case.pk])).content.decode()
    section = html[html.index('id="thao-tac"'):html.index("</section>", html.index('id="thao-tac"'))]
    page = Elements(section)
    labels = [re.sub(r"\s+", " ", page_text).strip() for page_text in re.findall(r"<label[^>]*>(.*?)</label>",
                                                                                  section, re.S)]
    comment_labels = [lab for lab in labels if lab.startswith(("Lý do", "Ý kiến"))]
    assert len(comment_labels) >= 3 and len(set(comment_labels)) == len(comment_labels), comment_labels
    assert any("Trả lại để bổ sung" in lab for lab in comment_labels)
    # Every comment of an action is a textarea: Enter adds a line, never presses the action.
    assert not [a for t, a in page.elements if t == "input" and (a.get("name") or "").startswith("comment")]
    assert len([1 for t, a in page.elements if t == "textarea"]) == len(comment_labels)


def test_progress_bar_has_a_name_with_its_percentage(people, campaign):
    case = advance(people, new_case(people, campaign), "construction")
    from housing_campaign.cases import services

    services.progress_add(actor=people.actor(people.inspector), case_id=case.pk, date=timezone.localdate(),
                          stage="frame", percent=40)
    html = login("inspector").get(reverse("desk:case", args=[case.pk])).content.decode()
    progress = re.search(r"<progress[^>]*>", html).group(0)
    assert 'aria-label="Tiến độ thi công 40%"' in progress


def test_queue_shows_each_stage_heading_once_per_page(people, campaign):
    """Cases whose ages interleave across stages: ordered by age alone, a page repeated the stage headings."""
    cases = [new_case(people, campaign) for _ in range(6)]
    for case in cases[::2]:
        advance(people, case, "commune_confirmation")
    # Ages alternate between the stages: survey, confirmation, survey, confirmation, ...
    for n, case in enumerate(cases):
        HousingCase.objects.filter(pk=case.pk).update(state_since=timezone.now() - dt.timedelta(days=10 - n))
    html = login("officer_a").get(reverse("desk:queue") + "?scope=all").content.decode()
    headings = re.findall(r'<tr class="group"><th colspan="8" scope="rowgroup">([^<]+)</th>', html)
    assert len(headings) == len(set(headings)) == 2, headings
    assert headings == ["Rà soát", "Bình xét, xác nhận của xã"]  # in the workflow's order
    assert html.count('class="row-check"') == 6


def test_htmx_only_on_the_pages_that_poll(people, campaign):
    case = new_case(people, campaign)
    client = login("officer_a")
    for url in (reverse("desk:queue"), reverse("desk:case", args=[case.pk]), reverse("desk:case_new"),
                reverse("postings:list")):
        html = client.get(url).content.decode()
        assert "htmx" not in html and "hx-" not in html, url
    from housing_campaign.core.models import BackgroundJob

    job = BackgroundJob.objects.create(kind="batch_print", created_by=people.officer, total=3, status="running")
    html = client.get(reverse("desk:batch_job", args=[job.pk])).content.decode()
    assert "django_htmx/htmx-2.min.js" in html and "hx-get" in html
