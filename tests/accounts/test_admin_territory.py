"""Issue 8: the admin scoped its lists by territory but not the values saved. Every foreign-key and
many-to-many choice is limited to what the user may see (hooks.territory_scopes), raw-id widgets never
name a row outside it, issued documents are listed per territory, and odd input is a form error or
Django's invalid-lookup page, never a 500."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from housing_campaign.cases.models import HousingCase
from housing_campaign.commendations.models import Nomination
from housing_campaign.contributions.models import Contribution
from housing_campaign.geography.models import Village
from housing_campaign.households.models import Household
from housing_campaign.printing.models import IssuedDocument, PrintFormatVersion
from tests.conftest import FAR, HOME, OTHER, make_user, new_case, new_household, new_receipt, unit

pytestmark = pytest.mark.django_db
OUTSIDE = "nằm ngoài địa bàn bạn phụ trách"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _value(bound):
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return value


def _form_data(response) -> dict:
    """What the browser would post back unchanged: the admin form's fields and its inlines'."""
    data = {}
    forms = [("", response.context["adminform"].form)]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [("", formset.management_form), *(("", f) for f in formset.forms)]
    for _, form in forms:
        for name in form.fields:
            value = _value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


@pytest.fixture
def qt_xa(people):
    """An administrator of one commune (OTHER)."""
    return make_user("qt_xa", "administrator", OTHER, staff=True)


def test_household_cannot_be_moved_outside_the_territory(people, campaign, qt_xa):
    household = new_household(people, campaign, commune_code=OTHER)
    far_village = Village.objects.create(commune=unit(FAR), name="Thôn Xa")
    client = _client(qt_xa)
    url = reverse("admin:households_household_change", args=[household.pk])
    data = _form_data(client.get(url))
    for field, value in (("commune", unit(FAR).pk), ("commune", unit(HOME).pk), ("village", far_village.pk)):
        response = client.post(url, {**data, field: value})
        assert response.status_code == 200 and OUTSIDE in response.content.decode(), field
    household.refresh_from_db()
    assert household.commune == unit(OTHER) and household.village.commune == unit(OTHER)
    # The form itself is fine: posting it back unchanged saves.
    assert client.post(url, data).status_code == 302


def test_household_add_outside_the_territory_is_refused(people, campaign, qt_xa):
    client = _client(qt_xa)
    url = reverse("admin:households_household_add")
    data = _form_data(client.get(url))
    data.update({"code": "HH-X", "head_name": "A Xa", "category": "poor", "land_status": "undisputed",
                 "commune": unit(FAR).pk})
    response = client.post(url, data)
    assert response.status_code == 200 and OUTSIDE in response.content.decode()
    assert not Household.objects.filter(code="HH-X").exists()


def test_village_list_and_writes_stay_in_the_territory(people, qt_xa):
    own = Village.objects.create(commune=unit(OTHER), name="Thôn Nhà")
    far = Village.objects.create(commune=unit(FAR), name="Thôn Xa Lắc")
    client = _client(qt_xa)
    page = client.get(reverse("admin:geography_village_changelist")).content.decode()
    assert "Thôn Nhà" in page and "Thôn Xa Lắc" not in page
    # Someone else's village: not found (Django redirects to the index), never editable or deletable.
    assert client.get(reverse("admin:geography_village_change", args=[far.pk])).status_code == 302
    client.post(reverse("admin:geography_village_delete", args=[far.pk]), {"post": "yes"})
    client.post(reverse("admin:geography_village_change", args=[own.pk]), {"name": "Thôn Nhà", "commune": unit(FAR).pk})
    assert Village.objects.filter(pk=far.pk).exists()
    own.refresh_from_db()
    assert own.commune == unit(OTHER)
    response = client.post(reverse("admin:geography_village_add"), {"name": "Thôn Mới", "commune": unit(FAR).pk})
    assert response.status_code == 200 and OUTSIDE in response.content.decode()
    assert not Village.objects.filter(name="Thôn Mới").exists()
    assert client.post(reverse("admin:geography_village_add"),
                       {"name": "Thôn Mới", "commune": unit(OTHER).pk}).status_code == 302


def test_contributions_are_records_listed_per_territory(people, campaign, qt_xa):
    """Receipts are written on the Front's desk with their pool line and numbered receipt: the admin only
    lists them, and only those of the territory (issue 12 replaced the admin form)."""
    far = new_receipt(people, campaign, earmark="commune", commune=unit(HOME).pk, donor_name="Công ty Xa")
    own = new_receipt(people, campaign, earmark="commune", commune=unit(OTHER).pk, donor_name="Công ty Gần")
    client = _client(qt_xa)
    assert client.get(reverse("admin:contributions_contribution_add")).status_code == 403
    listing = client.get(reverse("admin:contributions_contribution_changelist")).content.decode()
    assert "Công ty Gần" in listing and "Công ty Xa" not in listing
    assert client.get(reverse("admin:contributions_contribution_change", args=[own.pk])).status_code == 200
    assert client.get(reverse("admin:contributions_contribution_change", args=[far.pk])).status_code == 302
    assert Contribution.objects.count() == 2


def test_nominations_are_not_added_in_the_admin(people, campaign, qt_xa):
    """Nominations are filed on the desk, where competence, territory and duplicates are checked."""
    client = _client(qt_xa)
    assert client.get(reverse("admin:commendations_nomination_add")).status_code == 403
    assert client.post(reverse("admin:commendations_nomination_add"), {"code": "KT-X"}).status_code == 403
    assert not Nomination.objects.exists()


def test_issued_documents_are_listed_per_territory(people, campaign):
    auditor = make_user("auditor_xa", "auditor", OTHER, staff=True)
    far_case = new_case(people, campaign, commune_code=HOME)
    own_case = new_case(people, campaign, commune_code=OTHER)
    version = PrintFormatVersion.objects.filter(print_format__doctype="housing_case").first()
    documents = {}
    for name, doctype, object_id in (("own", "housing_case", own_case.pk), ("far", "housing_case", far_case.pk),
                                     ("own_list", "case_list", unit(OTHER).pk),
                                     ("far_list", "case_list", unit(HOME).pk)):
        documents[name] = IssuedDocument.objects.create(
            print_format_version=version, doctype=doctype, object_id=object_id, number_text=f"SO-{name}",
            issued_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC), context={"head": f"Nguoi {name}"})
    client = _client(auditor)
    page = client.get(reverse("admin:printing_issueddocument_changelist")).content.decode()
    assert "SO-own<" in page and "SO-own_list" in page
    assert "SO-far<" not in page and "SO-far_list" not in page
    far = client.get(reverse("admin:printing_issueddocument_change", args=[documents["far"].pk]))
    assert far.status_code == 302 and "Nguoi far" not in far.content.decode()
    own = client.get(reverse("admin:printing_issueddocument_change", args=[documents["own"].pk]))
    assert own.status_code == 200


@pytest.mark.parametrize("url_name, param", [
    ("admin:cases_housingcase_changelist", "commune"),
    ("admin:cases_housingcase_changelist", "campaign__id__exact"),
    ("admin:auth_user_changelist", "groups__id__exact"),
    ("admin:accounts_delegation_changelist", "delegator__id__exact"),
    ("admin:accounts_delegation_changelist", "delegator__id__in"),
])
def test_out_of_range_lookup_is_the_invalid_lookup_page(people, url_name, param):
    superuser = get_user_model().objects.create_superuser("root", "r@example.com", "x")
    client = _client(superuser)
    url = reverse(url_name)
    for value in ("99999999999999999999", "-99999999999999999999", "1," + "9" * 5000):
        response = client.get(url, {param: value})
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), (param, value)
    assert client.get(url, {"e": "1"}).status_code == 200


def test_json_field_refuses_too_deep_or_too_large_input(people, campaign):
    superuser = get_user_model().objects.create_superuser("root", "r@example.com", "x")
    client = _client(superuser)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = _form_data(client.get(url))
    before = list(campaign.admitted_categories)
    for value, message in (("[" * 100000, "lồng nhau quá sâu"), ("[" * 5000 + "]" * 5000, "lồng nhau quá sâu"),
                           ('["' + "a" * 200000 + '"]', "quá dài")):
        response = client.post(url, {**data, "admitted_categories": value})
        assert response.status_code == 200 and message in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.admitted_categories == before


def test_superuser_is_not_limited(people, campaign):
    household = new_household(people, campaign, commune_code=OTHER)
    superuser = get_user_model().objects.create_superuser("root", "r@example.com", "x")
    client = _client(superuser)
    url = reverse("admin:households_household_change", args=[household.pk])
    data = _form_data(client.get(url))
    data.update({"commune": unit(FAR).pk, "village": ""})
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.commune == unit(FAR)


def test_hook_check_names_a_broken_territory_scope(monkeypatch):
    from housing_campaign import hooks
    from housing_campaign.core.hookspec import hook_problems

    monkeypatch.setattr(hooks, "territory_scopes", {**hooks.territory_scopes,
                                                    "cases.HousingCase": "housing_campaign.cases.selectors.nope"})
    problems = hook_problems()
    assert any("territory_scopes['cases.HousingCase']" in p for p in problems)
    assert HousingCase  # the model the scope names exists


def test_a_saved_value_beyond_the_territory_stays_but_no_other_one(people, campaign):
    """A province administrator edits the campaign whose 2025 province reaches beyond Kon Tum: the saved
    value is kept, another unit outside is refused."""
    client = _client(people.admin)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = _form_data(client.get(url))
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "province": unit("01").pk})
    assert response.status_code == 200 and OUTSIDE in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.province.code == "62"
