"""Reads of postings, scoped to the actor's territory (``hooks.territory_scopes``)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q, units_visible
from housing_campaign.geography.models import AdminUnit, Village

from .models import CommuneContact, Posting, PostingEntry


def postings_visible(actor: Actor) -> QuerySet:
    return Posting.objects.filter(territory_q(actor))


def posting_entries_visible(actor: Actor) -> QuerySet:
    return PostingEntry.objects.filter(posting__in=postings_visible(actor))


def contacts_visible(actor: Actor) -> QuerySet:
    return CommuneContact.objects.filter(unit__in=units_visible(actor))


# ---------------------------------------------------------------------------- public pages (no actor)
# What the public pages of a commune read: postings that were not cancelled, with their lists as they were
# posted (PostingEntry holds only what PRODUCT.md lets a public page show), the campaign's criteria in plain
# words and the commune's contact. A fixed number of queries whatever the number of postings and entries.

PAST_DAYS = 366  # past postings shown for the last twelve months


def postings_version() -> tuple:
    """Changes whenever a posting is recorded or cancelled (one small aggregate query): public pages key
    their cache on it, so a new or cancelled posting shows at once in every process."""
    from django.db.models import Count, Max

    found = Posting.objects.aggregate(n=Count("id"), last=Max("id"), cancelled=Max("cancelled_at"))
    cancelled = found["cancelled"].timestamp() if found["cancelled"] else 0
    return found["n"], found["last"] or 0, int(cancelled)


def _unit_postings_q(unit):
    """Postings of a commune's page: a 2025 commune shows its own and its predecessors' postings; a legacy
    commune its own and a 2025 commune's postings whose households all live in it."""
    from django.db.models import Q

    from housing_campaign.geography.models import AdminUnit

    if unit.system == AdminUnit.System.CURRENT:
        return Q(commune_2025=unit) | Q(commune=unit)
    return Q(commune=unit) | Q(unit_path__startswith=unit.path)


def public_postings(*, unit, today, past_days: int = PAST_DAYS) -> dict:
    """{"open": [...], "past": [...]} of a commune's postings that were not cancelled: open now (starts_on ≤
    today ≤ ends_on) and ended within ``past_days``, newest first; each posting carries ``rows``, its list.
    Two queries."""
    import datetime as dt

    postings = list(Posting.objects.filter(_unit_postings_q(unit), cancelled_at__isnull=True,
                                           starts_on__lte=today,
                                           ends_on__gte=today - dt.timedelta(days=past_days))
                    .select_related("commune", "commune_2025", "village").order_by("-starts_on", "-id"))
    rows: dict[int, list] = {p.pk: [] for p in postings}
    if postings:
        for entry in (PostingEntry.objects.filter(posting__in=[p.pk for p in postings])
                      .only("id", "posting_id", "number", "public_name", "village_name", "strand_name",
                            "support_type", "amount").order_by("posting_id", "number")):
            rows[entry.posting_id].append(entry)
    shown = {"open": [], "past": []}
    for p in postings:
        p.rows = rows[p.pk]
        p.total = sum(e.amount for e in p.rows)
        shown["open" if p.ends_on >= today else "past"].append(p)
    return shown


def public_posting(*, unit, code: str):
    """One posting of a commune's page by its code (not cancelled), with ``rows``; None when it is not one of
    this commune's postings. Two queries."""
    code = str(code or "")[:40]
    posting = (Posting.objects.filter(_unit_postings_q(unit), code=code, cancelled_at__isnull=True)
               .select_related("commune__parent", "commune_2025", "village", "campaign").first())
    if posting is not None:
        posting.rows = list(posting.entries.only(
            "id", "posting_id", "number", "public_name", "village_name", "strand_name", "support_type",
            "amount").order_by("number"))
        posting.total = sum(e.amount for e in posting.rows)
    return posting


def public_contact(*, unit):
    """The commune's contact for the public page: its own, else its 2025 successor's (or for a 2025 commune,
    the first of its predecessors' that has one). One query; None when none was entered."""
    from django.db.models import Q

    ids = [unit.pk] + ([unit.successor_id] if getattr(unit, "successor_id", None) else [])
    contacts = list(CommuneContact.objects.filter(Q(unit_id__in=ids) | Q(unit__successor_id=unit.pk)))
    contacts.sort(key=lambda c: (c.unit_id != unit.pk, c.unit_id not in ids, c.pk))
    return contacts[0] if contacts else None


def open_posting_counts(*, communes, today) -> dict[int, int]:
    """{legacy commune id: number of postings open today shown on its page} (as ``public_postings`` chooses
    them), one query whatever the number of communes."""
    open_now = list(Posting.objects.filter(cancelled_at__isnull=True, starts_on__lte=today, ends_on__gte=today)
                    .values_list("commune_id", "unit_path"))
    counts: dict[int, int] = {}
    for commune in communes if open_now else ():
        n = sum(1 for commune_id, path in open_now if commune_id == commune.pk or path.startswith(commune.path))
        if n:
            counts[commune.pk] = n
    return counts


def _num(value) -> str:
    from housing_campaign.core.formatting import format_number

    return format_number(value, 1)


def public_criteria(campaign) -> dict:
    """The campaign's conditions in plain words, from its own data (thresholds are per campaign; the rules
    are those of ``cases.eligibility``). No query beyond the campaign itself."""
    from django.utils.translation import gettext

    from housing_campaign.campaigns.models import Category

    admitted = campaign.admitted_categories or [Category.POOR, Category.NEAR_POOR]
    labels = [str(Category(c).label) for c in admitted if c in Category.values]
    lines = [
        gettext("Đối tượng được hỗ trợ: %(who)s.") % {"who": ", ".join(labels)},
        gettext("Hộ chưa được hỗ trợ nhà ở từ chương trình, chính sách nào khác; nhà ở trên đất ở hợp pháp, "
                "không có tranh chấp."),
        gettext("Hộ tách ra từ hộ khác thì phải đã tách hộ ít nhất %(years)s năm.") % {
            "years": campaign.min_years_split},
        gettext("Nhà ở hiện tại thuộc ít nhất một trong các trường hợp sau:"),
    ]
    house = [
        gettext("nhà chật: hộ 1 người có diện tích nhà dưới %(single)s m²; hộ từ 2 người có diện tích dưới "
                "%(family)s m² và bình quân dưới %(per)s m²/người;") % {
            "single": _num(campaign.min_area_single), "family": _num(campaign.min_area_family),
            "per": _num(campaign.min_area_per_person)},
        gettext("nhà có từ %(n)s trong 3 bộ phận chính (nền móng, khung tường, mái) làm bằng vật liệu không bền "
                "vững;") % {"n": campaign.min_unstable_parts},
        gettext("nhà có niên hạn sử dụng còn lại dưới %(years)s năm.") % {"years": campaign.short_lifespan_years},
    ]
    after = gettext("Nhà xây mới phải có diện tích sử dụng ít nhất %(area)s m² và sử dụng được ít nhất %(years)s "
                    "năm; nhà sửa chữa phải có nền, khung tường, mái cứng và sử dụng được ít nhất %(repair_years)s "
                    "năm sau sửa chữa.") % {"area": _num(campaign.finished_min_area),
                                           "years": campaign.finished_min_lifespan,
                                           "repair_years": campaign.repaired_min_lifespan}
    if campaign.repaired_min_area:
        after += " " + gettext("Nhà sửa chữa phải có diện tích sử dụng ít nhất %(area)s m².") % {
            "area": _num(campaign.repaired_min_area)}
    return {"lines": lines, "house": house, "after": after}


# ---------------------------------------------------------------------------- desk pages
STATUSES = ("open", "upcoming", "past", "cancelled")


def _count(model_qs, outer: str = "pk"):
    """A correlated COUNT (no join fan-out when several counts sit on one row)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    return Coalesce(Subquery(model_qs.filter(posting_id=OuterRef(outer)).order_by().values("posting_id")
                             .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def postings_list(actor: Actor, *, commune_id=None, kind: str = "", status: str = "", limit: int = 500) -> list:
    """The postings of the actor's territory, newest first, with how many cases and feedback items each has
    (two correlated counts: constant queries whatever the number of rows)."""
    from django.apps import apps
    from django.utils import timezone

    today = timezone.localdate()
    qs = postings_visible(actor).select_related("commune", "commune_2025", "village", "posted_by")
    if commune_id:
        qs = qs.filter(Q(commune_id=commune_id) | Q(commune_2025_id=commune_id))
    if kind in Posting.Kind.values:
        qs = qs.filter(kind=kind)
    live = Q(cancelled_at__isnull=True)
    if status == "open":
        qs = qs.filter(live, starts_on__lte=today, ends_on__gte=today)
    elif status == "upcoming":
        qs = qs.filter(live, starts_on__gt=today)
    elif status == "past":
        qs = qs.filter(live, ends_on__lt=today)
    elif status == "cancelled":
        qs = qs.filter(cancelled_at__isnull=False)
    feedback = apps.get_model("feedback", "Feedback").objects.all()
    return list(qs.annotate(n_cases=_count(PostingEntry.objects.all()), n_feedback=_count(feedback))[:limit])


def posting_status(posting, today=None) -> tuple[str, int]:
    """("cancelled" | "upcoming" | "open" | "past", days left including today when open)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if posting.cancelled_at:
        return "cancelled", 0
    if posting.starts_on > today:
        return "upcoming", (posting.starts_on - today).days
    if posting.ends_on >= today:
        return "open", (posting.ends_on - today).days + 1
    return "past", 0


def posting_get(actor: Actor, pk) -> Posting | None:
    from housing_campaign.core.validators import query_id

    pk = query_id(pk)
    if pk is None:
        return None
    return (postings_visible(actor).select_related("commune", "commune__parent", "commune_2025", "village",
                                                   "posted_by", "cancelled_by", "campaign")
            .filter(pk=pk).first())


def posting_entries(posting) -> list:
    """The entries with their case (and where it is now) and how many feedback items each has."""
    from django.apps import apps
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    feedback = apps.get_model("feedback", "Feedback").objects.filter(
        posting_id=posting.pk, case_id=OuterRef("case_id")).order_by().values("case_id").annotate(
        n=Count("pk")).values("n")[:1]
    return list(posting.entries.select_related("case", "case__workflow").annotate(
        n_feedback=Coalesce(Subquery(feedback, output_field=IntegerField()), 0)).order_by("number"))


def poster_communes(actor: Actor) -> list[AdminUnit]:
    """Communes (legacy or 2025) where the actor may record a posting."""
    from .rules import POSTER_ROLES

    paths = [p for a in actor.all_authorities if a.roles & set(POSTER_ROLES) for p in a.paths]
    if any(a.everywhere and a.roles & set(POSTER_ROLES) for a in actor.all_authorities):
        return []
    if not paths:
        return []
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return list(AdminUnit.objects.filter(q, level=AdminUnit.Level.COMMUNE).order_by("system", "name")[:300])


def commune_villages(commune: AdminUnit) -> list[Village]:
    legacy = [commune.pk, *commune.predecessors.values_list("pk", flat=True)]
    return list(Village.objects.filter(commune_id__in=legacy).order_by("name"))


def cases_waiting(actor: Actor, *, commune: AdminUnit, kind: str, village_id=None) -> list:
    """The commune's cases (in the actor's territory) waiting for a posting of ``kind`` and not yet on one
    made since they entered their state."""
    from django.db.models import Exists, OuterRef

    from housing_campaign.cases.selectors import cases_visible
    from housing_campaign.workflow.engine import compiled

    from .rules import waiting_states

    base = cases_visible(actor).filter(Q(commune=commune) | Q(commune_2025=commune))
    if village_id:
        base = base.filter(village_id=village_id)
    wanted = Q(pk__in=[])
    for workflow_id in base.order_by().values_list("workflow_id", flat=True).distinct():
        states = [s for s, k in waiting_states(workflow_id).items() if k == kind]
        if states:
            wanted |= Q(workflow_id=workflow_id, state__in=states)
    posted = PostingEntry.objects.filter(case_id=OuterRef("pk"), posting__cancelled_at__isnull=True,
                                         posting__created_at__gte=OuterRef("state_since"))
    cases = list(base.filter(wanted).exclude(Exists(posted)).select_related("household", "village")
                 .order_by("village__name", "household__head_name", "pk")[:2000])
    labels: dict[int, object] = {}
    for case in cases:
        spec = labels.setdefault(case.workflow_id, compiled(case.workflow_id))
        case.state_label = spec.state_label(case.state)
    return cases


def default_days(kind: str) -> int:
    """Default length of a posting: the waiting state's SLA in the active workflow (the administrator
    changes it in the workflow builder), else 7 days."""
    from housing_campaign.workflow.engine import active_definition, compiled

    from .rules import waiting_states

    try:
        definition = active_definition("housing_case")
    except Exception:  # noqa: BLE001 - no active workflow yet: the usual week
        return 7
    spec = compiled(definition.pk)
    for state, state_kind in waiting_states(definition.pk).items():
        if state_kind == kind and spec.states[state].sla_days:
            return int(spec.states[state].sla_days)
    return 7


def case_postings(actor: Actor, case) -> dict:
    """The postings a case was on (visible ones), and whether it waits for a posting it has not had yet."""
    from .rules import waiting_states

    entries = list(PostingEntry.objects.filter(case_id=case.pk, posting__in=postings_visible(actor))
                   .select_related("posting").order_by("-posting__starts_on", "-posting_id"))
    kind = waiting_states(case.workflow_id).get(case.state)
    posted = any(e.posting.cancelled_at is None and e.posting.created_at >= case.state_since for e in entries)
    for e in entries:
        e.status, e.days_left = posting_status(e.posting)
    return {"entries": entries, "waiting_kind": kind if kind and not posted else None}
