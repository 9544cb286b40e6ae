"""Print templates cannot freeze the server: every probe of issue 8 (and its cousins) is refused fast with
a message naming the limit; a long render is stopped at its deadline while other threads keep working;
the default formats render byte-for-byte as the plain sandbox renders them."""
import threading
import time

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from housing_campaign.cases.documents import case_list_context
from housing_campaign.certificates.documents import case_context
from housing_campaign.commendations.documents import nomination_context
from housing_campaign.contributions.documents import contribution_context
from housing_campaign.core import limits
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.printing import sandbox, services
from housing_campaign.printing.models import PrintFormat
from tests.conftest import advance, new_case, new_receipt

# template, words the refusal must contain
PROBES = [
    ("{{ (9**10000000) > 1 }}", "4.096 bit"),
    ("{{ 9**(9**8) }}", "4.096 bit"),
    ("{% for i in range(10**8) %}{% endfor %}", "range(…) có 100.000.000 phần tử, vượt giới hạn 100.000"),
    ("{{ range(10**9)|length }}", "vượt giới hạn 100.000"),
    ("{{ 'x' * 10**9 }}", "phép nhân chuỗi"),
    ("{{ [0] * 10**9 }}", "phép nhân chuỗi/danh sách"),
    ("{{ (2**4000) * (2**4000) }}", "phép nhân cho số nguyên"),
    ("{{ 'x'|center(999999999) }}", "bộ lọc “center”"),
    ("{{ 'a\nb'|indent(999999999, true) }}", "bộ lọc “indent”"),
    ("{{ '%999999999d'|format(1) }}", "độ rộng định dạng"),
    ("{{ '%.999999999f' % 1.5 }}", "độ chính xác định dạng"),
    ("{{ '%*d'|format(999999999, 1) }}", "“*”"),
    ("{{ '{:>999999999}'.format(1) }}", "độ rộng/độ chính xác định dạng"),
    ("{{ '{0}{0}{0}{0}{0}{0}'.format('x' * 999999) }}", "chuỗi định dạng"),
    ("{{ 'x'.ljust(10**9) }}", "phương thức “ljust”"),
    ("{{ ('x'|attr('zfill'))(10**9) }}", "phương thức “zfill”"),
    ("{{ 'x y'|wordwrap(1, wrapstring='x' * 900000) }}", "bộ lọc “wordwrap”"),
    ("{{ range(10)|batch(10**9, 0)|list }}", "bộ lọc “batch”"),
    ("{{ range(10)|slice(10**9)|list }}", "bộ lọc “slice”"),
    ("{{ range(100000)|join('x' * 100) }}", "bộ lọc “join”"),
    ("{{ ('x' * 1000).join(range(100000)|map('string')) }}", "phương thức “join”"),
    ("{{ 'ab'|replace('', 'x' * 900000) }}", "bộ lọc “replace”"),
    ("{{ ([[0] * 1000] * 1001)|sum(start=[]) }}", "tổng dữ liệu tạo ra vượt 50.000.000"),
    ("{{ 5|round(-10**9) }}", "bộ lọc “round”"),
    ("{{ 1234|so(999999999) }}", "tham số số của bộ lọc"),
    ("{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s|length }}{% endmacro %}{{ d('x', 40) }}",
     "chuỗi ghép bằng ~"),
    ("{% macro m() %}{% for i in range(100000) %}{{ 'y' * 100 }}{% endfor %}{% endmacro %}{{ m()|length }}",
     "khối nội dung"),
    ("{% set s %}{% for i in range(100000) %}{{ 'y' * 100 }}{% endfor %}{% endset %}{{ s|length }}", "khối nội dung"),
    ("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}"
     "{% endfor %}", "quá 1.000.000 lượt lặp"),
    ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "nội dung in ra vượt 10.000.000 ký tự"),
]


@pytest.mark.parametrize(("source", "reason"), PROBES, ids=[p[0][:50] for p in PROBES])
def test_probe_is_refused_fast_with_its_limit(source, reason):
    start = time.perf_counter()
    with pytest.raises(ServiceError) as refused:
        sandbox.render(source, {})
    assert time.perf_counter() - start < 1.5
    assert refused.value.code == ErrorCode.LIMIT_EXCEEDED
    assert refused.value.message.startswith("Mẫu in bị dừng vì vượt giới hạn")
    assert reason in refused.value.message


@pytest.mark.parametrize("source", ["{{ (1).to_bytes(10**9, 'big') }}", "{{ 'x'.translate({}) }}",
                                    "{{ 'x'|attr('maketrans') }}"])
def test_allocating_methods_outside_the_allow_list_are_refused(source):
    with pytest.raises(ServiceError) as refused:
        sandbox.render(source, {})
    assert refused.value.code == ErrorCode.TEMPLATE_SECURITY
    assert "không được dùng" in refused.value.message


def test_constants_are_not_folded_while_compiling():
    """Jinja folds constant expressions at compile time: ``9**(9**8)`` used to never finish compiling."""
    start = time.perf_counter()
    template = sandbox.compile_template("{{ 9**(9**8) }}{{ 'x' * 10**9 }}")
    assert time.perf_counter() - start < 0.5
    assert template is not None


def test_oversized_source_is_refused():
    with pytest.raises(ServiceError) as refused:
        sandbox.compile_template("x" * 200_001)
    assert refused.value.code == ErrorCode.LIMIT_EXCEEDED
    assert "vượt giới hạn 200.000 ký tự" in refused.value.message


def test_ordinary_templates_are_untouched():
    source = ("{{ 'a' in 'abc' }} {{ 10**3 }} {{ 2**64 }} {{ 'x'|center(9) }} {{ '%.2f'|format(3.14159) }} "
              "{{ '%05d' % 42 }} {{ '{:>5}|{:,}'.format('a', 1234567) }} {{ range(3)|join(',') }} "
              "{{ [1, 2]|sum }} {{ 'Ab'.upper() }} {{ 60000000|vnd }} {{ 60000000|bang_chu }} {{ 12.5|so }} "
              "{% for row in range(2) %}{{ loop.index }}{% endfor %} {{ 'a b c'|wordwrap(2) }} "
              "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('&') }} {{ 'x' ~ 1 ~ 'y' }} {{ -(3) }}")
    expected = ("True 1000 18446744073709551616     x     3.14 00042     a|1,234,567 0,1,2 3 AB "
                "60.000.000 đ Sáu mươi triệu đồng 12,5 12 a\nb\nc <&amp;> x1y -3")
    assert sandbox.render(source, {}) == expected


def test_deadline_stops_nested_loops_within_bounds_while_other_threads_progress(settings):
    """Loops that stay inside every count bound but run long are stopped at the deadline; meanwhile
    another thread (another request) keeps getting the interpreter."""
    settings.EVAL_LIMITS = {"max_iterations": 10**12, "render_seconds": 0.5}
    source = ("{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}"
              "{% endfor %}")
    outcome = {}

    def run():
        start = time.perf_counter()
        try:
            sandbox.render(source, {})
        except ServiceError as exc:
            outcome["error"] = exc
        outcome["took"] = time.perf_counter() - start

    worker = threading.Thread(target=run)
    worker.start()
    gaps, last, ticks = [], time.perf_counter(), 0
    while worker.is_alive():
        sum(range(2000))  # a slice of someone else's work
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        ticks += 1
    worker.join()
    assert 0.5 <= outcome["took"] < 1.5
    assert outcome["error"].code == ErrorCode.LIMIT_EXCEEDED
    assert "chạy quá thời gian cho phép (0,5 giây)" in outcome["error"].message
    assert ticks > 50 and max(gaps) < 0.25


def test_exponential_macro_recursion_is_stopped(settings):
    settings.EVAL_LIMITS = {"render_seconds": 0.5}
    start = time.perf_counter()
    with pytest.raises(ServiceError) as refused:
        sandbox.render("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
                       {})
    assert time.perf_counter() - start < 1.5
    assert refused.value.code == ErrorCode.LIMIT_EXCEEDED
    assert "chạy quá thời gian cho phép (0,5 giây)" in refused.value.message


def test_watchdog_interrupts_code_that_never_reaches_a_check():
    start = time.perf_counter()
    with pytest.raises(limits.LimitExceeded) as refused:
        with limits.bounded(seconds=0.2, interrupt=True):
            while True:
                pass
    assert time.perf_counter() - start < 1.5
    assert "chạy quá thời gian cho phép (0,2 giây)" in refused.value.message
    # A block that ends in time is never interrupted later.
    with limits.bounded(seconds=0.1, interrupt=True):
        pass
    time.sleep(0.5)


def test_limits_are_settings(settings):
    settings.EVAL_LIMITS = {"max_range": 10, "max_output_chars": 50}
    with pytest.raises(ServiceError, match="vượt giới hạn 10"):
        sandbox.render("{% for i in range(11) %}{% endfor %}", {})
    with pytest.raises(ServiceError, match="nội dung in ra vượt 50 ký tự"):
        sandbox.render("{{ 'x' * 51 }}", {})
    assert sandbox.render("{% for i in range(10) %}{{ i }}{% endfor %}", {}) == "0123456789"


# ---------------------------------------------------------------------------- real formats and the save check
def _reference_render(source: str, context: dict) -> str:
    """The sandbox as it was before the bounds: same filters, Python's range."""
    from housing_campaign.core.hookspec import jinja_filters

    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, loader=None,
                                        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(jinja_filters())
    env.globals.clear()
    env.globals.update({"range": range, "len": len})
    return env.from_string(source).render(**context)


@pytest.mark.django_db
def test_default_formats_render_byte_for_byte_as_before(people, campaign):
    from housing_campaign.commendations.models import AwardForm, Nomination
    from housing_campaign.workflow.engine import initial_workflow_fields

    handed_over = advance(people, new_case(people, campaign), "posting")
    others = [advance(people, new_case(people, campaign), "funding") for _ in range(2)]
    nomination = Nomination.objects.create(
        code="KT-9", campaign=campaign, nominee_kind="individual", nominee_name="Ông <Nguyễn> & Minh",
        award_form=AwardForm.objects.get(code="giay_khen"), achievement="Ủng hộ 200 bao xi măng",
        proposing_unit=handed_over.commune, unit_path=handed_over.unit_path, **initial_workflow_fields("commendation"))
    contribution = new_receipt(people, campaign, amount=45_500_000)
    lists = case_list_context([handed_over, *others], campaign=campaign, commune=handed_over.commune)
    from housing_campaign.postings.documents import posting_context
    from tests.conftest import post_list

    cases = {
        "handover_certificate": case_context(handed_over, certificate=handed_over.certificates.get()),
        "acceptance_minutes": case_context(handed_over),
        "support_list_decision": lists, "public_posting_list": posting_context(post_list(people, [handed_over],
                                                                                        kind="results")),
        "commendation_certificate": nomination_context(nomination),
        "giay_khen_certificate": nomination_context(nomination),
        "contribution_receipt": contribution_context(contribution),
    }
    from tests.commendations.helpers import award_document_contexts

    cases.update(award_document_contexts(campaign, nomination))
    from django.utils import timezone

    from housing_campaign.reports.documents import report_context

    for kind, code in (("progress", "progress_report"), ("summary", "summary_report")):
        cases[code] = report_context(campaign=campaign, kind=kind, unit=handed_over.commune.parent, units="legacy",
                                     as_of=timezone.localdate(), difficulties="Đường <sạt lở> & mưa lũ",
                                     proposals="Hỗ trợ thêm")
    assert set(cases) == set(PrintFormat.objects.values_list("code", flat=True))
    for code, context in cases.items():
        context = {"document_number": "15/QĐ-UBND", **context}
        html = PrintFormat.objects.get(code=code).html
        assert sandbox.render(html, context) == _reference_render(html, context), code


@pytest.mark.django_db
def test_saving_a_format_that_exceeds_limits_is_refused_with_the_reason(people, campaign):
    advance(people, new_case(people, campaign), "posting")  # a real document to test-render against
    fmt = PrintFormat.objects.get(code="handover_certificate")
    before = (fmt.version, fmt.html)
    problems = services.template_problems(doctype="housing_case", html=fmt.html + "{{ (9**10000000) > 1 }}",
                                          css="")
    assert len(problems) == 1 and "vượt giới hạn" in problems[0] and "4.096 bit" in problems[0]
    with pytest.raises(ServiceError) as refused:
        services.print_format_save(actor_user=people.admin, print_format=fmt,
                                   html=fmt.html + "{% for i in range(10**8) %}{% endfor %}", css=fmt.css)
    assert "range(…) có 100.000.000 phần tử" in refused.value.message
    fmt.refresh_from_db()
    assert (fmt.version, fmt.html) == before
    assert services.template_problems(doctype="housing_case", html=fmt.html, css=fmt.css) == []


@pytest.mark.django_db
def test_save_check_uses_the_preview_time_limit(people, campaign, settings):
    advance(people, new_case(people, campaign), "posting")
    settings.EVAL_LIMITS = {"max_iterations": 10**12, "preview_seconds": 0.3, "render_seconds": 30}
    start = time.perf_counter()
    problems = services.template_problems(
        doctype="housing_case", css="",
        html="{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    assert time.perf_counter() - start < 2
    assert problems and "chạy quá thời gian cho phép (0,3 giây)" in problems[0]


@pytest.mark.django_db
def test_admin_preview_uses_the_preview_time_limit(people, campaign, settings):
    from django.test import Client
    from django.urls import reverse

    from housing_campaign.printing.models import PrintFormat

    advance(people, new_case(people, campaign), "posting")
    settings.EVAL_LIMITS = {"max_iterations": 10**12, "preview_seconds": 0.3, "render_seconds": 30}
    fmt = PrintFormat.objects.get(code="handover_certificate")
    client = Client()
    client.force_login(people.admin)
    start = time.perf_counter()
    response = client.post(reverse("admin:printing_preview", args=[fmt.pk]), {
        "html": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "css": ""})
    assert time.perf_counter() - start < 3
    assert response.status_code == 400
    assert "chạy quá thời gian cho phép (0,3 giây)" in response.content.decode()
