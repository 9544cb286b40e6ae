"""Shared fixtures: reference data synced once per test database, users for every role with
territories, and helpers that create cases through the real services."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

HOME = "23344"   # Xã Đăk Blô, huyện Đắk Glei (610), Kon Tum
OTHER = "23347"  # Xã Đăk Man, same district
FAR = "23311"    # Xã Đăk Cấm, thành phố Kon Tum (608)
PASSWORD = "test-pass-123"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from housing_campaign.site.sync import sync_all

    with django_db_blocker.unblock():
        sync_all()


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests
    settings.RUN_SCHEDULES_IN_PROCESS = False  # tests run scheduled jobs explicitly
    from django.core.cache import cache

    cache.clear()
    from housing_campaign.workflow.engine import clear_definition_cache

    clear_definition_cache()


def unit(code: str, system: str = "legacy"):
    from housing_campaign.geography.models import AdminUnit

    return AdminUnit.objects.get(system=system, code=code)


def make_user(username: str, role: str, *unit_codes: str, staff: bool = False, system: str = "legacy"):
    from housing_campaign.accounts.models import Role, UserTerritory

    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=staff,
                                                first_name=username.title())
    user.groups.add(Role.objects.get(code=role).group)
    for code in unit_codes:
        UserTerritory.objects.create(user=user, unit=unit(code, system))
    return user


class People:
    def __init__(self):
        self.officer = make_user("officer_a", "commune_officer", HOME)
        self.officer_b = make_user("officer_b", "commune_officer", OTHER)
        self.chairman = make_user("chairman_a", "commune_chairman", HOME)
        self.chairman_b = make_user("chairman_b", "commune_chairman", OTHER)
        self.reviewer = make_user("reviewer", "reviewer", "610")
        self.finance = make_user("finance", "finance_officer", "62")
        self.inspector = make_user("inspector", "inspector", "610")
        self.council = [make_user(f"council{i}", "emulation_council", "62") for i in range(1, 6)]
        self.admin = make_user("admin_kt", "administrator", "62", staff=True)
        self.front = make_user("front_kt", "fatherland_front", "62")
        self.office = make_user("office_kt", "emulation_office", "62")
        self.auditor = make_user("auditor", "auditor", "62", staff=True)

    def actor(self, user):
        from housing_campaign.accounts.selectors import actor_for

        user = get_user_model().objects.get(pk=user.pk)  # fresh: roles may have changed
        return actor_for(user)


@pytest.fixture
def reference_data(db):
    """Synced once per test database; transactional tests (live server, concurrency) flush the
    tables after themselves, so the next one syncs again."""
    from housing_campaign.accounts.models import Role
    from housing_campaign.site.sync import sync_all

    if not Role.objects.exists():
        sync_all()


@pytest.fixture
def people(reference_data):
    return People()


@pytest.fixture
def campaign(reference_data):
    from housing_campaign.campaigns.models import Campaign

    return Campaign.objects.get(code="kt2425")


_counter = {"n": 0}


def new_household(people, campaign, *, commune_code=HOME, **overrides):
    from housing_campaign.cases.services import household_create
    from housing_campaign.geography.models import Village

    _counter["n"] += 1
    commune = unit(commune_code)
    village, _ = Village.objects.get_or_create(commune=commune, name="Thôn Đăk Xế")
    officer = people.officer if commune_code == HOME else people.officer_b
    data = {"head_name": f"A Thanh {_counter['n']}", "national_id": f"0620850{_counter['n']:05d}",
            "category": "poor", "ethnicity": "Xơ Đăng", "is_ethnic_minority": True, "commune": commune,
            "village": village, "land_status": "undisputed", **overrides}
    return household_create(actor=people.actor(officer), campaign=campaign, data=data)


def survey_data(campaign, **overrides):
    strand = campaign.strands.get(code="phong_trao")
    return {"strand": strand, "support_type": "new_build", "floor_area": Decimal("24"), "persons": 4,
            "foundation": "unstable", "frame_walls": "unstable", "roof": "stable", "remaining_lifespan_years": 3,
            "surveyed_on": timezone.localdate() - dt.timedelta(days=3), **overrides}


def new_case(people, campaign, *, commune_code=HOME, household=None, **overrides):
    from housing_campaign.cases.services import case_create

    household = household or new_household(people, campaign, commune_code=commune_code)
    officer = people.officer if commune_code == HOME else people.officer_b
    return case_create(actor=people.actor(officer), campaign=campaign, household=household,
                       survey_round=campaign.rounds.get(number=1), data=survey_data(campaign, **overrides))


def transition(people, user, case, action, comment=""):
    """A transition whose after-commit side effects run, as they would outside the test transaction."""
    from django.test import TestCase

    from housing_campaign.workflow.engine import document_transition

    with TestCase.captureOnCommitCallbacks(execute=True):
        return document_transition(actor=people.actor(user), doctype="housing_case", object_id=case.pk,
                                   action=action, comment=comment)


def state_pool(people, campaign, *, source: str = "savings_5pct", unit_code: str = "62",
               top_up_below: int = 1_000_000_000):
    """The province's pool of ``source`` (opened by the finance officer), with money in it."""
    from housing_campaign.funding import services as funding
    from housing_campaign.funding.models import FundingPool

    actor = people.actor(people.finance)
    pool = FundingPool.objects.filter(campaign=campaign, source=source, unit=unit(unit_code)).first()
    if pool is None:
        pool = funding.pool_create(actor=actor, campaign_id=campaign.pk, source=source, unit_id=unit(unit_code).pk)
    if pool.balance < top_up_below:
        funding.pool_receive(actor=actor, pool_id=pool.pk, amount=10_000_000_000, received_on=timezone.localdate(),
                             reference="01/QĐ-UBND", note="Giao vốn")
        pool.refresh_from_db()
    return pool


def new_receipt(people, campaign, *, kind: str = "cash", amount=45_500_000,
                donor_name: str = "Công ty CP Cao su Kon Tum", donor_kind: str = "business", received_on=None,
                **data):
    """A donor and a receipt recorded on the Fatherland Front's desk (general money unless ``data`` earmarks it)."""
    from housing_campaign.contributions import services

    actor = people.actor(people.front)
    donor = services.donor_create(actor=actor, data={"kind": donor_kind, "name": donor_name,
                                                     "contact": "0260 3862 123, ông Minh"})
    return services.contribution_receive(actor=actor, data={
        "donor": donor.pk, "kind": kind, "amount": amount, "received_on": received_on or timezone.localdate(),
        "campaign": campaign.pk, **data})


def post_list(people, cases, *, kind: str = "review_list", starts_days_ago: int = 0, days: int = 7,
              user=None):
    """Record a posting of ``cases`` (all of one commune: the first case's) through the real service:
    ``days`` long, starting ``starts_days_ago`` days before today."""
    from housing_campaign.postings.services import posting_create

    today = timezone.localdate()
    start = today - dt.timedelta(days=starts_days_ago)
    return posting_create(actor=people.actor(user or people.officer), kind=kind, commune_id=cases[0].commune_id,
                          starts_on=start, ends_on=start + dt.timedelta(days=days - 1),
                          case_ids=[c.pk for c in cases], location="Nhà văn hóa thôn Đăk Xế")


def post_ended(people, cases, *, kind: str = "review_list"):
    """A posting of ``cases`` whose period ended yesterday."""
    return post_list(people, cases, kind=kind, starts_days_ago=7, days=7)


def advance(people, case, until: str):
    """Walk a HOME-commune case through the default workflow with the right people and forms."""
    from housing_campaign.cases import services as s

    today = timezone.localdate()
    steps = ["submit", "confirm", "end_posting", "approve", "allocate", "complete", "accept", "hand_over", "close"]
    stop = {"commune_confirmation": 1, "village_posting": 2, "eligibility_review": 3, "funding": 4,
            "construction": 5, "acceptance": 6, "handover": 7, "posting": 8, "closed": 9}[until]
    for action in steps[:stop]:
        case.refresh_from_db()
        if action in ("end_posting", "close"):
            post_ended(people, [case], kind="review_list" if action == "end_posting" else "results")
        if action == "confirm":
            s.case_update_confirmation(actor=people.actor(people.chairman), case_id=case.pk, data={
                "village_meeting_on": today, "village_meeting_total": 30, "village_meeting_agree": 28})
        if action == "allocate":
            from housing_campaign.funding.services import allocation_create

            allocation_create(actor=people.actor(people.finance), case_id=case.pk,
                              pool_id=state_pool(people, case.campaign).pk, amount=case.support_amount,
                              decision_number="12/QĐ-UBND", decision_date=today)
        if action == "complete":
            s.progress_add(actor=people.actor(people.inspector), case_id=case.pk, date=today, stage="finishing",
                           percent=100)
        if action == "accept":
            s.acceptance_record(actor=people.actor(people.inspector), case_id=case.pk, data={
                "usable_area": Decimal("36"), "hard_foundation": True, "hard_frame": True, "hard_roof": True,
                "lifespan_years": 25, "accepted_on": today})
        if action == "hand_over":
            s.handover_record(actor=people.actor(people.officer), case_id=case.pk, handed_over_on=today)
        who = {"submit": people.officer, "confirm": people.chairman, "end_posting": people.chairman,
               "approve": people.reviewer,
               "allocate": people.finance, "complete": people.inspector, "accept": people.inspector,
               "hand_over": people.chairman, "close": people.officer}[action]
        transition(people, who, case, action)
    case.refresh_from_db()
    return case
