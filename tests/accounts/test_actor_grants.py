"""The actor of a request (roles, territory, delegations in force, read-only) is read in one query; it must
say exactly what the models say, on SQLite and on PostgreSQL."""
import datetime as dt

import pytest
from django.utils import timezone

from housing_campaign.accounts.models import Delegation, Role
from housing_campaign.accounts.selectors import actor_for
from tests.conftest import HOME, OTHER, make_user

pytestmark = pytest.mark.django_db


def fresh(user):
    user.__dict__.pop("_hc_actor", None)
    return actor_for(user)


def test_roles_and_territories_of_the_user(people):
    user = make_user("two_hats", "commune_officer", HOME, OTHER)
    user.groups.add(Role.objects.get(code="commune_chairman").group)
    actor = fresh(user)
    assert actor.own.roles == {"commune_officer", "commune_chairman"}
    assert len(actor.own.paths) == 2 and all(p.startswith("L.62.") and p.endswith(".") for p in actor.own.paths)
    assert actor.own.covers(*actor.own.paths)
    assert actor.delegated == () and not actor.read_only and not actor.own.everywhere


def test_an_inactive_role_grants_nothing(people):
    user = make_user("lapsed", "reviewer", "610")
    Role.objects.filter(code="reviewer").update(is_active=False)
    assert fresh(user).own.roles == frozenset()


def test_read_only_only_when_every_role_is(people):
    assert fresh(people.auditor).read_only
    people.auditor.groups.add(Role.objects.get(code="reviewer").group)
    assert not fresh(people.auditor).read_only


def test_no_role_no_territory(people):
    nobody = make_user("nobody_here", "reviewer")
    nobody.groups.clear()
    actor = fresh(nobody)
    assert actor.own.roles == frozenset() and actor.own.paths == () and not actor.read_only


def test_only_delegations_in_force_and_active_count(people, django_user_model):
    root = django_user_model.objects.create_superuser("root_g", password="x-Long-pass-9")
    today = timezone.localdate()
    deputy = make_user("deputy_g", "commune_officer", HOME)
    day = dt.timedelta(days=1)
    Delegation.objects.create(delegator=people.reviewer, delegate=deputy, starts_on=today, ends_on=today)
    Delegation.objects.create(delegator=people.finance, delegate=deputy, starts_on=today - 9 * day,
                              ends_on=today - day)  # ended
    Delegation.objects.create(delegator=people.inspector, delegate=deputy, starts_on=today + day,
                              ends_on=today + 5 * day)  # not started
    Delegation.objects.create(delegator=people.chairman, delegate=deputy, starts_on=today, ends_on=today,
                              is_active=False)  # withdrawn
    Delegation.objects.create(delegator=root, delegate=deputy, starts_on=today - day, ends_on=today + day)
    actor = fresh(deputy)
    by_user = {a.user_id: a for a in actor.delegated}
    assert set(by_user) == {people.reviewer.pk, root.pk}
    assert by_user[people.reviewer.pk].roles == {"reviewer"} and by_user[people.reviewer.pk].paths
    assert by_user[root.pk].everywhere and not by_user[people.reviewer.pk].everywhere
    assert actor.own.roles == {"commune_officer"} and not actor.own.everywhere
    later = actor_for(deputy, on=today + 2 * day)  # a given day: the root's delegation has ended, the inspector's began
    assert {a.user_id for a in later.delegated} == {people.inspector.pk}


def test_a_territory_without_an_active_role_opens_nothing(people, campaign):
    """A user whose roles were withdrawn (or switched off) keeps their territory row but reads nothing: not the
    desk's case, not the API's lists."""
    from django.test import Client

    from housing_campaign.api.services import token_create
    from tests.conftest import PASSWORD, new_case

    case = new_case(people, campaign)
    lapsed = make_user("lapsed_officer", "commune_officer", HOME)
    lapsed.groups.clear()
    actor = fresh(lapsed)
    assert actor.own.roles == frozenset() and actor.own.paths == ()
    _, token = token_create(user=lapsed, label="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for url in ("/api/v1/cases/", "/api/v1/households/", "/api/v1/nominations/"):
        response = api.get(url)
        assert response.status_code == 200 and response.json()["results"] == [], url
    assert api.get(f"/api/v1/cases/{case.code}/").status_code == 404
    desk = Client()
    assert desk.login(username=lapsed.username, password=PASSWORD)
    assert desk.get(f"/desk/cases/{case.pk}/").status_code == 404
    # The same with the role kept but switched off.
    officer = make_user("switched_off", "commune_officer", HOME)
    Role.objects.filter(code="commune_officer").update(is_active=False)
    assert fresh(officer).own.paths == ()


def test_a_locked_delegators_delegation_lends_nothing(people):
    today = timezone.localdate()
    deputy = make_user("deputy_l", "commune_officer", OTHER)
    Delegation.objects.create(delegator=people.chairman, delegate=deputy, starts_on=today, ends_on=today)
    assert [a.user_id for a in fresh(deputy).delegated] == [people.chairman.pk]
    people.chairman.is_active = False
    people.chairman.save(update_fields=["is_active"])
    assert fresh(deputy).delegated == ()
