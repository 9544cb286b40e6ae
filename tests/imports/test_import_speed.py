"""The import's shortcuts give the same answers as the long way: the form's case checks kept per
distinct value, households built through the positional constructor, foreign keys checked in bulk
after COPY (and still refused when wrong), the cyclic collector back on after an import."""
from __future__ import annotations

import gc

import pytest
from django.db import IntegrityError, connection, transaction

from housing_campaign.cases import services as case_services
from housing_campaign.core.bulk import InstanceBuilder, bulk_insert
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.households.models import Household
from housing_campaign.imports import services

from .conftest import build_workbook, clean_rows, row

pytestmark = pytest.mark.django_db


def _run(people, campaign, path, **kwargs):
    return services.survey_import(actor=people.actor(people.officer), campaign=campaign,
                                  survey_round=campaign.rounds.get(number=1), path=path, **kwargs)


def _answers(outcome):
    return [(r.excel_row, r.status, r.messages) for r in outcome.rows]


def test_case_checks_run_once_per_distinct_value_with_the_same_answers(people, campaign, tmp_path, messy_rows,
                                                                       monkeypatch):
    rows = clean_rows(30) + messy_rows + [row(90, "Y Diện Tích", "062085099990", area="0"),
                                          row(91, "Y Số Khẩu", "062085099991", persons=0)]
    path = tmp_path / "list.xlsx"
    build_workbook(path, rows)
    calls = []
    real = case_services.case_create_errors

    def counted(**kwargs):
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(case_services, "case_create_errors", counted)
    fast = _run(people, campaign, path)
    fast_calls = len(calls)

    def every_row(ctx, household, data, extra):  # the long way: the form's function for every row
        return counted(actor=ctx.actor, campaign=ctx.campaign, household=household, survey_round=ctx.survey_round,
                       data=data, extra=extra, workflow_fields=ctx.workflow_fields(household.commune),
                       extra_fields=ctx.extra_fields,
                       check_existing=False, also_roles=services.IMPORT_ROLES)

    monkeypatch.setattr(services, "_case_checks", every_row)
    calls.clear()
    slow = _run(people, campaign, path)
    assert _answers(fast) == _answers(slow)
    refused = {r.excel_row: r.reason for r in fast.rows if r.status == services.REFUSED}
    assert any("Diện tích nhà hiện tại phải lớn hơn 0" in reason for reason in refused.values())
    assert any("Số người đang ở" in reason for reason in refused.values())
    # 30 identical clean rows: checked once, not 30 times
    assert fast_calls < len(calls) - 25


def test_written_cases_are_the_same_as_the_long_way(people, campaign, tmp_path, monkeypatch):
    path = tmp_path / "list.xlsx"
    build_workbook(path, clean_rows(6) + [row(7, "Y Sửa", "062085099997", support="Sửa chữa", area="16,5",
                                              persons=2, category="Hộ cận nghèo")])
    fields = ("support_type", "floor_area", "persons", "foundation", "frame_walls", "roof", "surveyed_on",
              "strand_id", "eligibility", "is_eligible", "support_amount", "priority", "extra",
              "state", "stage", "unit_path", "unit_2025_path", "commune_id", "commune_2025_id")
    household_fields = ("head_name", "national_id", "category", "ethnicity", "is_ethnic_minority", "commune_id",
                        "land_status", "social_assistance", "earlier_support", "address", "phone")

    def written():
        from housing_campaign.cases.models import HousingCase

        return sorted((c.household.head_name, c.village.name, c.household.village.name, [getattr(c, f) for f in fields],
                       [getattr(c.household, f) for f in household_fields])
                      for c in HousingCase.objects.select_related("household__village", "village"))

    sid = transaction.savepoint()
    assert _run(people, campaign, path, dry_run=False).written
    fast = written()
    transaction.savepoint_rollback(sid)

    def every_row(ctx, household, data, extra):
        return case_services.case_create_errors(
            actor=ctx.actor, campaign=ctx.campaign, household=household, survey_round=ctx.survey_round, data=data,
            extra=extra, workflow_fields=ctx.workflow_fields(household.commune), extra_fields=ctx.extra_fields,
            check_existing=False,
            also_roles=services.IMPORT_ROLES)

    monkeypatch.setattr(services, "_case_checks", every_row)
    monkeypatch.setattr(services, "InstanceBuilder", lambda model: model)
    assert _run(people, campaign, path, dry_run=False).written
    assert fast == written() and len(fast) == 7


def test_instance_builder_gives_what_the_constructor_gives(people, campaign, django_assert_num_queries):
    commune = AdminUnit.objects.filter(level="commune").first()
    village = Village(commune=commune, name="Thôn Mới")  # unsaved, as a list can name one
    values = dict(code="", commune=commune, village=village, head_name="Y Một", national_id="062085000001",
                  category="poor", is_ethnic_minority=True)
    built, plain = InstanceBuilder(Household)(**values), Household(**values)
    attnames = [f.attname for f in Household._meta.concrete_fields]
    assert [getattr(built, a) for a in attnames] == [getattr(plain, a) for a in attnames]
    assert built._state.adding and built.pk is None
    with django_assert_num_queries(0):
        assert built.commune is commune and built.village is village
    with pytest.raises(ValueError):
        InstanceBuilder(Household)(commune=village)
    with pytest.raises(TypeError):
        InstanceBuilder(Household)(no_such_field=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and bulk key checks are PostgreSQL's")
def test_a_bad_foreign_key_is_still_refused_when_checked_in_bulk(people, campaign):
    commune = AdminUnit.objects.filter(level="commune").first()
    good = Household(code="HX-1", commune=commune, head_name="Y Tốt")
    bad = Household(code="HX-2", commune_id=987654321, head_name="Y Sai")
    before = Household.objects.count()
    with pytest.raises(IntegrityError, match="commune_id"), transaction.atomic():
        bulk_insert(Household, [good, bad], check_keys_in_bulk=True)
    assert Household.objects.count() == before
    with pytest.raises(IntegrityError, match="commune_id"), transaction.atomic():  # checked, even when not locked
        bulk_insert(Household, [Household(code="HX-4", commune_id=987654321, head_name="Y Sai")],
                    check_keys_in_bulk=True, fresh=(AdminUnit,))
    with transaction.atomic():  # and the triggers are on again for what follows in the same transaction
        bulk_insert(Household, [Household(code="HX-3", commune=commune, head_name="Y Ba")], check_keys_in_bulk=True)
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"
    assert Household.objects.count() == before + 1


def test_the_cyclic_collector_is_back_on_after_an_import(people, campaign, tmp_path):
    path = tmp_path / "list.xlsx"
    build_workbook(path, clean_rows(2))
    assert gc.isenabled()
    _run(people, campaign, path)
    assert gc.isenabled()
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a spreadsheet")
    with pytest.raises(services.ReadError):
        _run(people, campaign, junk)
    assert gc.isenabled()
