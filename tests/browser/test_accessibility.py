"""Issue 17: what axe-core does not check, checked in the browser. (axe itself runs on every page every browser
test opens: tests/browser/a11y.py.)

- a refused form: the focus lands on one summary at the top that links to each field, and each field's
  message is its accessible description;
- no control acts on change (the language, the page size): each has its button, which works without JavaScript;
- at 360 px (and on a short desktop screen) no focused element of the survey is hidden by its sticky save bar;
- the focus indicator has a contrast of at least 3:1 against what is around it, on the desk, public and admin pages;
- the lists are cards on a phone (nothing scrolls sideways); the case page's comments and progress bar."""
import re

import pytest
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from tests.browser.conftest import check_a11y, open_as
from tests.conftest import PASSWORD, advance, new_case, new_receipt, post_list, state_pool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focus ring of the focused element against the nearest opaque background behind it (its outline is drawn
# outside the element, over its parent), with WCAG's relative luminance.
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = ({r, g, b}) => 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (let n = el.parentElement; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c && c.a > 0.5) { bg = c; break; }
  }
  const s = getComputedStyle(el);
  const ring = parse(s.outlineColor);
  const a = lum(ring), b = lum(bg);
  const describe = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '')
    + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  return {element: describe, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), ring: s.outlineColor,
          background: `rgb(${bg.r}, ${bg.g}, ${bg.b})`};
}"""


# The texts of the elements an input's aria-describedby names (null for a name that is no element's id).
DESCRIPTION = """(id) => (document.getElementById(id).getAttribute('aria-describedby') || '').split(/\\s+/)
  .filter(Boolean).map(d => document.getElementById(d)).map(e => e ? e.textContent.trim() : null)"""


def tab_stops(page, count: int) -> list[dict]:
    """Press Tab ``count`` times from the top of the page; the focus ring of each stop."""
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    page.mouse.click(1, 1)  # the document itself, so the first Tab goes to the first stop
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring:
            stops.append(ring)
    return stops


def assert_visible_focus(page, count: int = 25):
    stops = tab_stops(page, count)
    assert len(stops) >= min(count, 5), f"only {len(stops)} tab stops on {page.url}"
    weak = [s for s in stops if s["style"] == "none" or s["width"] < 2 or s["ratio"] < 3]
    assert weak == [], f"focus indicator under 3:1 (or missing) on {page.url}: {weak}"


def test_refused_survey_focuses_a_summary_linked_to_each_field(browser, site, people, campaign, shoot):
    officer = open_as(browser, site, "officer_a")
    officer.goto(f"{site}/desk/cases/new/")
    with officer.expect_navigation():
        officer.click("button:text-is('Lưu hồ sơ')")
    summary = officer.locator("#error-summary")
    assert officer.evaluate("document.activeElement.id") == "error-summary"
    box = summary.bounding_box()
    assert box["y"] >= 0 and box["y"] + 40 < officer.viewport_size["height"], "the summary is on screen"
    assert summary.locator("h2").inner_text() == "Chưa lưu được: hãy sửa các mục sau"
    assert officer.locator("[role=alert]").count() == 1  # one announcement, not one per field
    shoot(officer, "survey-refused")
    invalid = officer.locator("[aria-invalid=true]")
    links = summary.locator("a")
    assert invalid.count() >= 5 and links.count() == invalid.count()
    for i in range(invalid.count()):
        field = invalid.nth(i)
        field_id = field.get_attribute("id")
        description = officer.evaluate(DESCRIPTION, field_id)
        assert description and None not in description, f"{field_id}: aria-describedby names a missing element"
        message = officer.locator(f"#{field_id}_error").inner_text().strip()
        assert message and message in " ".join(description)
        assert summary.locator(f"a[href='#{field_id}']").count() == 1
    # A link of the summary takes the focus to its field.
    first = links.first.get_attribute("href")[1:]
    links.first.click()
    assert officer.evaluate("document.activeElement.id") == first
    check_a11y(officer)  # the state after the click, at both widths


def test_no_control_acts_on_change(browser, site, people, campaign):
    for _ in range(3):
        new_case(people, campaign)
    page = open_as(browser, site, "officer_a")
    page.goto(f"{site}/desk/?scope=all")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    # One arrow key on the language or on the page size: nothing happens until the button is pressed.
    page.focus("#lang")
    page.keyboard.press("ArrowDown")
    page.focus("#per-page")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(800)
    assert navigations == [] and page.evaluate("document.documentElement.lang") == "vi"
    assert page.input_value("#lang") == "en"
    # Every other select and checkbox on the page too (filters, bulk action).
    for select in page.locator("main select").all():
        options = select.locator("option").all()
        if len(options) > 1:
            select.select_option(index=len(options) - 1)
    for box in page.locator("main input[type=checkbox]").all():
        box.check()
    page.wait_for_timeout(500)
    assert navigations == [], navigations
    with page.expect_navigation():
        page.click(".pager button:text-is('Hiển thị')")
    assert "per_page=" in page.url
    page.select_option("#lang", "en")
    with page.expect_navigation():
        page.click(".lang button")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.select_option("#lang", "vi")
    with page.expect_navigation():
        page.click(".lang button")
    assert page.evaluate("document.documentElement.lang") == "vi"


def test_page_size_and_language_work_without_javascript(browser, site, people, campaign):
    for _ in range(3):
        new_case(people, campaign)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900},
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.goto(f"{site}/login/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{site}/desk/?scope=all")
    page.select_option("#per-page", "20")
    with page.expect_navigation():
        page.click(".pager button:text-is('Hiển thị')")
    assert "per_page=20" in page.url and "scope=all" in page.url
    assert page.locator("#per-page option:checked").inner_text() == "20"
    page.select_option("#lang", "en")
    with page.expect_navigation():
        page.click(".lang button")
    assert page.evaluate("document.documentElement.lang") == "en" and "per_page=20" in page.url
    context.close()


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1024, "height": 600}],
                         ids=["phone-360", "short-desktop"])
def test_no_focused_field_hidden_by_the_sticky_save_bar(browser, site, people, campaign, viewport):
    officer = open_as(browser, site, "officer_a", phone=viewport["width"] < 600)
    officer.set_viewport_size(viewport)
    officer.goto(f"{site}/desk/cases/new/")
    officer.focus("#id_head_name")
    stops, hidden = 0, []
    for _ in range(60):
        state = officer.evaluate("""() => {
          const el = document.activeElement, bar = document.querySelector('.sticky-actions');
          if (!el || !el.closest('#survey-form')) return null;
          const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
          return {id: el.id || el.name || el.textContent.trim(), inBar: bar.contains(el),
                  top: r.top, bottom: r.bottom, barTop: b.top, barBottom: b.bottom, height: innerHeight,
                  sticky: getComputedStyle(bar).position === 'sticky'};
        }""")
        if state is None:
            break
        stops += 1
        if not state["inBar"]:
            overlaps = state["bottom"] > state["barTop"] + 0.5 and state["top"] < state["barBottom"]
            # Below the fold is the browser's business only as far as the field's first line must show.
            shown = min(state["bottom"], state["height"]) - state["top"]
            off_screen = state["top"] < -0.5 or shown < min(state["bottom"] - state["top"], 24) - 0.5
            if overlaps or off_screen:
                hidden.append(state)
        officer.keyboard.press("Tab")
    assert stops >= 20, f"only {stops} stops in the survey form"
    assert hidden == [], f"{len(hidden)} of {stops} focused fields under the save bar or off screen: {hidden}"


def test_focus_indicator_contrast_on_desk_public_and_admin_pages(browser, site, people, campaign):
    case = new_case(people, campaign)
    officer = open_as(browser, site, "officer_a")
    for url in (f"{site}/desk/?scope=all", f"{site}/desk/cases/{case.pk}/", f"{site}/desk/cases/new/"):
        officer.goto(url)
        assert_visible_focus(officer, 30)
    officer.context.close()
    public = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    for url in (f"{site}/login/", f"{site}/cong-khai/", f"{site}/cong-khai/23344/"):
        public.goto(url)
        assert_visible_focus(public, 12)
    public.context.close()
    admin = open_as(browser, site, people.admin.username)
    for url in (f"{site}/admin/", f"{site}/admin/workflow/workflowdefinition/"):
        admin.goto(url)
        assert_visible_focus(admin, 20)


def test_lists_are_cards_on_a_phone(browser, site, people, campaign, shoot):
    cases = [new_case(people, campaign) for _ in range(4)]
    advance(people, cases[0], "village_posting")
    post_list(people, [cases[0]])
    state_pool(people, campaign)
    new_receipt(people, campaign)
    for user, urls in (("officer_a", ["/desk/?scope=all", "/desk/niem-yet/", "/desk/phan-anh/"]),
                       ("finance", ["/desk/kinh-phi/", "/desk/kinh-phi/reconciliation/"]),
                       ("front_kt", ["/desk/dong-gop/", "/desk/dong-gop/donors/"])):
        page = open_as(browser, site, user, phone=True)
        for url in urls:
            page.goto(f"{site}{url}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{url} is {width} px wide on a 360 px screen"
            rows = page.locator("table.cards > tbody > tr:not(.group)")
            assert rows.count() >= 1, f"{url}: no list shown as cards"
            assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "block"
            shoot(page, url.strip("/").replace("/", "-") or "queue")
        page.context.close()


def test_case_page_enter_in_a_comment_does_not_act_and_progress_is_named(browser, site, people, campaign):
    review = advance(people, new_case(people, campaign), "eligibility_review")
    reviewer = open_as(browser, site, "reviewer")
    reviewer.goto(f"{site}/desk/cases/{review.pk}/")
    approve = reviewer.locator("#thao-tac form.action-form",
                               has=reviewer.locator("button:text-is('Duyệt đủ điều kiện')"))
    comment = approve.locator("textarea[name=comment]")
    label = reviewer.locator(f"label[for='{comment.get_attribute('id')}']").inner_text()
    assert label == "Ý kiến kèm “Duyệt đủ điều kiện” (không bắt buộc)"
    comment.fill("Hồ sơ đầy đủ")
    navigations = []
    reviewer.on("framenavigated", lambda frame: navigations.append(frame.url))
    comment.press("Enter")
    reviewer.wait_for_timeout(800)
    assert navigations == [] and comment.input_value() == "Hồ sơ đầy đủ\n"
    review.refresh_from_db()
    assert review.state == "eligibility_review"
    # The reasons of "return" and of any other refusal are labelled by their action.
    labels = reviewer.locator("#thao-tac label").all_inner_texts()
    reasons = [text for text in labels if text.startswith(("Lý do", "Ý kiến"))]
    assert len(reasons) == len(set(reasons)) and "Lý do “Trả lại để bổ sung” (bắt buộc)" in reasons

    building = advance(people, new_case(people, campaign), "construction")
    from housing_campaign.cases import services

    services.progress_add(actor=people.actor(people.inspector), case_id=building.pk, date=timezone.localdate(),
                          stage="frame", percent=40)
    inspector = open_as(browser, site, "inspector")
    inspector.goto(f"{site}/desk/cases/{building.pk}/")
    assert inspector.get_by_role("progressbar", name=re.compile("Tiến độ thi công 40%")).count() == 1
    assert HousingCase.objects.get(pk=building.pk).state == "construction"
