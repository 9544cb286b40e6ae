"""axe-core on every page the browser tests open, at 1280 px and at 360 px.

How it is automatic: while the browser fixture is up, every method of Playwright's sync ``Page`` (goto,
click, fill, locator, content, screenshot, close, ...) first checks the page's current document, once per
document: a document is checked before the test first does anything with it after it loaded, and the pages
still open when a test ends are checked then (``pytest_runtest_call`` in conftest.py). So a test written
tomorrow gets axe without asking for it, whether it opens pages with ``page.goto``, by clicking, or from
``open_as``. A state reached inside one document (a form opened by a script, an htmx swap) is checked by
calling ``check_a11y(page)`` explicitly.

axe-core comes from the npm registry, pinned by package-lock.json and installed by the bootstrap into
node_modules/ (never from a CDN); it is evaluated in the page through the DevTools protocol, so the site's
Content-Security-Policy does not need to allow it and the page's own scripts never see it load.

A violation fails the test at once with the rule, the WCAG tags, the elements' selectors, what axe says
is wrong and the page's URL and width.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AXE_PATH = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 360)
PHONE_HEIGHT, DESK_HEIGHT = 740, 900

# Methods of Page that do not touch the document (listeners, settings, waiting for an event to come):
# checking before them would only slow the test down or check a page that is still about:blank.
_NOT_HOOKED = {"on", "once", "remove_listener", "is_closed", "set_default_timeout",
               "set_default_navigation_timeout", "expect_event", "wait_for_event", "expect_console_message",
               "expect_download", "expect_file_chooser", "expect_popup", "expect_request",
               "expect_request_finished", "expect_response", "expect_websocket", "expect_worker",
               "expect_navigation", "route", "unroute", "unroute_all", "route_from_har", "route_web_socket",
               "add_init_script", "expose_binding", "expose_function", "set_extra_http_headers",
               "add_locator_handler", "remove_locator_handler", "request_gc", "pause"}

# Runs in the page: the violations of one axe run, reduced to what a reader needs.
_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


@dataclass
class Tally:
    """What axe checked over the whole session (printed at its end)."""
    documents: int = 0
    runs: int = 0
    violations: int = 0
    urls: set = field(default_factory=set)


TALLY = Tally()


class Audit:
    """The current test's pages: which were touched (to check them at the end) and what axe found."""

    def __init__(self):
        self.pages = []
        self.failures: list[str] = []


_state = {"audit": None, "busy": False}


@functools.cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: `make test` (apps/housing_campaign/scripts/bootstrap.sh test) "
                           "installs axe-core from the npm registry with `npm ci`.")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_version() -> str:
    return json.loads((AXE_PATH.parent / "package.json").read_text())["version"]


def _is_html_document(page) -> bool:
    url = page.url
    if not url.startswith(("http://", "https://")):
        return False
    return page.evaluate("document.contentType === 'text/html'")


def _run_axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN, WCAG_TAGS)


def _format(page, width: int, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.0/2.1 A/AA violation(s) on {page.url} at {width} px:"]
    for v in violations:
        tags = ", ".join(t for t in v["tags"] if t.startswith("wcag"))
        lines.append(f"  - {v['id']} ({v['impact']}; {tags}): {v['help']}")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      at {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"      … and {len(v['nodes']) - 8} more element(s)")
    return "\n".join(lines)


def _mirror_without_scripts(page):
    """A page of a context with JavaScript off cannot run axe (its promises and timers never run): its document
    is copied, as it is, into a page of a JavaScript-enabled context whose own scripts are blocked, and checked
    there. Returns (mirror page, its context)."""
    context = page.context.browser.new_context(viewport=page.viewport_size)
    context.route("**/*", lambda route: route.abort() if route.request.resource_type == "script"
                  else route.continue_())
    mirror = context.new_page()
    html = page.content()
    html = html.replace("<head>", f'<head><base href="{page.url}">', 1)
    mirror.set_content(html, wait_until="load")
    return mirror, context


def check_a11y(page, *, widths=WIDTHS, raise_now: bool = True) -> int:
    """Run axe on the page's current state at each width (the viewport is put back afterwards).
    Returns the number of runs; raises AssertionError on any violation."""
    if _state["busy"] or page.is_closed():
        return 0
    _state["busy"] = True
    failures = []
    runs = 0
    try:
        try:
            page.wait_for_load_state("load")
            if not _is_html_document(page):
                return 0
        except Exception as exc:  # the document went away under us (a navigation): the next one is checked
            if "context was destroyed" in str(exc) or "navigat" in str(exc):
                return 0
            raise
        mirror, mirror_context = (_mirror_without_scripts(page) if getattr(page.context, "_hc_no_javascript", False)
                                  else (page, None))
        original = mirror.viewport_size
        try:
            for width in widths:
                if mirror.viewport_size["width"] != width:
                    mirror.set_viewport_size({"width": width,
                                              "height": PHONE_HEIGHT if width < 600 else DESK_HEIGHT})
                violations = _run_axe(mirror)
                runs += 1
                if violations:
                    TALLY.violations += sum(len(v["nodes"]) for v in violations)
                    failures.append(_format(page, width, violations))
        finally:
            if mirror_context is not None:
                mirror_context.close()
            elif original and page.viewport_size != original:
                page.set_viewport_size(original)
        page.evaluate("window.__hcAxeChecked = true")
        TALLY.documents += 1
        TALLY.runs += runs
        TALLY.urls.add(page.url.split("?")[0])
    finally:
        _state["busy"] = False
    if failures:
        message = "\n".join(failures)
        audit = _state["audit"]
        if audit is not None:
            audit.failures.append(message)
        if raise_now:
            raise AssertionError(message)
    return runs


def _check_if_new(page) -> None:
    """Check the page's document unless it was checked already (once per document)."""
    if _state["busy"] or page.is_closed():
        return
    audit = _state["audit"]
    if audit is not None and page not in audit.pages:
        audit.pages.append(page)
    if not page.url.startswith(("http://", "https://")):
        return
    _state["busy"] = True
    try:
        checked = page.evaluate("window.__hcAxeChecked === true")
    except Exception:  # the document is being replaced: it is checked when the test next touches the page
        return
    finally:
        _state["busy"] = False
    if not checked:
        check_a11y(page)


def finish_test() -> None:
    """At the end of a test: check every page it touched that is still open, then fail on what was found."""
    audit = _state["audit"]
    if audit is None:
        return
    for page in audit.pages:
        if not page.is_closed():
            check_a11y(page, raise_now=False)
    if audit.failures:
        raise AssertionError("\n".join(dict.fromkeys(audit.failures)))


def start_test() -> None:
    _state["audit"] = Audit()


def stop_test() -> None:
    _state["audit"] = None


def install() -> callable:
    """Hook every document-touching method of Playwright's sync Page and the closing of a context.
    Returns the function that takes the hooks out again."""
    from playwright.sync_api import BrowserContext, Page

    saved = []

    def hook(cls, name, before):
        original = getattr(cls, name)

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            before(self)
            return original(self, *args, **kwargs)

        saved.append((cls, name, original))
        setattr(cls, name, wrapper)

    for name, value in list(vars(Page).items()):
        if callable(value) and not name.startswith("_") and name not in _NOT_HOOKED:
            hook(Page, name, _check_if_new)

    from playwright.sync_api import Browser

    new_context = Browser.new_context

    @functools.wraps(new_context)
    def new_context_marked(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        context._hc_no_javascript = kwargs.get("java_script_enabled") is False
        return context

    saved.append((Browser, "new_context", new_context))
    Browser.new_context = new_context_marked

    def before_context_close(context):
        for page in context.pages:
            _check_if_new(page)

    hook(BrowserContext, "close", before_context_close)

    def uninstall():
        for cls, name, original in saved:
            setattr(cls, name, original)

    return uninstall
