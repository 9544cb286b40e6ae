"""Suggestions for the council's secretariat (the emulation office): candidates for commendation ranked per group
from the evidence in the records, and the one click that turns a suggestion into a nomination.

Candidates are found in the records, not only among registered participants: the People's Committees of the
communes with a target (group b), the donors of the contributions ledger by value and by workdays, the households
that put their own money and labour into their house (group d), the officials who handled cases or recorded
initiatives (group đ), and the departments and organisations taking part (groups a, c). A candidate that is not
a participant yet becomes one when it is nominated (the office creates participants). Each candidate shows the
figures it was ranked by, and its nomination's code and state once nominated.

A fixed number of queries whatever the number of communes, donors, households or officials (about forty for
the whole page: each ranking reads its records with grouped queries, then one query finds the participants and
one their nominations)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.models import UserTerritory
from housing_campaign.accounts.selectors import Actor, units_visible
from housing_campaign.campaigns.models import Campaign
from housing_campaign.commendations.documents import committee_name
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import format_number, format_vnd
from housing_campaign.geography.models import AdminUnit

from . import evidence, rules
from .models import Group, Participant
from .selectors import participants_visible
from .services import person_name

TOP = 10
TOP_MAX = 50
DEFAULT_AWARD = "bang_khen_chu_tich_tinh"
DONOR_KIND_TO_PARTICIPANT = {"business": Participant.Kind.BUSINESS, "organisation": Participant.Kind.ORGANISATION,
                             "household": Participant.Kind.HOUSEHOLD, "individual": Participant.Kind.PERSON}


@dataclass
class Candidate:
    key: str                      # "unit:12", "donor:3", "household:7", "user:5", "participant:9"
    name: str
    kind: str                     # the participant's kind (or the one it would be created with)
    unit: AdminUnit
    participant: Participant | None = None
    figures: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""
    flag: str = ""
    nomination: object = None     # the nomination under way or decided, if any
    nomination_state: str = ""
    rank: int = 0

    @property
    def kind_label(self) -> str:
        return str(Participant.Kind(self.kind).label)


@dataclass
class Ranking:
    code: str
    title: str
    group: str
    note: str
    candidates: list[Candidate]

    @property
    def group_label(self) -> str:
        return str(Group(self.group).label) if self.group in Group.values else self.group


def _days(value) -> str:
    return gettext("%(days)s ngày công") % {"days": format_number(value)}


# ---------------------------------------------------------------------------- the rankings
def suggestions(actor: Actor, campaign: Campaign, *, top: int = TOP, today: dt.date | None = None) -> list[Ranking]:
    """The rankings of the page, for candidates inside the actor's territory."""
    today = today or timezone.localdate()
    top = max(1, min(top, TOP_MAX))
    rankings = [_communes(actor, campaign, top, today), *_donors(actor, campaign, top),
                _households(actor, campaign, top), _officials(actor, campaign, top),
                _units(actor, campaign, top, today)]
    _attach(campaign, [c for r in rankings for c in r.candidates])
    return rankings


def _communes(actor: Actor, campaign: Campaign, top: int, today: dt.date) -> Ranking:
    from housing_campaign.reports.models import Target

    committees = list(participants_visible(actor).filter(campaign=campaign, kind=Participant.Kind.PEOPLES_COMMITTEE)
                      .select_related("unit", "unit__parent"))
    with_target = (units_visible(actor).filter(system=AdminUnit.System.LEGACY, level=AdminUnit.Level.COMMUNE,
                                               pk__in=Target.objects.filter(campaign=campaign).values("unit_id"))
                   .select_related("parent"))
    units = {p.unit_id: p.unit for p in committees}
    for unit in with_target:
        units.setdefault(unit.pk, unit)
    units = list(units.values())
    houses = evidence.houses_by_unit(campaign, units, today=today)
    money, _front = evidence.money_by_unit(campaign, units)
    postings = evidence.postings_by_unit(campaign, units)
    complaints = evidence.complaints_by_unit(campaign, units)
    order = sorted(units, key=lambda u: (not houses[u.pk].on_time, -(houses[u.pk].percent or 0),
                                         -houses[u.pk].finished, u.name))
    candidates = []
    for unit in order[:top]:
        h, m, n, c = houses[unit.pk], money[unit.pk], postings[unit.pk], complaints[unit.pk]
        figures = [(gettext("Hoàn thành / chỉ tiêu"), f"{h.finished} / {h.target}"
                    + (f" ({format_number(h.percent, 1)}%)" if h.percent is not None else "")),
                   (gettext("Hoàn thành đúng hạn"), f"{h.finished_on_time} / {h.target}"),
                   (gettext("Huy động đóng góp"), format_vnd(m.received)),
                   (gettext("Niêm yết công khai"), gettext("%(n)s đợt") % {"n": n.held}),
                   (gettext("Phản ánh trả lời đúng hạn"), f"{c.answered_in_time} / {c.answered}")]
        candidates.append(Candidate(key=f"unit:{unit.pk}", name=committee_name(unit),
                                    kind=Participant.Kind.PEOPLES_COMMITTEE, unit=unit, figures=figures,
                                    flag=gettext("Hoàn thành toàn bộ chỉ tiêu đúng hạn") if h.on_time else ""))
    return Ranking("communes", gettext("Ủy ban nhân dân hoàn thành chỉ tiêu đúng hạn"), Group.PEOPLES_COMMITTEES,
                   gettext("Xếp theo: hoàn thành toàn bộ chỉ tiêu trước hạn của từng nhóm đối tượng, rồi tỷ lệ nhà "
                           "hoàn thành so với chỉ tiêu, rồi số nhà hoàn thành."), candidates)


def _donors(actor: Actor, campaign: Campaign, top: int) -> list[Ranking]:
    from housing_campaign.contributions.selectors import donors_visible

    gifts = evidence.gifts_by_donor(campaign)
    donors = {d.pk: d for d in donors_visible(actor).filter(pk__in=[k for k, g in gifts.items() if g.received])
              .select_related("unit")}
    rankings = []
    for code, title, note, measure in (
            ("donors_value", gettext("Nhà tài trợ, người ủng hộ đóng góp nhiều nhất"),
             gettext("Xếp theo tổng giá trị đã nhận theo biên nhận (tiền, vật liệu, ngày công quy ra tiền)."),
             lambda g: g.received),
            ("donors_workdays", gettext("Đóng góp nhiều ngày công nhất"),
             gettext("Xếp theo số ngày công đã đóng góp theo biên nhận."), lambda g: g.workdays)):
        order = sorted((d for d in donors.values() if measure(gifts[d.pk])),
                       key=lambda d: (-measure(gifts[d.pk]), d.name))
        candidates = []
        for donor in order[:top]:
            g = gifts[donor.pk]
            kind = DONOR_KIND_TO_PARTICIPANT.get(donor.kind, Participant.Kind.ORGANISATION)
            figures = [(gettext("Đã đóng góp"), format_vnd(g.received)),
                       (gettext("Ngày công"), _days(g.workdays)),
                       (gettext("Số nhà giúp trực tiếp"), str(g.houses)),
                       (gettext("Số biên nhận"), str(g.receipts))]
            candidates.append(Candidate(key=f"donor:{donor.pk}", name=donor.name, kind=kind, unit=donor.unit,
                                        figures=figures, url=reverse("donations:donor", args=[donor.pk])))
        group = Group.ORGANISATIONS_BUSINESSES_HOUSEHOLDS
        rankings.append(Ranking(code, title, group, note, candidates))
    return rankings


def _households(actor: Actor, campaign: Campaign, top: int) -> Ranking:
    from housing_campaign.households.selectors import households_visible

    shares = evidence.own_share_by_household(campaign)
    households = {h.pk: h for h in households_visible(actor).filter(pk__in=list(shares))
                  .select_related("commune")}
    order = sorted(households.values(), key=lambda h: (-shares[h.pk].workdays, -shares[h.pk].total, h.head_name))
    candidates = []
    for household in order[:top]:
        s = shares[household.pk]
        candidates.append(Candidate(
            key=f"household:{household.pk}", name=gettext("Hộ %(name)s") % {"name": household.head_name},
            kind=Participant.Kind.HOUSEHOLD, unit=household.commune,
            figures=[(gettext("Ngày công tự làm"), _days(s.workdays)),
                     (gettext("Phần tự có góp vào nhà"), format_vnd(s.total)),
                     (gettext("Xã"), household.commune.name)]))
    return Ranking("households", gettext("Hộ gia đình góp công, góp của làm nhà"),
                   Group.ORGANISATIONS_BUSINESSES_HOUSEHOLDS,
                   gettext("Xếp theo số ngày công tự làm, rồi phần tự có đã góp vào nhà của hộ (“hộ gia đình tự tổ "
                           "chức xây dựng nhà ở”)."), candidates)


def _officials(actor: Actor, campaign: Campaign, top: int) -> Ranking:
    from django.contrib.auth import get_user_model

    work = evidence.work_by_user(campaign)
    officials = list(participants_visible(actor).filter(campaign=campaign, kind=Participant.Kind.OFFICIAL)
                     .select_related("unit", "user"))
    ideas = evidence.initiatives_by_participant(campaign, [p.pk for p in officials]) if officials else {}
    by_user = {p.user_id: p for p in officials if p.user_id}
    territories: dict[int, list] = {}
    for user_id, unit in ((t.user_id, t.unit) for t in UserTerritory.objects.filter(
            user_id__in=[*work, *by_user]).select_related("unit").order_by("unit__path")):
        territories.setdefault(user_id, []).append(unit)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(territories), is_superuser=False,
                                                             is_active=True)}
    rows = []
    for user_id, user in users.items():
        inside = [u for u in territories[user_id] if _covers(actor, u)]
        if not inside:
            continue
        participant = by_user.get(user_id)
        rows.append((user, inside[0], participant, work.get(user_id, evidence.Work()),
                     ideas.get(participant.pk, evidence.Ideas()) if participant else evidence.Ideas()))
    for participant in officials:
        if not participant.user_id:
            rows.append((None, participant.unit, participant, evidence.Work(),
                         ideas.get(participant.pk, evidence.Ideas())))
    rows.sort(key=lambda r: (-r[4].adopted, -r[4].recorded, -r[3].cases, -r[3].actions,
                             r[2].name if r[2] else person_name(r[0])))
    candidates = []
    for user, unit, participant, w, i in rows[:top]:
        name = participant.name if participant else person_name(user)
        key = f"participant:{participant.pk}" if participant and not user else f"user:{user.pk}"
        candidates.append(Candidate(
            key=key, name=name, kind=Participant.Kind.OFFICIAL, unit=unit, participant=participant,
            figures=[(gettext("Hồ sơ đã xử lý"), gettext("%(cases)s hồ sơ, %(actions)s lượt") % {
                "cases": w.cases, "actions": w.actions}),
                (gettext("Sáng kiến (được áp dụng)"), f"{i.recorded} ({i.adopted})"),
                (gettext("Địa bàn"), unit.name)]))
    return Ranking("officials", gettext("Cán bộ, công chức xử lý nhiều hồ sơ, có sáng kiến"), Group.INDIVIDUALS,
                   gettext("Xếp theo số sáng kiến được áp dụng, sáng kiến đã ghi nhận, rồi số hồ sơ đã xử lý "
                           "(chuyển bước, biểu quyết ghi trong nhật ký hồ sơ)."), candidates)


def _covers(actor: Actor, unit: AdminUnit) -> bool:
    return any(a.covers(unit.path) for a in actor.all_authorities)


def _units(actor: Actor, campaign: Campaign, top: int, today: dt.date) -> Ranking:
    units = list(participants_visible(actor).filter(
        campaign=campaign, kind__in=[Participant.Kind.DEPARTMENT, Participant.Kind.FRONT_ORGANISATION])
        .select_related("unit", "unit__parent"))
    book = evidence.EvidenceBook(campaign, units, today=today)

    def score(p):
        ideas = book.ideas.get(p.pk, evidence.Ideas())
        reporting = book.reporting.get(p.pk, evidence.Reporting())
        money = book.front_money.get(p.unit_id, evidence.Money())
        return (-ideas.adopted, -reporting.on_time, -money.received, -ideas.recorded, p.name)

    candidates = []
    for p in sorted(units, key=score)[:top]:
        ideas = book.ideas.get(p.pk, evidence.Ideas())
        reporting = book.reporting.get(p.pk, evidence.Reporting())
        figures = [(gettext("Sáng kiến (được áp dụng)"), f"{ideas.recorded} ({ideas.adopted})"),
                   (gettext("Kế hoạch, báo cáo đúng hạn"), f"{reporting.on_time} / {reporting.due}")]
        if p.kind == Participant.Kind.FRONT_ORGANISATION:
            figures.append((gettext("Đóng góp Mặt trận tiếp nhận"),
                            format_vnd(book.front_money.get(p.unit_id, evidence.Money()).received)))
        candidates.append(Candidate(key=f"participant:{p.pk}", name=p.name, kind=p.kind, unit=p.unit, participant=p,
                                    figures=figures))
    return Ranking("units", gettext("Sở, ban, ngành và tổ chức Mặt trận, đoàn thể"), "a,c",
                   gettext("Xếp theo sáng kiến được áp dụng, kế hoạch và báo cáo nộp đúng hạn, rồi đóng góp Mặt trận "
                           "tiếp nhận."), candidates)


def _attach(campaign: Campaign, candidates: list[Candidate]) -> None:
    """Find the participant each candidate already is (one query) and their nominations (one query)."""
    from housing_campaign.commendations.models import NO_AWARD_STATES, Nomination
    from housing_campaign.workflow.engine import compiled

    ids = {"unit": set(), "donor": set(), "household": set(), "user": set()}
    for c in candidates:
        kind, _, pk = c.key.partition(":")
        if kind in ids:
            ids[kind].add(int(pk))
    q = Q(pk__in=[])
    if ids["unit"]:
        q |= Q(kind=Participant.Kind.PEOPLES_COMMITTEE, unit_id__in=ids["unit"])
    for link in ("donor", "household", "user"):
        if ids[link]:
            q |= Q(**{f"{link}_id__in": ids[link]})
    found = list(Participant.objects.filter(q, campaign=campaign).select_related("unit")) \
        if any(ids.values()) else []
    by_link = {}
    for p in found:
        for link in ("donor", "household", "user"):
            if getattr(p, f"{link}_id"):
                by_link[f"{link}:{getattr(p, f'{link}_id')}"] = p
        if p.kind == Participant.Kind.PEOPLES_COMMITTEE:
            by_link.setdefault(f"unit:{p.unit_id}", p)
    for c in candidates:
        c.participant = c.participant or by_link.get(c.key)
        if c.participant is not None:  # shown as the movement knows it
            c.name, c.kind, c.unit = c.participant.name, c.participant.kind, c.participant.unit
            c.url = reverse("emulation:participant", args=[c.participant.pk])
    participants = {c.participant.pk for c in candidates if c.participant is not None}
    nominations = {}
    for nomination in (Nomination.objects.filter(campaign=campaign, participant_id__in=participants)
                       .exclude(state__in=NO_AWARD_STATES).select_related("award_form").order_by("created_at", "id")):
        nominations.setdefault(nomination.participant_id, nomination)
    for c in candidates:
        if c.participant is not None and c.participant.pk in nominations:
            c.nomination = nominations[c.participant.pk]
            c.nomination_state = compiled(c.nomination.workflow_id).state_label(c.nomination.state)


def award_forms() -> list:
    from housing_campaign.commendations.models import AwardForm

    return list(AwardForm.objects.order_by("level", "code"))


# ---------------------------------------------------------------------------- one click: a nomination
def candidate_participant(*, actor: Actor, campaign: Campaign, key: str) -> Participant:
    """The participant a suggestion stands for, created (by the office, in the same transaction as the
    nomination) when the records know it but the movement does not yet."""
    from housing_campaign.contributions.selectors import donors_visible
    from housing_campaign.households.selectors import households_visible

    from .services import participant_create, participant_get_for_actor

    kind, _, raw = str(key or "").partition(":")
    pk = validators.query_id(raw)
    if kind not in ("unit", "donor", "household", "user", "participant") or pk is None:
        raise ServiceError(gettext("Đề xuất không hợp lệ; hãy mở lại trang gợi ý."), field="candidate")
    if kind == "participant":
        return participant_get_for_actor(actor=actor, participant_id=pk)
    visible = participants_visible(actor).filter(campaign=campaign).select_related("unit", "campaign")
    if kind == "unit":
        existing = visible.filter(kind=Participant.Kind.PEOPLES_COMMITTEE, unit_id=pk).first()
    else:
        existing = visible.filter(**{f"{kind}_id": pk}).first()
    if existing is not None:
        return existing
    if kind == "unit":
        unit = units_visible(actor).filter(pk=pk).first()
        if unit is None:
            raise ServiceError(gettext("Địa bàn này nằm ngoài địa bàn bạn phụ trách."), code=ErrorCode.NOT_FOUND)
        data = {"kind": Participant.Kind.PEOPLES_COMMITTEE, "unit": unit, "name": committee_name(unit)}
    elif kind == "donor":
        donor = donors_visible(actor).filter(pk=pk).select_related("unit").first()
        if donor is None:
            raise ServiceError(gettext("Không tìm thấy người ủng hộ này trong địa bàn bạn phụ trách."),
                               code=ErrorCode.NOT_FOUND)
        data = {"kind": DONOR_KIND_TO_PARTICIPANT.get(donor.kind, Participant.Kind.ORGANISATION), "unit": donor.unit,
                "name": donor.name, "donor": donor.pk}
        if data["kind"] == Participant.Kind.HOUSEHOLD and donor.unit.level != AdminUnit.Level.COMMUNE:
            raise ServiceError(gettext("Hộ %(name)s chưa là đối tượng của phong trào: hãy thêm hộ (với xã của hộ) "
                                       "rồi đề nghị.") % {"name": donor.name}, field="candidate")
    elif kind == "household":
        household = households_visible(actor).filter(pk=pk).select_related("commune").first()
        if household is None:
            raise ServiceError(gettext("Không tìm thấy hộ này trong địa bàn bạn phụ trách."), code=ErrorCode.NOT_FOUND)
        data = {"kind": Participant.Kind.HOUSEHOLD, "unit": household.commune, "household": household.pk}
    else:
        territory = UserTerritory.objects.filter(user_id=pk).select_related("unit").order_by("unit__path").first()
        if territory is None:
            raise ServiceError(gettext("Không tìm thấy tài khoản cán bộ này trong địa bàn bạn phụ trách."),
                               code=ErrorCode.NOT_FOUND)
        data = {"kind": Participant.Kind.OFFICIAL, "unit": territory.unit, "user": pk,
                "workplace": territory.unit.name}
    return participant_create(actor=actor, campaign=campaign, data=data)


@transaction.atomic
def suggestion_nominate(*, actor: Actor, campaign: Campaign, key: str, award_form_id) -> object:
    """Nominate a suggested candidate for an award form in one click: the participant (created if need be), the
    achievement and the evidence composed from the records as they stand today (a snapshot), filed through
    ``commendations.services.nomination_create`` (which checks competence, territory and duplicates). Any
    refusal rolls everything back."""
    from housing_campaign.commendations.models import AwardForm
    from housing_campaign.commendations.services import nomination_create

    refusal = rules.nominate_refusal(actor)
    if refusal:
        raise ServiceError(refusal, code=ErrorCode.PERMISSION_DENIED)
    if not isinstance(campaign, Campaign):
        raise ServiceError(gettext("Không tìm thấy chương trình của đề nghị (có thể đã bị xóa); hãy mở lại trang gợi "
                                   "ý và chọn chương trình."), field="campaign", code=ErrorCode.NOT_FOUND)
    if award_form_id in (None, ""):
        raise ServiceError(gettext("Chọn hình thức khen thưởng."), field="award_form")
    award_form = AwardForm.objects.filter(pk=validators.query_id(award_form_id) or 0).first()
    if award_form is None:
        raise ServiceError(gettext("Không có hình thức khen thưởng này; hãy tải lại trang gợi ý và chọn trong danh "
                                   "sách."), field="award_form")
    participant = candidate_participant(actor=actor, campaign=campaign, key=key)
    book = evidence.EvidenceBook(campaign, [participant])
    return nomination_create(actor=actor, campaign=campaign, participant=participant, award_form=award_form,
                             achievement=evidence.achievement_text(book, participant),
                             evidence=evidence.snapshot(book, participant))
