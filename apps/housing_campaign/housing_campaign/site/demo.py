"""Deterministic demo data for the default site: the Kon Tum 2024–2025 campaign, 520 households
over 30 real communes (3 per legacy district), cases in every state walked through the real
services and workflow engine, demo users for each role with territories.

The same households, cases and states every time (a fixed random seed). Dates are laid out
backwards from the day of seeding so that the queues look alive (ages and SLA flags vary).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from housing_campaign.accounts.models import Role, UserTerritory
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.campaigns.models import Campaign
from housing_campaign.cases import services as case_services
from housing_campaign.cases.models import HousingCase
from housing_campaign.commendations.models import AwardForm
from housing_campaign.core.models import DocumentEvent
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.households.models import LandStatus
from housing_campaign.workflow import engine

from .demo_emulation import seed_emulation
from .demo_money import DemoMoney

DEMO_PASSWORD = "demo@2025"
SEED = 20240722
COMMUNE_CODES = [
    "23311", "23314", "23317", "23344", "23347", "23350", "23380", "23383", "23386", "23427", "23428", "23430",
    "23452", "23455", "23458", "23482", "23485", "23488", "23503", "23504", "23506", "23530", "23533", "23534",
    "23404", "23407", "23410", "23535", "23537", "23538",
]
HOME_COMMUNE = "23344"  # Xã Đăk Blô, huyện Đắk Glei
OTHER_COMMUNE = "23347"  # Xã Đăk Man, huyện Đắk Glei
HOME_DISTRICT = "610"
# Xã Kroong and Xã Đăk Ring finished their 2025 target before the campaign's deadlines (31/8/2025, 24/7/2025
# for the meritorious): their finished houses' timelines end on EARLY_BY, whatever the day of seeding, so that
# the suggestions' "communes that finished on time" has candidates (their target is those houses).
EARLY_COMMUNES = ("23314", "23455")
EARLY_BY = dt.date(2025, 6, 30)
FINISHED_TARGETS = ("handover", "posting", "closed")

VILLAGE_NAMES = ["Thôn Đăk Xế", "Làng Kon Klor", "Thôn Pêng Blong", "Plei Đôn", "Thôn Măng Khênh", "Làng Tê Pheo",
                 "Thôn Đăk Đoa", "Thôn Vi Rin", "Làng Kon Hia", "Thôn Long Zôn", "Plei Kần", "Thôn Ngọc Tăng"]
ETHNIC_NAMES = {
    "Xơ Đăng": (["A", "Y"], ["Thanh", "Hoa", "Nhứ", "Riêng", "Pheo", "Đoan", "Blưi", "Sương", "Hiếu", "Vang", "Kơ",
                            "Nhâm", "Rin", "Thuyên", "Ngọc", "Lan"]),
    "Ba Na": (["A", "Y", "Đinh"], ["Blơn", "Bí", "Hyun", "Lép", "Khâm", "Hơ", "Nhung", "Thoa", "Dun", "Tơ"]),
    "Gia Rai": (["Rơ Châm", "Siu", "Ksor", "Rah Lan", "Puih", "Nay"], ["Ơi", "H'Nhi", "Thuấn", "Y Ngăn", "Blik",
                                                                        "H'Hoan", "Dun", "Kpă", "Phăm"]),
    "Giẻ Triêng": (["A", "Y"], ["Rưm", "Tâm", "Đức", "Bảy", "Hùng", "Nở", "Lứ", "Vinh"]),
    "Brâu": (["Thao", "Y"], ["Nhe", "Meo", "Blang", "Sa", "Hên", "Zăng"]),
    "Rơ Măm": (["A", "Y"], ["Hiêu", "Phơn", "Breo", "Jơn", "Sen", "Băng"]),
    "Kinh": (["Nguyễn Văn", "Trần Thị", "Lê Văn", "Phạm Thị", "Hoàng Văn", "Võ Thị", "Đặng Văn"],
             ["Hùng", "Lan", "Dũng", "Hương", "Tuấn", "Mai", "Bình", "Hạnh", "Sơn"]),
}
ETHNIC_WEIGHTS = [("Xơ Đăng", 36), ("Ba Na", 18), ("Gia Rai", 10), ("Giẻ Triêng", 12), ("Brâu", 3), ("Rơ Măm", 3),
                  ("Kinh", 18)]
# Target state -> share of cases (per thousand) and the path of actions that reaches it.
# Workflow version 2: after the commune confirms, the village's list is posted (review_list) and the case
# moves on ("end_posting") when the period is over; after handover the results are posted before "close".
TARGETS = [
    ("survey", 150, []),
    ("returned", 30, ["submit", "return"]),
    ("commune_confirmation", 90, ["submit"]),
    ("village_posting", 20, ["submit", "confirm"]),
    ("eligibility_review", 140, ["submit", "confirm", "end_posting"]),
    ("funding", 100, ["submit", "confirm", "end_posting", "approve"]),
    ("construction", 150, ["submit", "confirm", "end_posting", "approve", "allocate"]),
    ("acceptance", 50, ["submit", "confirm", "end_posting", "approve", "allocate", "complete"]),
    ("handover", 50, ["submit", "confirm", "end_posting", "approve", "allocate", "complete", "accept"]),
    ("posting", 70, ["submit", "confirm", "end_posting", "approve", "allocate", "complete", "accept", "hand_over"]),
    ("closed", 120, ["submit", "confirm", "end_posting", "approve", "allocate", "complete", "accept", "hand_over",
                     "close"]),
    ("rejected", 20, ["submit", "confirm", "end_posting", "reject"]),
    ("withdrawn", 10, ["withdraw"]),
]
# Actions that need a posting whose period is over: (posting kind, days ago it started, its length).
POSTED_ACTIONS = {"end_posting": ("review_list", 45, 7), "close": ("results", 21, 7)}
# Cases of one village of the home commune left waiting for their list to be posted (the demo's path:
# ``canboxa`` posts it, residents send feedback, the job moves the others on after the period).
HOME_WAITING = 7
HOUSEHOLDS = 520

USERS = [
    # username, full name, role, (system, unit code), staff
    ("canboxa", "Y Thị Nhung", "commune_officer", ("legacy", HOME_COMMUNE), False),
    ("canboxa2", "A Đức", "commune_officer", ("legacy", OTHER_COMMUNE), False),
    ("chutichxa", "A Blưi", "commune_chairman", ("legacy", HOME_COMMUNE), False),
    ("chutichxa2", "Đinh Văn Tơ", "commune_chairman", ("legacy", OTHER_COMMUNE), False),
    ("thamdinh", "Trần Văn Sơn", "reviewer", ("legacy", HOME_DISTRICT), False),
    ("thamdinh_tinh", "Lê Thị Hạnh", "reviewer", ("legacy", "62"), False),
    ("taichinh", "Phạm Văn Dũng", "finance_officer", ("legacy", "62"), False),
    ("giamsat", "Nguyễn Văn Tuấn", "inspector", ("legacy", HOME_DISTRICT), False),
    ("mattran", "Y Lan", "fatherland_front", ("legacy", "62"), False),
    ("hoidong1", "Hoàng Văn Bình", "emulation_council", ("legacy", "62"), False),
    ("hoidong2", "Võ Thị Mai", "emulation_council", ("legacy", "62"), False),
    ("hoidong3", "Đặng Văn Hùng", "emulation_council", ("legacy", "62"), False),
    ("hoidong4", "Trần Thị Hương", "emulation_council", ("legacy", "62"), False),
    ("hoidong5", "Lê Văn Hùng", "emulation_council", ("legacy", "62"), False),
    ("thiduakt", "Nguyễn Thị Thu", "emulation_office", ("legacy", "62"), False),
    ("quantri", "Nguyễn Thị Lan", "administrator", ("legacy", "62"), True),
    ("thanhtra", "Phạm Thị Hoa", "auditor", ("legacy", "62"), True),
]


def _user(username: str, full_name: str, role_code: str, unit: AdminUnit, staff: bool):
    User = get_user_model()
    last, _, first = full_name.rpartition(" ")
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": first, "last_name": last, "is_staff": staff, "email": f"{username}@example.invalid"})
    if created:
        user.password = _password_hash()
        user.save()
    user.groups.add(Role.objects.get(code=role_code).group)
    UserTerritory.objects.get_or_create(user=user, unit=unit)
    return user


_HASH: list[str] = []


def _password_hash() -> str:
    """Hash once: every demo user shares the demo password, and PBKDF2 is slow by design."""
    from django.contrib.auth.hashers import make_password

    if not _HASH:
        _HASH.append(make_password(DEMO_PASSWORD))
    return _HASH[0]


def _name(rng: random.Random, ethnicity: str) -> str:
    prefixes, names = ETHNIC_NAMES[ethnicity]
    return f"{rng.choice(prefixes)} {rng.choice(names)}"


def _national_id(rng: random.Random, birth_year: int, female: bool) -> str:
    century = (0 if birth_year < 2000 else 2) + (1 if female else 0)
    return f"062{century}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


def demo_exists() -> bool:
    return HousingCase.objects.exists()


@dataclass
class Cast:
    """The demo's people: named users, and an officer and a chairman for every demo commune."""

    users: dict
    officers: dict
    chairmen: dict
    inspector_province: object


@transaction.atomic
def seed_demo(*, stdout=None) -> dict:
    """Seed 520 households and cases walked through the real services and engine, deterministically."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    campaign = Campaign.objects.get(code="kt2425")
    communes = list(AdminUnit.objects.filter(system="legacy", code__in=COMMUNE_CODES).select_related("successor"))
    units = {u.code: u for u in AdminUnit.objects.filter(system="legacy", code__in=[HOME_DISTRICT, "62"])}
    units.update({c.code: c for c in communes})
    cast = _seed_people(units, communes)
    _seed_signers(units, communes)
    villages = _seed_villages(communes)
    actor = _actor_cache()
    money = DemoMoney(campaign=campaign, finance=actor(cast.users["taichinh"]), front=actor(cast.users["mattran"]),
                      rng=random.Random(SEED + 12), today=today)
    money.seed_pools()
    counts: dict[str, int] = {}
    walks: list[_Walk] = []
    plan = _plan(rng)
    home_village = villages[units[HOME_COMMUNE].id][0]
    plan += [("village_posting", ["submit", "confirm"])] * HOME_WAITING
    for n, (target, path) in enumerate(plan):
        # The home commune gets a full spread of states for the demo officer.
        commune = communes[n % len(communes)] if 40 <= n < HOUSEHOLDS else units[HOME_COMMUNE]
        own_villages = [home_village] if n >= HOUSEHOLDS else villages[commune.id]
        case, start, step = _seed_case(rng, campaign, commune, target, path, own_villages, cast, actor, today)
        inspector = (cast.users["giamsat"] if commune.path.startswith(units[HOME_DISTRICT].path)
                     else cast.inspector_province)
        walk = _Walk(case=case, target=target, path=path, start=start, step=step, commune=commune,
                     inspector=inspector, early=commune.code in EARLY_COMMUNES and target in FINISHED_TARGETS)
        walks.append(walk)
        _walk_on(walk, cast=cast, actor=actor, rng=rng, money=money, today=today)
        counts[target] = counts.get(target, 0) + 1
    # The lists posted before the steps that need them, village by village, through the real service (the
    # houses finished early on their own lists: their postings move back with them).
    early_postings: list[int] = []
    for action, (kind, started_ago, days) in POSTED_ACTIONS.items():
        due = [w for w in walks if w.next_action == action]
        for early in (True, False):
            posted = _post([w for w in due if w.early == early], kind=kind,
                           starts_on=today - dt.timedelta(days=started_ago), days=days, cast=cast, actor=actor)
            early_postings += posted if early else []
        for walk in due:
            walk.posted = True
            _walk_on(walk, cast=cast, actor=actor, rng=rng, money=money, today=today)
    # Houses handed over recently: their results are on the notice board now.
    for early in (True, False):
        posted = _post([w for w in walks if w.target == "posting" and w.early == early], kind="results",
                       starts_on=today - dt.timedelta(days=3), days=7, cast=cast, actor=actor)
        early_postings += posted if early else []
    _finish_early([w for w in walks if w.early], early_postings, today)
    for walk in walks:
        _backdate(walk.case, walk.start, walk.step)
    from housing_campaign.reports.aggregates import recount

    recount()  # the log's dates were spread over the months the cases took: the aggregates follow them
    _backdate_allocations()
    _commune_contact(units[HOME_COMMUNE])
    _feedback(units[HOME_COMMUNE], cast=cast, actor=actor)
    money.seed_contributions(communes, units[HOME_COMMUNE])
    seed_emulation(campaign=campaign, communes=communes, users=cast.users, actor=actor, today=today, stdout=stdout)
    from .demo_reports import seed_targets

    # before the nominations: their evidence reads the targets
    seed_targets(campaign, communes, HOME_DISTRICT, finished_early=EARLY_COMMUNES)
    _nominations(rng, campaign, communes, cast.users, actor)
    if stdout:
        stdout.write(f"Đã tạo {len(plan)} hộ và hồ sơ tại {len(communes)} xã: "
                     + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "\n")
    return counts


def _seed_people(units: dict, communes: list) -> Cast:
    if not get_user_model().objects.filter(username="admin").exists():
        get_user_model().objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD,
                                                  first_name="Quản trị", last_name="Hệ thống")
    users = {u[0]: _user(u[0], u[1], u[2], units[u[3][1]], u[4]) for u in USERS}
    # A commune officer of a 2025 commune (after the reorganisation): sees cases mapped to it.
    home = units[HOME_COMMUNE]
    if home.successor_id:
        users["canboxa_moi"] = _user("canboxa_moi", "Y Sương", "commune_officer", home.successor, False)
    # Commune-level roles in every demo commune, so that any case can be walked by the engine.
    named = {HOME_COMMUNE: ("canboxa", "chutichxa"), OTHER_COMMUNE: ("canboxa2", "chutichxa2")}
    officers, chairmen = {}, {}
    for commune in communes:
        if commune.code in named:
            officer, chairman = named[commune.code]
            officers[commune.id], chairmen[commune.id] = users[officer], users[chairman]
            continue
        officers[commune.id] = _user(f"cbx_{commune.code}", f"Cán bộ {commune.short_name}", "commune_officer",
                                     commune, False)
        chairmen[commune.id] = _user(f"ctx_{commune.code}", f"Chủ tịch {commune.short_name}", "commune_chairman",
                                     commune, False)
    inspector_province = _user("giamsat_tinh", "Hồ Văn Kiên", "inspector", units["62"], False)
    Group.objects.get_or_create(name="Ban Chỉ đạo tỉnh")
    return Cast(users=users, officers=officers, chairmen=chairmen, inspector_province=inspector_province)


@transaction.atomic
def seed_signers() -> None:
    """The demo's signers on a demo site seeded before they existed (``setup_site --demo``); idempotent."""
    communes = list(AdminUnit.objects.filter(system="legacy", code__in=COMMUNE_CODES)
                    .select_related("successor", "parent"))
    units = {u.code: u for u in AdminUnit.objects.filter(system="legacy", code__in=[HOME_DISTRICT, "62"])}
    units.update({c.code: c for c in communes})
    if HOME_COMMUNE in units and "62" in units:
        _seed_signers(units, communes)


TERM_START = dt.date(2021, 7, 1)  # the 2021–2026 term of the People's Councils and Committees


def _seed_signers(units: dict, communes: list) -> None:
    """Who signs the documents of the demo's issuing bodies (``printing.Signer``): every demo commune and its
    district until 30/06/2025, the 2025 communes they became and the new province from 01/07/2025, the
    provinces' Fatherland Front committees and departments of home affairs. Names are invented (demo data);
    the home district's support-list decisions are signed by a vice-chairman for the chairman (KT.)."""
    from housing_campaign.geography.selectors import REORGANISED_ON
    from housing_campaign.printing.models import Organ, Signer
    from housing_campaign.printing.services import signer_create

    if Signer.objects.exists():
        return
    rng = random.Random(SEED + 17)
    last_legacy_day = REORGANISED_ON - dt.timedelta(days=1)
    kinh = [e for e in ETHNIC_NAMES if e != "Kinh"]

    def person(ethnic: bool = True) -> str:
        return _name(rng, rng.choice(kinh) if ethnic else "Kinh")

    def sign(unit, organ, name, *, start, end=None, deputy: str = ""):
        signer_create(unit=unit, organ=organ, full_name=name, valid_from=start, valid_to=end,
                      authority=Signer.Authority.DEPUTY if deputy else Signer.Authority.HEAD, position=deputy,
                      note="Dữ liệu minh họa")

    home = units[HOME_COMMUNE]
    province = units["62"]
    province_2025 = AdminUnit.objects.filter(system="2025", code="51").first()
    districts = {c.parent_id: c.parent for c in communes if c.parent_id}
    successors = {c.successor_id: c.successor for c in communes if c.successor_id}
    for commune in communes:
        chairman = "A Blưi" if commune.pk == home.pk else person()
        sign(commune, Organ.PEOPLE_COMMITTEE, chairman, start=TERM_START, end=last_legacy_day)
        sign(commune, Organ.FATHERLAND_FRONT, person(), start=TERM_START, end=last_legacy_day)
    for district in districts.values():
        if district.code == HOME_DISTRICT:
            sign(district, Organ.PEOPLE_COMMITTEE, "Trần Thị Mai", start=TERM_START, end=last_legacy_day,
                 deputy="Phó Chủ tịch")
        else:
            sign(district, Organ.PEOPLE_COMMITTEE, person(ethnic=False), start=TERM_START, end=last_legacy_day)
        sign(district, Organ.FATHERLAND_FRONT, person(), start=TERM_START, end=last_legacy_day)
    for unit in successors.values():
        sign(unit, Organ.PEOPLE_COMMITTEE, "Y Ngọc" if unit.pk == home.successor_id else person(),
             start=REORGANISED_ON)
        sign(unit, Organ.FATHERLAND_FRONT, person(), start=REORGANISED_ON)
    for organ in (Organ.PEOPLE_COMMITTEE, Organ.FATHERLAND_FRONT, Organ.HOME_AFFAIRS):
        sign(province, organ, person(ethnic=False), start=TERM_START, end=last_legacy_day)
        if province_2025 is not None:
            sign(province_2025, organ, person(ethnic=False), start=REORGANISED_ON)


def _seed_villages(communes: list) -> dict[int, list]:
    villages = {}
    for i, commune in enumerate(communes):
        names = VILLAGE_NAMES[i % 4::1][:4] if i % 2 else VILLAGE_NAMES[(i * 3) % 12:][:4]
        names = (names + VILLAGE_NAMES)[:4]
        villages[commune.id] = [Village.objects.get_or_create(commune=commune, name=n)[0] for n in names]
    return villages


def _plan(rng: random.Random) -> list[tuple[str, list[str]]]:
    """Which target state each household's case ends in, and the actions that reach it."""
    plan = []
    for state, per_mille, path in TARGETS:
        plan += [(state, path)] * round(HOUSEHOLDS * per_mille / 1000)
    while len(plan) < HOUSEHOLDS:
        plan.append(("survey", []))
    plan = plan[:HOUSEHOLDS]
    rng.shuffle(plan)
    return plan


def _actor_cache():
    actors = {}

    def actor(user):
        if user.pk not in actors:
            actors[user.pk] = actor_for(user)
        return actors[user.pk]
    return actor


AGE_DAYS = {"survey": 5, "returned": 20, "commune_confirmation": 25, "village_posting": 30, "eligibility_review": 40,
            "funding": 60, "construction": 120, "acceptance": 170, "handover": 185, "posting": 200, "closed": 300,
            "rejected": 90, "withdrawn": 30}


def _seed_case(rng, campaign, commune, target, path, villages, cast, actor, today):
    """One household and its surveyed case; returns the case, its survey date and days per step."""
    ethnicity = rng.choices([e for e, _ in ETHNIC_WEIGHTS], [w for _, w in ETHNIC_WEIGHTS])[0]
    birth_year = rng.randint(1950, 2000)
    female = rng.random() < 0.4
    category = rng.choices(["poor", "near_poor", "meritorious", "disaster", "other"], [60, 24, 8, 5, 3])[0]
    if target == "rejected":
        category = "other"
    elif category == "other" and path:
        category = "poor"
    village = rng.choice(villages)
    officer = actor(cast.officers[commune.id])
    household = case_services.household_create(actor=officer, campaign=campaign, data={
        "head_name": _name(rng, ethnicity), "national_id": _national_id(rng, birth_year, female),
        "category": category, "ethnicity": ethnicity, "is_ethnic_minority": ethnicity != "Kinh",
        "social_assistance": rng.random() < 0.15, "commune": commune, "village": village,
        "split_on": (dt.date(rng.randint(1995, 2019), rng.randint(1, 12), rng.randint(1, 28))
                     if rng.random() < 0.3 else None),
        "earlier_support": False, "land_status": LandStatus.UNDISPUTED,
        "address": village.name, "phone": f"09{rng.randrange(10**8):08d}"})
    age = AGE_DAYS[target] + rng.randint(0, 25)
    start = today - dt.timedelta(days=age)
    persons = rng.randint(1, 8)
    area = Decimal(rng.randint(8, 17) if persons == 1 else rng.randint(10, min(29, 7 * persons))).quantize(
        Decimal("0.1"))
    unstable = ["unstable", "unstable", rng.choice(["stable", "unstable"])]
    rng.shuffle(unstable)
    strands = {s.code: s for s in campaign.strands.all()}
    rounds = list(campaign.rounds.order_by("number"))
    strand = strands["phong_trao"] if rng.random() < 0.8 else strands["giam_ngheo"]
    support_type = "new_build" if rng.random() < 0.8 else "repair"
    survey_round = rounds[0] if age > 60 or len(rounds) == 1 else rounds[1]
    case = case_services.case_create(actor=officer, campaign=campaign, household=household,
                                     survey_round=survey_round, data={
        "strand": strand, "support_type": support_type, "floor_area": area, "persons": persons,
        "foundation": unstable[0], "frame_walls": unstable[1], "roof": unstable[2],
        "remaining_lifespan_years": rng.randint(1, 6), "surveyed_on": start,
        "survey_note": "Nhà tạm vách gỗ, mái tôn dột" if support_type == "new_build" else "Mái dột, tường nứt",
        "village": village})
    return case, start, max(1, age // (len(path) + 1))


def _walk(case, action, moment, *, officer, chairman, reviewer, finance, inspector, actor, rng, money):
    """Take one action as the right person, filling the stage's form first as they would."""
    case.refresh_from_db()
    if action == "confirm" or (action == "return" and case.state == "commune_confirmation"):
        case_services.case_update_confirmation(actor=actor(chairman), case_id=case.pk, data={
            "village_meeting_on": moment, "village_meeting_total": rng.randint(25, 60),
            "village_meeting_agree": rng.randint(20, 25), "commune_list_number": f"{rng.randint(1, 40)}/DS-UBND"})
    if action == "allocate":
        case.refresh_from_db()
        money.allocate(case, moment)  # the state support of the norm, from the pools (site/demo_money.py)
    if action == "complete":
        for stage, pct in (("foundation", 30), ("frame", 70), ("finishing", 100)):
            case_services.progress_add(actor=actor(inspector), case_id=case.pk, date=moment, stage=stage,
                                       percent=pct, note=f"Hoàn thành {pct}%")
    if action == "accept":
        case_services.acceptance_record(actor=actor(inspector), case_id=case.pk, data={
            "usable_area": Decimal(rng.choice([30, 32, 36, 40])), "hard_foundation": True, "hard_frame": True,
            "hard_roof": True, "lifespan_years": 20 + rng.randint(0, 10), "accepted_on": moment})
    if action == "hand_over":
        case_services.handover_record(actor=actor(officer), case_id=case.pk, handed_over_on=moment)
    who = {"submit": officer, "withdraw": officer, "resubmit": officer, "confirm": chairman,
           "end_posting": chairman, "approve": reviewer,
           "reject": reviewer, "allocate": finance, "complete": inspector, "accept": inspector,
           "hand_over": chairman, "close": officer}.get(action)
    if action == "return":
        who = chairman
    comment = {"return": "Bổ sung ảnh hiện trạng và xác nhận diện tích.", "reject": "Hộ không thuộc đối tượng.",
               "withdraw": "Hộ đã tự làm nhà."}.get(action, "")
    engine.document_transition(actor=actor(who), doctype="housing_case", object_id=case.pk, action=action,
                               comment=comment)


@dataclass
class _Walk:
    """A case on its way to its target state: the actions left, and whether its next one, which needs a
    posting whose period is over, has had it."""

    case: HousingCase
    target: str
    path: list
    start: dt.date
    step: int
    commune: AdminUnit
    inspector: object
    done: int = 0
    posted: bool = False
    early: bool = False    # a finished house of EARLY_COMMUNES (its dates moved back by _finish_early)

    @property
    def next_action(self) -> str | None:
        return self.path[self.done] if self.done < len(self.path) else None


def _walk_on(walk: _Walk, *, cast, actor, rng, money, today) -> None:
    """Take the case's actions until its target, or until one that needs a posting it has not had yet."""
    while walk.next_action:
        action = walk.next_action
        if action in POSTED_ACTIONS and not walk.posted:
            return
        walk.posted = False
        walk.done += 1
        moment = min(today, walk.start + dt.timedelta(days=walk.step * walk.done))
        commune_id = walk.commune.id
        _walk(walk.case, action, moment, officer=cast.officers[commune_id], chairman=cast.chairmen[commune_id],
              reviewer=cast.users["thamdinh_tinh"], finance=cast.users["taichinh"], inspector=walk.inspector,
              actor=actor, rng=rng, money=money)
        # Stage inspections with their photos, and the tranches they release.
        if action == "allocate" and (walk.target != "construction" or money.rng.random() < 0.7):
            money.inspect(walk.case, "start", moment, actor(walk.inspector), release=0)
        if action == "complete":
            money.inspect(walk.case, "acceptance", moment, actor(walk.inspector), release=1)


def _post(walks: list[_Walk], *, kind: str, starts_on: dt.date, days: int, cast, actor) -> list[int]:
    """One posting per village of the cases, recorded by the commune's officer (postings.services); their ids."""
    from housing_campaign.postings.services import posting_create

    groups: dict[tuple, list[_Walk]] = {}
    for walk in walks:
        walk.case.refresh_from_db(fields=["state", "state_since", "village"])
        groups.setdefault((walk.commune.id, walk.case.village_id), []).append(walk)
    ids = []
    for (commune_id, village_id), group in groups.items():
        village = group[0].case.village
        place = f"Nhà văn hóa {village.name}" if village else f"Trụ sở UBND {group[0].commune.name}"
        ids.append(posting_create(actor=actor(cast.officers[commune_id]), kind=kind, commune_id=commune_id,
                                  village_id=village_id, starts_on=starts_on,
                                  ends_on=starts_on + dt.timedelta(days=days - 1),
                                  case_ids=[w.case.pk for w in group], location=place).pk)
    return ids


def _finish_early(walks: list[_Walk], posting_ids: list[int], today: dt.date) -> None:
    """The houses of EARLY_COMMUNES finished before the 2025 deadlines: walked through the services like the
    others (which refuse dates far in the past), then every date of theirs moved back by the same number of days
    so that their last step falls on EARLY_BY at the latest: the log (laid from ``walk.start`` by ``_backdate``),
    the survey, meetings, decisions, progress, acceptance, handover, photos, allocations and their pool entries,
    inspections, releases, and their own postings."""
    from django.db.models import Q

    from housing_campaign.cases.models import Acceptance, Attachment, ProgressEntry
    from housing_campaign.funding.models import Allocation, Inspection, PoolEntry, Release
    from housing_campaign.postings.models import Posting

    shift = dt.timedelta(days=max(0, (today - EARLY_BY).days))
    if not walks or not shift:
        return
    ids = [w.case.pk for w in walks]
    for walk in walks:
        walk.start -= shift
    for qs, fields in (
            (HousingCase.objects.filter(pk__in=ids), ["surveyed_on", "village_meeting_on", "approval_decision_date",
                                                      "construction_started_on", "handed_over_on"]),
            (ProgressEntry.objects.filter(case_id__in=ids), ["date"]),
            (Acceptance.objects.filter(case_id__in=ids), ["accepted_on"]),
            (Attachment.objects.filter(case_id__in=ids), ["taken_at"]),
            (Allocation.objects.filter(case_id__in=ids), ["decision_date"]),
            (PoolEntry.objects.filter(Q(case_id__in=ids) | Q(allocation__case_id__in=ids)), ["on_date"]),
            (Inspection.objects.filter(case_id__in=ids), ["inspected_on"]),
            (Release.objects.filter(case_id__in=ids), ["released_on"]),
            (Posting.objects.filter(pk__in=posting_ids), ["starts_on", "ends_on"])):
        rows = list(qs)
        for row in rows:
            for name in fields:
                if getattr(row, name) is not None:
                    setattr(row, name, getattr(row, name) - shift)
        if rows:
            qs.model.objects.bulk_update(rows, fields)


def _commune_contact(commune: AdminUnit) -> None:
    from housing_campaign.postings.models import CommuneContact

    CommuneContact.objects.update_or_create(unit=commune, defaults={
        "office": f"Bộ phận Một cửa, UBND {commune.name} (dữ liệu minh họa)",
        "address": f"Trụ sở UBND {commune.name}, huyện Đắk Glei, tỉnh Kon Tum (địa chỉ minh họa)",
        "phone": "0260 3000 000 (số minh họa)", "hours": "Sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu",
        "person": "Y Thị Nhung, cán bộ Văn hóa – Xã hội"})


def _feedback(commune: AdminUnit, *, cast, actor) -> None:
    """Residents' feedback in the home commune, sent through the public form's service: one about a house
    on the results posting now on the board (it holds that case), one handed to the officer, one answered
    and resolved (its answer on the public tracking page)."""
    from housing_campaign.feedback.services import feedback_act, feedback_submit
    from housing_campaign.postings.models import PostingEntry

    entry = (PostingEntry.objects.filter(posting__commune=commune, posting__kind="results",
                                         posting__cancelled_at__isnull=True).order_by("-posting__starts_on", "number")
             .first())
    if entry is not None:
        feedback_submit(commune_id=commune.pk, kind="poor_construction", client_key="demo-1",
                        posting_id=entry.posting_id, entry_id=entry.pk,
                        text="Nhà mới bàn giao nhưng mái tôn phía sau bị dột khi mưa to, đề nghị xã kiểm tra.")
    chairman, officer = actor(cast.chairmen[commune.id]), cast.officers[commune.id]
    road = feedback_submit(commune_id=commune.pk, kind="other", client_key="demo-2",
                           text="Đường vào khu nhà mới ở thôn chưa có đèn, xin xã xem xét lắp thêm.")
    feedback_act(actor=chairman, feedback_id=road.pk, action="assign", data={"assignee": str(officer.pk)},
                 expected_lock_version=road.lock_version)
    asked = feedback_submit(commune_id=commune.pk, kind="money_not_received", client_key="demo-3",
                            text="Gia đình tôi chưa nhận được đợt 2 tiền hỗ trợ làm nhà, nhờ xã kiểm tra giúp.")
    feedback_act(actor=chairman, feedback_id=asked.pk, action="answer", publish_confirmed=True,
                 data={"answer": "Đợt 2 được giải ngân sau khi nghiệm thu hoàn thành; xã đã hẹn nghiệm thu trong "
                                 "tuần tới và sẽ báo lại gia đình.", "outcome": "partly"},
                 expected_lock_version=asked.lock_version)
    asked.refresh_from_db()
    feedback_act(actor=chairman, feedback_id=asked.pk, action="close")


def _backdate_allocations() -> None:
    """Allocations recorded on the day of their decision (reports "as of" a date count them from then)."""
    from housing_campaign.funding.models import Allocation

    tz = timezone.get_current_timezone()
    rows = list(Allocation.objects.filter(decision_date__isnull=False).only("id", "decision_date", "created_at"))
    for row in rows:
        row.created_at = min(dt.datetime.combine(row.decision_date, dt.time(9, 0), tz), row.created_at)
    Allocation.objects.bulk_update(rows, ["created_at"], batch_size=1000)


def _backdate(case, start: dt.date, step: int) -> None:
    """Spread the case's timeline over the days it would really have taken."""
    events = list(DocumentEvent.objects.filter(doctype="housing_case", object_id=case.pk).order_by("id"))
    tz = timezone.get_current_timezone()
    moment = dt.datetime.combine(start, dt.time(8, 30), tz)
    last_transition = moment
    for event in events:
        if event.kind == "transition":
            moment = min(moment + dt.timedelta(days=step, hours=1), timezone.now() - dt.timedelta(hours=1))
            last_transition = moment
        event.at = moment
    DocumentEvent.objects.bulk_update(events, ["at"])
    HousingCase.objects.filter(pk=case.pk).update(state_since=last_transition)


def _nominations(rng, campaign, communes, users, actor):
    """The movement's commendations, filed and moved through the services by whom competence allows: a
    provincial chairman's Bằng khen decided (council minutes, numbered decision, certificate printed and
    presented: the public honour roll is not empty), one in the council's vote (two of the three votes cast),
    a Prime Minister's Bằng khen proposed up with a numbered proposal and waiting for the higher level, and a
    commune's nomination waiting for the emulation office's review. The top donor and the communes are left for
    the secretariat to nominate (the path of issue 15's "Done when"). Participants are found or created with
    ``get_or_create`` on (campaign, kind, name, unit), as the movement's own demo does."""
    from django.db.models import Sum

    from housing_campaign.commendations import services as awards
    from housing_campaign.commendations.documents import committee_name
    from housing_campaign.contributions.models import Contribution, Donor
    from housing_campaign.emulation.models import Participant

    forms = {f.code: f for f in AwardForm.objects.all()}
    home = AdminUnit.objects.get(system="legacy", code=HOME_COMMUNE)
    province = campaign.province
    district = home.parent
    today = timezone.localdate()

    def participant(kind, name, where, **links):
        found, _ = Participant.objects.get_or_create(
            campaign=campaign, kind=kind, name=name, unit=where,
            defaults={"group": Participant.KIND_GROUPS[kind], "unit_path": where.path,
                      "unit_2025_path": where.successor.path if where.successor_id else "", **links})
        return found

    def donor_participant(name, kind):
        donor = Donor.objects.filter(name=name).first()
        if donor is not None and Participant.objects.filter(campaign=campaign, donor=donor).exists():
            return Participant.objects.get(campaign=campaign, donor=donor)
        return participant(kind, name, province, **({"donor": donor} if donor else {}))

    top = (Contribution.objects.filter(campaign=campaign).values("donor__name").annotate(total=Sum("received_amount"))
           .order_by("-total").values_list("donor__name", flat=True).first())
    company = next(name for name in ("Công ty Thủy điện Thượng Kon Tum", "Ngân hàng TMCP Công Thương") if name != top)
    office, front = actor(users["thiduakt"]), actor(users["mattran"])
    council = [actor(users[f"hoidong{i}"]) for i in range(1, 6)]
    def file(who, by, form, what):
        return awards.nomination_create(actor=by, campaign=campaign, participant=who, award_form=forms[form],
                                        achievement=what[:1].upper() + what[1:] + ".")

    def to_council(nomination, by):
        awards.nomination_act(actor=by, nomination_id=nomination.pk, action="submit")
        awards.nomination_act(actor=office, nomination_id=nomination.pk, action="approve",
                              comment="Hồ sơ đủ thành phần, thành tích có minh chứng")

    def votes(nomination, members):
        for member in members:
            awards.nomination_vote(actor=member, nomination_id=nomination.pk, vote="for")

    # 1. Decided: the provincial chairman's Bằng khen to a business that gave generously.
    decided = file(donor_participant(company, Participant.Kind.BUSINESS), office, "bang_khen_chu_tich_tinh",
                   "ủng hộ tiền, vật liệu xây dựng cho các hộ nghèo huyện Đắk Glei")
    to_council(decided, office)
    votes(decided, council[:3])
    awards.council_minutes_issue(actor=office, nomination_ids=[decided.pk], chair_name="Trần Minh Đức",
                                 meeting_on=today - dt.timedelta(days=12))
    awards.nomination_decide(actor=office, nomination_ids=[decided.pk], signer_name="Trần Minh Đức",
                             signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", decided_on=today - dt.timedelta(days=10))
    awards.nomination_certificate_issue(actor=office, nomination_id=decided.pk)
    awards.nomination_act(actor=office, nomination_id=decided.pk, action="award",
                          comment="Trao tại hội nghị sơ kết phong trào")
    # 2. In the council's vote: the provincial Red Cross, proposed by the Fatherland Front; two votes cast.
    voting = file(participant(Participant.Kind.FRONT_ORGANISATION, "Hội Chữ thập đỏ tỉnh Kon Tum", province),
                  front, "bang_khen_chu_tich_tinh", "vận động hội viên, nhà hảo tâm đóng góp ngày công, vật liệu")
    to_council(voting, front)
    votes(voting, council[:2])
    # 3. Proposed up: the Prime Minister's Bằng khen to the district that finished first, proposal numbered.
    national = file(participant(Participant.Kind.PEOPLES_COMMITTEE, committee_name(district), district), office,
                    "bang_khen_thu_tuong", "hoàn thành xóa nhà tạm, nhà dột nát trước thời hạn của tỉnh")
    to_council(national, office)
    votes(national, council[2:5])
    awards.nomination_propose(actor=office, nomination_ids=[national.pk], signer_name="Trần Minh Đức",
                              proposed_on=today - dt.timedelta(days=5))
    # 4. Waiting for the office's review: a household's own labour, nominated by its commune.
    household = file(participant(Participant.Kind.HOUSEHOLD, "Gia đình ông A Sớ", home), actor(users["canboxa"]),
                     "giay_khen_chu_tich_xa", "tự góp 40 ngày công và vận động họ hàng cùng dựng nhà")
    awards.nomination_act(actor=actor(users["canboxa"]), nomination_id=household.pk, action="submit")
