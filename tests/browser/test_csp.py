"""Under the Content-Security-Policy sent over HTTPS, the desk's scripts still work (they are static
files) and the browser reports no violation."""
import pytest

from tests.browser.conftest import open_as
from tests.conftest import new_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_queue_scripts_work_under_the_https_policy(browser, site, people, campaign, settings):
    policy = settings.HTTPS_CONTENT_SECURITY_POLICY  # what an https:// site sends
    settings.CONTENT_SECURITY_POLICY = policy
    for _ in range(3):
        new_case(people, campaign)
    page = open_as(browser, site, "officer_a")
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    response = page.goto(f"{site}/desk/?scope=all")
    assert response.headers.get("content-security-policy") == policy
    assert page.locator(".row-check").count() == 3
    page.check("#check-page")  # static/hc/queue.js: selects the whole page
    assert page.locator(".row-check:checked").count() == 3
    page.select_option("select[name=per_page]", "50")  # acts only on its button (no script; issue 17)
    with page.expect_navigation(url="**per_page=50**"):
        page.click(".pager button:text-is('Hiển thị')")
    assert violations == []
