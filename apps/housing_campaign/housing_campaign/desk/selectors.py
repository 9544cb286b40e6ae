"""Queue reads: scoped, filtered, counted without scanning the whole table on every request."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.cases.models import HousingCase

# The queue's filters and query live with the cases (shared with the REST API); the desk's readers import them here.
from housing_campaign.cases.queue import QueueFilters, actionable_q, queue_queryset  # noqa: F401
from housing_campaign.core.i18n import localized_label
from housing_campaign.workflow.models import Stage, WorkflowTransition

COUNT_TTL_SECONDS = 60


def queue_ordering(filters: QueueFilters) -> tuple:
    """The queue's order: the rows are shown under one heading per stage, so they are ordered by stage first (in
    the workflow's order, as the stage tabs are), then oldest in their state first. Ordered by age alone, a page
    showed the same stage's heading several times. With one stage chosen the age order is the whole order
    (and the (state, state_since) index serves it)."""
    if filters.stage:
        return ("state_since", "id")
    rank = Case(*(When(stage=code, then=Value(i)) for i, code in enumerate(Stage.values)),
                default=Value(len(Stage.values)), output_field=IntegerField())
    return (rank.asc(), "state_since", "id")


def stage_counts(actor: Actor, filters: QueueFilters) -> dict[str, int]:
    """Counts per stage for the current filters (ignoring the stage filter), cached briefly per user:
    the queue page never runs a full count on every request."""
    version = cache.get(f"desk:counts-version:{actor.id}", 0)
    key = f"desk:counts:{actor.id}:{version}:{filters.key()}"
    counts = cache.get(key)
    if counts is None:
        if filters.counted_from_aggregates():
            # Scope and territory only: summed from the aggregates the engine keeps (reports.StateCount),
            # not from a million case rows.
            from housing_campaign.reports.selectors import stage_totals

            counts = stage_totals(actor=actor, unit=filters.unit,
                                  states=actionable_q(actor) if filters.scope == "mine" else None)
        else:
            counts = dict(queue_queryset(actor, filters, with_stage=False).order_by().values_list("stage")
                          .annotate(n=Count("id")).values_list("stage", "n"))
        cache.set(key, counts, COUNT_TTL_SECONDS)
    return counts


def forget_counts(actor: Actor) -> None:
    """Counts are cached per filter; after a write the user's own view should not lag."""
    try:
        cache.incr(f"desk:counts-version:{actor.id}")
    except ValueError:
        cache.set(f"desk:counts-version:{actor.id}", 1, None)


# ---------------------------------------------------------------------------- what the desk pages show
def queue_rows(cases) -> list[dict]:
    from housing_campaign.workflow.engine import compiled
    from housing_campaign.workflow.sla import sla_status

    return [{"case": case, "state_label": compiled(case.workflow_id).state_label(case.state), "sla": sla_status(case)}
            for case in cases]


def bulk_actions_for(actor: Actor) -> list[dict]:
    """(action, label) pairs the actor's roles can take somewhere in active workflows (labels in the reader's
    language)."""
    roles = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    seen = {}
    for action, label_vi, label_en, t_roles, comment in WorkflowTransition.objects.filter(
            definition__doctype="housing_case", definition__is_active=True).values_list(
            "action", "label_vi", "label_en", "roles", "comment_required"):
        if roles & set(t_roles) and action not in seen:
            seen[action] = (localized_label({"label_vi": label_vi, "label_en": label_en}), comment)
    return [{"action": a, "label": lab, "comment_required": c} for a, (lab, c) in seen.items()]


def communes_of(actor: Actor, *, limit: int = 300) -> QuerySet:
    """Communes inside the actor's territories (their own and delegated), by name."""
    from housing_campaign.geography.models import AdminUnit

    paths = [p for a in actor.all_authorities for p in a.paths]
    if not paths:
        return AdminUnit.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return AdminUnit.objects.filter(q, level="commune").order_by("name")[:limit]


def queue_filter_options(actor: Actor, filters: QueueFilters) -> dict:
    """The choices of the queue's filter bar and bulk bar for this actor."""
    from housing_campaign.campaigns.models import Strand
    from housing_campaign.extrafields.services import extra_fields_for
    from housing_campaign.workflow.models import WorkflowState

    states = [(code, localized_label({"label_vi": vi, "label_en": en})) for code, vi, en in
              WorkflowState.objects.filter(definition__doctype="housing_case", definition__is_active=True)
              .values_list("code", "label_vi", "label_en")]
    extra_filters = [{"code": f.code, "label": localized_label(f), "value": dict(filters.extra).get(f.code, ""),
                      "choices": [("true", _("Có")), ("false", _("Không"))] if f.field_type == "boolean"
                      else [(str(c[0]), c[1]) for c in f.choices]}
                     for f in extra_fields_for("housing_case") if f.field_type in ("choice", "boolean")]
    return {"states": states, "strands": Strand.objects.all(), "communes": communes_of(actor),
            "extra_filters": extra_filters, "bulk_actions": bulk_actions_for(actor)}


def queue_personal(user) -> dict:
    from housing_campaign.core.models import Notification

    from .models import SavedFilter

    return {"saved_filters": SavedFilter.objects.filter(user=user),
            "notifications": Notification.objects.filter(user=user, read_at__isnull=True)[:5]}


def case_page(actor: Actor, case: HousingCase) -> dict:
    """Everything the case page shows: every stage's data, the actions open now and why the others are
    closed, the stage form the state opens, certificates, issued documents and the timeline."""
    from housing_campaign.cases.eligibility import eligibility_display
    from housing_campaign.cases.models import Acceptance
    from housing_campaign.cases.services import FORM_STAGES, acceptance_reasons
    from housing_campaign.certificates.tokens import verify_url
    from housing_campaign.printing.models import IssuedDocument, PrintFormat
    from housing_campaign.workflow import engine
    from housing_campaign.workflow.sla import sla_status

    from . import print_rules, timeline

    spec = engine.compiled(case.workflow_id)
    options = engine.actions_for(actor=actor, doctype="housing_case", document=case)
    can_edit, edit_reason = engine.can_edit(actor=actor, document=case)
    acceptance = Acceptance.objects.filter(case=case).select_related("inspector").first()
    certificates = list(case.certificates.order_by("-issued_at"))
    for certificate in certificates:
        certificate.verify_url = verify_url(certificate)  # the URL its QR code holds
    issued = list(IssuedDocument.objects.filter(doctype="housing_case", object_id=case.pk)
                  .select_related("print_format_version__print_format").order_by("-issued_at"))
    can_manage_certificates = not actor.read_only and actor.authority_for(
        print_rules.ISSUING_ROLES, *engine.document_paths(case)) is not None
    formats = list(PrintFormat.objects.filter(doctype="housing_case", is_active=True))
    rows = timeline.case_timeline(case)
    return {
        "case": case, "household": case.household, "state_label": spec.state_label(case.state),
        "workflow": spec, "options": options, "open_options": [o for o in options if o.allowed],
        "closed_options": [o for o in options if not o.allowed], "can_edit": can_edit, "edit_reason": edit_reason,
        "open_form": next((name for name, stage in FORM_STAGES.items() if stage == case.stage), None),
        "sla": sla_status(case), "eligibility": eligibility_display(case.eligibility),
        "progress": case.progress_entries.select_related("recorded_by").prefetch_related("photos"),
        "acceptance": acceptance,
        "acceptance_reasons": acceptance_reasons(acceptance, case.campaign) if acceptance else [],
        "attachments": case.attachments.filter(progress__isnull=True),
        "certificates": certificates,
        "timeline": rows,
        "formats": formats,
        "prints": print_rules.case_print_options(case=case, formats=formats,
                                                 state_label=spec.state_label(case.state), certificates=certificates,
                                                 acceptance=acceptance, issued=issued,
                                                 can_issue=can_manage_certificates),
        "issued": issued,
        "extra_display": timeline.extra_display(case), "actor": actor,
        "can_manage_certificates": can_manage_certificates,
        **case_feedback_panel(actor, case, rows),
    }


# ---------------------------------------------------------------------------- what to do next
@dataclass
class MissingLink:
    """A missing required field, and where the user fills it in (``href`` on this page, or ``where``)."""

    name: str
    label: str
    href: str = ""
    where: str = ""
    input_id: str = ""  # the stage form's input that supplies it, when the form is on this page


@dataclass
class DeskAction:
    """An action of the current state as the case page shows it to one user.

    ``with_form``: a forward step sent together with the open stage form (saved first, in the same
    transaction). ``enabled``: the button can be pressed; a button closed only by missing fields that the
    stage form on the page supplies is enabled as soon as they are filled in (``needs``: the inputs)."""

    option: object  # workflow.engine.ActionOption
    with_form: bool = False
    enabled: bool = False
    missing: list[MissingLink] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    comment: str = ""

    @property
    def action(self) -> str:
        return self.option.action

    @property
    def label(self) -> str:
        return self.option.label

    @property
    def transition(self):
        return self.option.transition


# Reasons that the data on the page can lift: the stage form is saved with the action, then the
# transition is checked again (conditions over the data, required fields the form fills in).
_FORM_CAN_LIFT = {"condition_failed"}


def _held_roles(actor: Actor) -> set[str]:
    roles: set[str] = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    return roles


def _form_input(form, name: str) -> str:
    """The name of the stage form's input for a workflow field (model fields by name, extra fields with
    their prefix), or ""."""
    from housing_campaign.extrafields.services import FORM_PREFIX

    if form is None:
        return ""
    for candidate in (name, name.removesuffix("_id"), FORM_PREFIX + name):
        if candidate in form.fields:
            return candidate
    return ""


def _missing_links(missing, *, form, state, can_edit: bool, actor: Actor, case) -> list[MissingLink]:
    """Each missing field with where to fill it in: the input of the stage form on this page, else who
    enters it, else the case's admin page for staff."""
    from django.urls import reverse
    from django.utils.text import capfirst

    from housing_campaign.workflow.engine import role_labels

    links = []
    for missing_field in missing:
        link = MissingLink(missing_field.name, capfirst(missing_field.label))
        input_name = _form_input(form, missing_field.name) if can_edit else ""
        if input_name:
            bound = form[input_name]
            link.input_id = bound.id_for_label
            link.href = f"#{bound.id_for_label}"
        elif not can_edit and state is not None and state.edit_roles:
            link.where = _("do %(roles)s nhập") % {"roles": role_labels(state.edit_roles)}
        elif actor.user.is_staff:
            link.href = reverse("admin:cases_housingcase_change", args=[case.pk])
            link.where = _("sửa trong trang quản trị hồ sơ")
        else:
            link.where = _("trang này chưa có ô nhập thông tin này; hãy báo quản trị hệ thống")
        links.append(link)
    return links


def case_next_steps(actor: Actor, case: HousingCase, page: dict, *, form=None, form_title: str = "",
                    comments: dict[str, str] | None = None) -> dict:
    """What the user can do now on the case page, and when nothing, why and who acts next.

    - An action is shown when the user holds one of its roles (their own or delegated), open or closed;
      a closed one says why, and a missing required field links to the input that fills it.
    - A forward action is sent with the open stage form (``form``, when the user may edit), so that the
      form's defaults and what was typed are saved with it.
    - "No action" is said only to someone who holds no role in any action of the state and may not edit
      it; an editor is told what to fill in, and who takes the next step."""
    from housing_campaign.workflow.engine import role_labels

    comments = comments or {}
    spec = page["workflow"]
    state = spec.states.get(case.state)
    options = page["options"]
    can_edit = page["can_edit"]
    roles = _held_roles(actor)
    with_form, others = [], []
    for option in options:
        if not (set(option.transition.roles) & roles):
            continue  # an action of other people: not the user's to see as a button
        bundled = form is not None and can_edit and option.transition.kind == "forward"
        action = DeskAction(option, with_form=bundled, reasons=list(option.reasons),
                            comment=comments.get(option.action, ""),
                            missing=_missing_links(option.missing, form=form if bundled else None, state=state,
                                                   can_edit=can_edit, actor=actor, case=case))
        if option.allowed:
            action.enabled = True
        elif bundled and set(option.codes) <= _FORM_CAN_LIFT and all(m.input_id for m in action.missing):
            # The form on the page can supply what is missing: the button opens once it is filled in.
            action.needs = [m.input_id for m in action.missing
                            if form[_form_input(form, m.name)].value() in (None, "", [])]
            action.enabled = not action.needs
        (with_form if bundled else others).append(action)
    mine = with_form + others
    summary, kind = _summary(actor, case, spec, state, options, mine, can_edit, form_title)
    next_by = ""
    if not any(a.transition.kind == "forward" for a in mine):
        # The step that moves the case on is someone else's: say whose.
        held = {a.action for a in mine}
        waiting = [o for o in options if o.transition.kind == "forward" and o.action not in held]
        if not waiting and not mine:
            waiting = options
        who = sorted({r for o in waiting for r in o.transition.roles})
        if waiting:
            next_by = (_("Bước tiếp theo (%(actions)s) do %(roles)s thực hiện.")
                       % {"actions": ", ".join(f"“{o.label}”" for o in waiting), "roles": role_labels(who)})
        ready = [a for a in mine if a.enabled]
        if next_by and ready and kind == "todo":
            # The user's own actions here are side roads (withdraw, reopen): the main road is said first.
            summary = next_by + " " + (_("Ở bước này bạn chỉ có thể: %(actions)s.")
                                       % {"actions": ", ".join(f"“{a.label}”" for a in ready)})
            kind, next_by = "wait", ""
    if page.get("case_feedback_open"):
        # A complaint sent during the posting period holds the case until it is resolved: said first.
        summary = _("Hồ sơ đang được giữ lại: còn %(n)s phản ánh của người dân gửi trong thời hạn niêm yết chưa "
                    "giải quyết xong (xem mục “Phản ánh của người dân”).") % {"n": page["case_feedback_open"]} \
            + " " + summary
    return {"with_form": with_form, "actions": others, "summary": summary, "kind": kind, "next_by": next_by,
            "has_any": bool(mine), "arrival": _arrival(case, spec, page.get("timeline") or [])}


def _arrival(case, spec, timeline: list[dict]) -> dict | None:
    """The comment of the step that brought the case into its state (the reason of a return above all),
    from the timeline the page already read: whoever picks the case up reads it first."""
    last = next((row for row in timeline if row["kind"] == "transition"), None)
    if last is None or not last["comment"] or last["to"] != spec.state_label(case.state):
        return None
    kinds = {t.kind for t in spec.transitions.values() if t.action == last["action"] and t.target == case.state}
    title = (_("Lý do trả lại") if "return" in kinds else _("Lý do") if "stop" in kinds
             else _("Ý kiến của bước trước"))
    return {"returned": "return" in kinds, "title": title, "actor": last["actor"], "at": last["at"],
            "comment": last["comment"]}


def _summary(actor, case, spec, state, options, mine, can_edit, form_title) -> tuple[str, str]:
    """One sentence at the top of the actions: what to do next, or why nothing can be done."""
    state_label = spec.state_label(case.state)
    if not options:
        return (_("Hồ sơ ở trạng thái “%(state)s”: không còn bước nào tiếp theo.") % {"state": state_label},
                "done")
    if actor.read_only:
        return _("Tài khoản của bạn chỉ có quyền xem: bạn xem được hồ sơ nhưng không thực hiện thao tác."), "readonly"
    if not mine:
        if can_edit and form_title:
            return (_("Ở bước này bạn cập nhật “%(form)s” bên dưới; bạn không có thao tác chuyển bước.")
                    % {"form": form_title}, "edit")
        if can_edit:
            return _("Ở bước này bạn được bổ sung ảnh, tệp; bạn không có thao tác chuyển bước."), "edit"
        return _("Bạn không có thao tác nào ở trạng thái này."), "none"
    ready = [a for a in mine if a.enabled]
    forward = [a for a in ready if a.transition.kind == "forward"]
    if forward:
        first = forward[0]
        if first.with_form and first.reasons:
            return (_("Việc tiếp theo: điền “%(form)s” bên dưới rồi bấm “%(action)s”. Hiện tại: %(why)s")
                    % {"form": form_title, "action": first.label, "why": " ".join(first.reasons)}, "todo")
        if first.with_form:
            return (_("Việc tiếp theo: kiểm tra “%(form)s” bên dưới rồi bấm “%(action)s” (biểu mẫu được lưu "
                      "cùng thao tác).") % {"form": form_title, "action": first.label}, "todo")
        return _("Việc tiếp theo: “%(action)s”.") % {"action": first.label}, "todo"
    blocked_forward = [a for a in mine if a.transition.kind == "forward" and not a.enabled]
    if blocked_forward:
        first = blocked_forward[0]
        if first.needs:
            return (_("Việc tiếp theo: nhập %(fields)s ở “%(form)s” bên dưới rồi bấm “%(action)s”.")
                    % {"fields": ", ".join(m.label for m in first.missing), "form": form_title,
                       "action": first.label}, "todo")
        blockers = []
        if first.missing:
            blockers.append(_("còn thiếu %(fields)s") % {"fields": ", ".join(m.label for m in first.missing)})
        blockers.extend(first.reasons)
        text = _("Chưa “%(action)s” được: %(why)s") % {"action": first.label, "why": "; ".join(
            b.rstrip(".") for b in blockers)} + "."
        return text, "blocked"
    if ready:
        return _("Bạn có thể: %(actions)s.") % {"actions": ", ".join(f"“{a.label}”" for a in ready)}, "todo"
    first = mine[0]
    return (_("Chưa thực hiện được thao tác nào: %(why)s") % {"why": " ".join(first.reasons)}).rstrip(), "blocked"


def survey_communes(actor: Actor, campaign) -> list:
    """Communes of the campaign's province where the actor may survey: legacy communes of their territory;
    an officer of a 2025 commune surveys in the legacy communes mapped to it."""
    from housing_campaign.geography.models import AdminUnit

    q = Q(pk__in=[])
    for authority in actor.all_authorities:
        for path in authority.paths:
            q |= Q(path__startswith=path)
        if authority.everywhere:
            q = Q(path__startswith=campaign.province.path)
    communes = list(AdminUnit.objects.filter(q, level="commune", system="legacy",
                                             path__startswith=campaign.province.path).order_by("name")[:200])
    if not communes:
        successors = AdminUnit.objects.filter(q, level="commune", system="2025")
        communes = list(AdminUnit.objects.filter(successor__in=successors, level="commune").order_by("name"))
    return communes


def print_communes(actor: Actor) -> QuerySet:
    """Communes that have cases the actor may see (batch printing per commune)."""
    from housing_campaign.geography.models import AdminUnit

    return AdminUnit.objects.filter(
        pk__in=HousingCase.objects.filter(territory_q(actor)).values("commune_id")).order_by("name")


# ---------------------------------------------------------------------------- residents' feedback
FEEDBACK_BOX_SIZE = 5


def feedback_box(actor: Actor) -> dict:
    """The queue's "feedback to handle" box: how many wait for the actor's action, and the first ones
    (overdue first). No query when nothing waits (the count is cached), one otherwise."""
    from housing_campaign.feedback.selectors import feedback_awaiting
    from housing_campaign.workflow.engine import compiled
    from housing_campaign.workflow.sla import sla_status

    # Counted like the queue's stage counts: cached briefly per user, forgotten after the user's own writes.
    version = cache.get(f"desk:counts-version:{actor.id}", 0)
    key = f"desk:feedback-box:{actor.id}:{version}"
    count = cache.get(key)
    if count == 0:
        return {"count": 0, "items": []}
    qs = feedback_awaiting(actor)
    if count is None:
        count = qs.count()
        cache.set(key, count, COUNT_TTL_SECONDS)
    items = list(qs.select_related("commune")[:FEEDBACK_BOX_SIZE]) if count else []
    return {"count": count, "items": [{"feedback": f, "state_label": compiled(f.workflow_id).state_label(f.state),
                                       "sla": sla_status(f)} for f in items]}


def case_feedback_panel(actor: Actor, case: HousingCase, rows: list[dict] | None = None) -> dict:
    """The case page's "feedback from residents" panel: each feedback with its state's label, and how many
    still hold the case (sent during the posting period, not resolved). Every feedback about a case puts a
    row on its timeline when it is received: a case whose timeline (``rows``) has none costs no query."""
    if rows is not None and not any("feedback" in (row.get("data") or {}) for row in rows):
        return {"case_feedback": [], "case_feedback_open": 0}
    from housing_campaign.feedback.selectors import feedback_for_case
    from housing_campaign.workflow.engine import compiled
    from housing_campaign.workflow.models import Stage

    items = feedback_for_case(actor, case)
    for item in items:
        item.state_label = compiled(item.workflow_id).state_label(item.state)
    return {"case_feedback": items,
            "case_feedback_open": sum(1 for f in items if f.holds_case and f.stage != Stage.CLOSED)}


COMMENDATION_BOX_SIZE = 8


def commendation_box(actor: Actor) -> dict:
    """"Việc của tôi"'s commendations: nominations waiting for the actor (a council member's pending votes, the
    office's reviews and documents, a unit's returned nominations), oldest first. Counted like the queue's stage
    counts (cached briefly per user, forgotten after the user's own writes): no query when nothing waits and the
    count is cached, two otherwise; the case queue is untouched."""
    from housing_campaign.commendations.selectors import nominations_awaiting
    from housing_campaign.workflow.engine import compiled

    version = cache.get(f"desk:counts-version:{actor.id}", 0)
    key = f"desk:commendation-box:{actor.id}:{version}"
    count = cache.get(key)
    if count == 0:
        return {"count": 0, "items": []}
    qs = nominations_awaiting(actor)
    if count is None:
        count = qs.count()
        cache.set(key, count, COUNT_TTL_SECONDS)
    items = list(qs.select_related("award_form")[:COMMENDATION_BOX_SIZE]) if count else []
    return {"count": count, "items": [{"nomination": n, "state_label": compiled(n.workflow_id).state_label(n.state)}
                                      for n in items]}
