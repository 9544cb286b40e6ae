"""Workflow conditions cannot freeze the server: the probe of issue 8 (``3999999**3999999 > 0``, 30 s and
accepted when saved) and its cousins are refused at save time by the whole-definition check, fast, with
a message naming the condition and the limit; at run time the same bounds and a time limit apply."""
import time

import pytest

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.workflow import definitions
from housing_campaign.workflow.conditions import ConditionError, condition_problems, evaluate
from housing_campaign.workflow.models import WorkflowDefinition
from tests.conftest import new_case

pytestmark = pytest.mark.django_db

# condition, words the refusal must contain
PROBES = [
    ("3999999**3999999 > 0", "4.096 bit"),
    ("support_amount ** 3999999 > 0", "số mũ/độ dịch bit (**) 3.999.999 vượt giới hạn 4.096"),
    ("2 ** 10 ** 9 > 0", "4.096 bit"),
    ("support_amount << 100000 > 0", "số mũ/độ dịch bit (<<) 100.000 vượt giới hạn 4.096"),
    ("1 << 10 ** 6 > 0", "4.096 bit"),
    ("(10 ** 1000) * (10 ** 1000) > 0", "phép nhân cho số nguyên"),
    ("round(support_amount, -10 ** 9) > 0", "số chữ số của round"),
    ("'x' * 10 ** 9 == ''", "phép nhân chuỗi"),
    ("len([0] * 10 ** 9) > 0", "phép nhân chuỗi/danh sách"),
    ("'%999999999d' % 1 == ''", "độ rộng định dạng"),
]


@pytest.mark.parametrize(("expression", "reason"), PROBES, ids=[p[0] for p in PROBES])
def test_save_check_refuses_conditions_beyond_the_limits(reference_data, expression, reason):
    start = time.perf_counter()
    problems = condition_problems("housing_case", expression)
    assert time.perf_counter() - start < 1
    assert len(problems) >= 1
    assert problems[0].startswith(f"Điều kiện “{expression}” vượt giới hạn:")
    assert any(reason in p for p in problems), problems


def test_whole_definition_check_refuses_and_nothing_is_saved(reference_data):
    active = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    data = definitions.definition_to_dict(active)
    data["version"] = None
    step = next(t for t in data["transitions"] if t["action"] == "approve")
    step["condition"] = "3999999**3999999 > 0"
    start = time.perf_counter()
    problems = definitions.definition_problems(data)
    assert time.perf_counter() - start < 2
    assert any("3999999**3999999 > 0" in p and "vượt giới hạn" in p and step["label_vi"] in p for p in problems)
    count = WorkflowDefinition.objects.count()
    with pytest.raises(ServiceError) as refused:
        definitions.definition_create(data=data)
    assert refused.value.code == ErrorCode.INVALID_DEFINITION
    assert WorkflowDefinition.objects.count() == count


@pytest.mark.parametrize("expression", ["[x for x in [1]]", "f'{1:>999999999}' == ''", "support_amount.real > 0"])
def test_loops_f_strings_and_attributes_are_refused(reference_data, expression):
    assert condition_problems("housing_case", expression)


def test_oversized_condition_is_refused(reference_data):
    expression = " + ".join(["persons"] * 300) + " > 0"
    assert condition_problems("housing_case", expression) == ["Điều kiện quá dài: hơn 500 thành phần."]


def test_ordinary_conditions_still_work(people, campaign):
    case = new_case(people, campaign)
    for expression, expected in [("support_amount >= 10 ** 6 and persons > 0", True),
                                 ("round(support_amount / 3, -3) == 20000000", True),
                                 ("max(persons, 2) ** 2 < 100 and 'poor' in [household_category]", True),
                                 ("support_amount * 1000 > 2 ** 30", True), ("persons << 2 == 16", True)]:
        assert condition_problems("housing_case", expression) == [], expression
        assert evaluate("housing_case", case, expression) is expected, expression


def test_runtime_bounds_refuse_values_the_save_check_cannot_see(people, campaign):
    """``support_amount ** 500`` passes the static check (the exponent is within bounds) but for 60,000,000
    it is ~13,000 bits: refused at run time, fast, with the reason."""
    case = new_case(people, campaign)
    assert condition_problems("housing_case", "support_amount ** 500 > 0") == []
    start = time.perf_counter()
    with pytest.raises(ConditionError) as refused:
        evaluate("housing_case", case, "support_amount ** 500 > 0")
    assert time.perf_counter() - start < 0.5
    assert "Điều kiện “support_amount ** 500 > 0” vượt giới hạn: lũy thừa" in str(refused.value)
    assert "vượt giới hạn 4.096 bit" in str(refused.value)


def test_condition_time_limit(people, campaign, settings):
    case = new_case(people, campaign)
    settings.EVAL_LIMITS = {"condition_seconds": 0.05}
    expression = " and ".join(["max('x' * 999999) == 'x'"] * 40)  # each within bounds, ~10 ms
    start = time.perf_counter()
    with pytest.raises(ConditionError) as refused:
        evaluate("housing_case", case, expression)
    assert time.perf_counter() - start < 1
    assert "chạy quá thời gian cho phép (0,05 giây)" in str(refused.value)


def test_whole_definition_check_has_one_time_budget(reference_data, settings):
    """Conditions each within bounds but slow cannot add up: the check of a definition stops at its budget."""
    settings.EVAL_LIMITS = {"definition_seconds": 0.3}
    active = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    data = definitions.definition_to_dict(active)
    slow = " and ".join(["max('x' * 999999) == 'x'"] * 40)
    for step in data["transitions"]:
        step["condition"] = slow
    start = time.perf_counter()
    problems = definitions.definition_problems(data)
    assert time.perf_counter() - start < 1.5
    assert any("chạy quá thời gian cho phép (0,3 giây)" in p for p in problems)


def test_deeply_nested_condition_has_a_message(reference_data):
    from housing_campaign.workflow.conditions import condition_problems

    problems = condition_problems("housing_case", "not " * 3000 + "True")
    assert problems and "lồng nhau quá sâu" in problems[0]
