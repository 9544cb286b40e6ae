"""Browser tests in Debian's Chromium, headless, driven by Playwright (launched with
executable_path=/usr/bin/chromium). Screenshots go outside the repository.

Every page these tests open is checked with axe-core at 1280 px and 360 px (tests/browser/a11y.py): nothing
to call for a page a test opens; ``check_a11y(page)`` for a state reached inside a page."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.browser import a11y
from tests.browser.a11y import check_a11y  # noqa: F401  (the tests' import point)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("HC_SCREENSHOTS", Path(tempfile.gettempdir()) / "housing-campaign-screenshots"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package (needs root).")
    from playwright.sync_api import sync_playwright

    a11y.axe_source()  # fails at once, with the command to run, when the set-up did not install axe-core
    uninstall = a11y.install()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()
    uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The pages a test leaves open are checked when it ends; any violation fails the test itself."""
    if "browser" not in getattr(item, "fixturenames", ()):
        return (yield)
    a11y.start_test()
    try:
        result = yield
        a11y.finish_test()
        return result
    finally:
        a11y.stop_test()


def pytest_terminal_summary(terminalreporter):
    tally = a11y.TALLY
    if tally.documents:
        terminalreporter.write_line(
            f"axe-core {a11y.axe_version()} ({', '.join(a11y.WCAG_TAGS)}): {tally.documents} page states checked "
            f"({len(tally.urls)} distinct URLs), {tally.runs} runs at {' and '.join(map(str, a11y.WIDTHS))} px, "
            f"{tally.violations} violations")


class Shooter:
    def __init__(self, name: str):
        self.folder = SHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, label: str):
        self.n += 1
        path = self.folder / f"{self.n:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shoot(request):
    return Shooter(request.node.name)


@pytest.fixture
def site(live_server, people, campaign):
    return live_server.url


def open_as(browser, base_url: str, username: str, *, phone: bool = False):
    from tests.conftest import PASSWORD

    context = browser.new_context(viewport={"width": 360, "height": 740} if phone else {"width": 1280, "height": 900},
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/desk/**")
    return page
