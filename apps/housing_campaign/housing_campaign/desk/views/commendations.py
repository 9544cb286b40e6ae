"""The "Thi đua - Khen thưởng" section of the desk (issue 15): its index, the nominations (list with filters,
the nomination form, a nomination's page with its evidence, steps, council votes, documents and timeline), the
documents of the process (council minutes, the chairman's decisions, the proposals sent up, the higher level's
decisions recorded) and the certificates. Thin: reads through ``commendations.selectors`` (scoped to the
territory), writes through one service each; a refusal shows the page again with what was typed and the
message (status 400), nothing written."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.campaigns.models import Campaign
from housing_campaign.commendations import documents as award_docs
from housing_campaign.commendations import selectors
from housing_campaign.commendations import services as commendations
from housing_campaign.commendations.models import AwardDocument, AwardForm, Nomination, Proposer
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import format_date
from housing_campaign.core.validators import normalize_text, query_id, query_ids, query_text
from housing_campaign.emulation.models import Group
from housing_campaign.emulation.selectors import participants_visible
from housing_campaign.workflow import engine
from housing_campaign.workflow.models import WorkflowState

from ..selectors import forget_counts
from ..timeline import document_timeline
from .common import PAGE_SIZES, pdf_response, posted_state, request_actor

DOCTYPE = Nomination.DOCTYPE

# The section's pages, in the order of the index; the movement's own pages (participants, registration,
# suggestions, late units, ...) live in ``desk/urls_emulation.py``: each is linked when its URL name exists.
SECTION_LINKS = (
    (("desk:nominations",), gettext_lazy("Đề nghị khen thưởng"),
     gettext_lazy("Lập, thẩm định, biểu quyết và theo dõi đề nghị khen thưởng theo thẩm quyền.")),
    (("desk:award_documents",), gettext_lazy("Văn bản khen thưởng"),
     gettext_lazy("Biên bản họp Hội đồng, quyết định khen thưởng, tờ trình đề nghị cấp trên và quyết định của cấp "
                  "trên.")),
    (("emulation:participants", "desk:emulation_participants"), gettext_lazy("Đối tượng tham gia phong trào"),
     gettext_lazy("Đơn vị, tổ chức, hộ gia đình, cá nhân theo nhóm a–đ, với minh chứng từ dữ liệu.")),
    (("emulation:my_units", "desk:emulation_my_units"), gettext_lazy("Đăng ký, kế hoạch, báo cáo của đơn vị"),
     gettext_lazy("Đăng ký tham gia, nộp kế hoạch và báo cáo theo thời hạn.")),
    (("emulation:suggestions", "desk:emulation_suggestions"), gettext_lazy("Gợi ý khen thưởng"),
     gettext_lazy("Ứng viên theo từng nhóm, xếp theo minh chứng; lập đề nghị bằng một lần bấm.")),
    (("emulation:late", "desk:emulation_late"), gettext_lazy("Đơn vị chậm kế hoạch, báo cáo"),
     gettext_lazy("Đơn vị chưa nộp kế hoạch, báo cáo đúng hạn.")),
    (("emulation:initiatives", "desk:emulation_initiatives"), gettext_lazy("Sáng kiến, đề xuất"),
     gettext_lazy("Sáng kiến được ghi nhận và đơn vị áp dụng.")),
    (("emulation:criteria", "desk:emulation_criteria"), gettext_lazy("Tiêu chí thi đua"),
     gettext_lazy("Tiêu chí theo nhóm và minh chứng cần có.")),
    (("emulation:deadlines", "desk:emulation_deadlines"), gettext_lazy("Thời hạn nộp"),
     gettext_lazy("Thời hạn nộp kế hoạch, báo cáo của các đơn vị.")),
)

DOCUMENT_KINDS = {  # slug of the form -> (state the nominations wait in, title)
    "decision": ("awaiting_decision", gettext_lazy("Ban hành quyết định khen thưởng")),
    "proposal": ("awaiting_proposal", gettext_lazy("Lập tờ trình đề nghị cấp trên khen thưởng")),
    "higher": ("awaiting_higher", gettext_lazy("Ghi nhận quyết định của cấp trên")),
    "minutes": ("", gettext_lazy("Lập biên bản họp Hội đồng")),
}
# After the council's vote: the nominations whose minutes may be drawn up.
AFTER_COUNCIL = ("awaiting_decision", "awaiting_proposal", "awaiting_higher", "decided", "awarded", "rejected",
                 "not_awarded")


def _typed(text) -> str:
    """Long text as typed, shown again after a refusal (an oversized paste is not sent back whole)."""
    return normalize_text(text, multiline=True)[:commendations.ACHIEVEMENT_MAX + 100]


def _reverse_first(names) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _campaigns():
    return list(Campaign.objects.order_by("-starts_on"))


def _nomination_or_404(request, pk):
    actor = request_actor(request)
    nomination = selectors.nomination_get(actor, pk)
    if nomination is None:
        raise Http404(_("Không tìm thấy đề nghị khen thưởng trong địa bàn của bạn."))
    return actor, nomination


def _state_choices() -> list[tuple[str, str]]:
    """Every state of every version of the commendation workflow (code, label of the newest version)."""
    seen: dict[str, str] = {}
    for code, label in (WorkflowState.objects.filter(definition__doctype=DOCTYPE)
                        .order_by("-definition__version", "order").values_list("code", "label_vi")):
        seen.setdefault(code, label)
    return [(code, _(label)) for code, label in seen.items()]


def _pending_box(actor) -> dict:
    from ..selectors import commendation_box

    return commendation_box(actor)


# ---------------------------------------------------------------------------- the section's index
@login_required
@require_GET
def emulation_home(request):
    actor = request_actor(request)
    links = [{"label": label, "help": help_text, "url": url} for names, label, help_text in SECTION_LINKS
             if (url := _reverse_first(names))]
    by_state = dict(selectors.nominations_visible(actor).values_list("state").annotate(n=Count("id"))
                    .values_list("state", "n"))
    labels = dict(_state_choices())
    states = [{"code": code, "label": labels.get(code, code), "count": by_state[code]}
              for code in labels if by_state.get(code)]
    return render(request, "desk/commendations/home.html", {
        "links": links, "states": states, "total": sum(by_state.values()), "box": _pending_box(actor),
        "campaigns": _campaigns(), "can_nominate": _may_nominate(actor)})


def _may_nominate(actor) -> bool:
    if actor.read_only:
        return False
    roles = set(commendations.nominating_roles())
    return any(a.roles & roles for a in actor.all_authorities)


# ---------------------------------------------------------------------------- list
@login_required
@require_GET
def nomination_list(request):
    actor = request_actor(request)
    filters = selectors.NominationFilters.from_request(request.GET)
    per_page = query_id(request.GET.get("per_page")) or 50
    per_page = per_page if per_page in PAGE_SIZES else 50
    qs = selectors.nominations_filtered(actor, filters)
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for n in rows:
        n.state_label = engine.compiled(n.workflow_id).state_label(n.state)
    query = {k: v for k, v in {"state": filters.state, "award_form": filters.award_form or "",
                               "group": filters.group, "q": filters.q, "campaign": filters.campaign or "",
                               "per_page": per_page}.items() if v}
    return render(request, "desk/commendations/list.html", {
        "page": page, "rows": rows, "filters": filters, "states": _state_choices(),
        "award_forms": AwardForm.objects.all(), "groups": Group.choices, "campaigns": _campaigns(),
        "querystring": urlencode(query), "per_page": per_page, "page_sizes": PAGE_SIZES,
        "can_nominate": _may_nominate(actor)})


# ---------------------------------------------------------------------------- new nomination
def evidence_snapshot(campaign, participant) -> tuple[dict, str]:
    """What the records show for the participant today (kept with the nomination) and the achievement they
    support, from the emulation movement's evidence (``emulation.evidence``)."""
    try:
        from housing_campaign.emulation import evidence
    except ImportError:  # the movement's evidence module ships with the emulation pages
        return {}, ""
    book = evidence.EvidenceBook(campaign, [participant])
    return evidence.snapshot(book, participant), evidence.achievement_text(book, participant)


def evidence_sections(snapshot) -> list[dict]:
    """The stored evidence as the page reads it: sections with a label, a summary and figures."""
    if not isinstance(snapshot, dict) or not snapshot:
        return []
    sections = []
    evidence = snapshot.get("evidence")
    if isinstance(evidence, dict):
        for key, item in evidence.items():
            if not isinstance(item, dict):
                continue
            figures = [(str(f[0]), str(f[1])) for f in item.get("figures") or [] if isinstance(f, (list, tuple))
                       and len(f) >= 2]
            sections.append({"label": str(item.get("label") or key), "summary": str(item.get("summary") or ""),
                             "figures": figures})
        return sections
    items = snapshot.get("items")
    if isinstance(items, list):
        figures = [(str(i.get("label", "")), str(i.get("value", ""))) for i in items if isinstance(i, dict)]
        return [{"label": _("Minh chứng"), "summary": "", "figures": figures}]
    figures = [(str(k), str(v)) for k, v in snapshot.items() if k not in ("as_of", "campaign", "participant")
               and not isinstance(v, (dict, list))]
    return [{"label": _("Minh chứng"), "summary": "", "figures": figures}] if figures else []


def _award_options(actor, participant) -> list[dict]:
    """Every award form, with whether the actor's unit may propose it for the participant and why not."""
    if participant is None:
        return [{"form": f, "allowed": True, "reason": ""} for f in AwardForm.objects.all()]
    try:
        unit = commendations._default_proposing_unit(actor, participant)
    except ServiceError as exc:
        return [{"form": f, "allowed": False, "reason": exc.message} for f in AwardForm.objects.all()]
    kinds = [k for k, _name in commendations.proposer_options(actor, unit)]
    out = []
    for form in AwardForm.objects.all():
        reason = commendations.award_form_refusal(form, participant)
        if not reason and not set(kinds) & set(form.proposer_kinds):
            reason = _("Do %(proposers)s đề nghị.") % {"proposers": commendations.proposers_label(form.proposer_kinds)}
        out.append({"form": form, "allowed": not reason, "reason": reason})
    return out


def _new_page(request, actor, values: dict, *, errors=None, status=200):
    campaigns = _campaigns()
    campaign = next((c for c in campaigns if c.pk == query_id(values.get("campaign"))), campaigns[0] if campaigns
                    else None)
    participant = None
    if (pk := query_id(values.get("participant"))) and campaign is not None:
        participant = participants_visible(actor).filter(pk=pk, campaign=campaign).select_related("unit").first()
    found = []
    search = query_text(values.get("q"), max_length=100)
    if participant is None and campaign is not None:
        qs = participants_visible(actor).filter(campaign=campaign).select_related("unit")
        if search:
            qs = qs.filter(name__icontains=search)
        found = list(qs.order_by("group", "name")[:50])
    evidence, suggested = ({}, "")
    if participant is not None:
        evidence, suggested = evidence_snapshot(campaign, participant)
    proposer_choices = []
    if participant is not None:
        try:
            unit = commendations._default_proposing_unit(actor, participant)
            proposer_choices = commendations.proposer_options(actor, unit)
        except ServiceError:
            proposer_choices = []
    errors = dict(errors or {})
    shown = {"award_form", "achievement", "participant", "campaign"} | ({"proposer_kind"} if len(proposer_choices) > 1
                                                                        else set())
    general = [m for key, msgs in errors.items() if key not in shown for m in msgs]
    return render(request, "desk/commendations/new.html", {
        "campaigns": campaigns, "campaign": campaign, "participant": participant, "found": found, "q": search,
        "award_options": _award_options(actor, participant), "values": values, "errors": errors,
        "general_errors": general, "evidence": evidence_sections(evidence),
        "evidence_as_of": evidence.get("as_of", ""), "achievement": values.get("achievement") or suggested,
        "proposer_choices": proposer_choices if len(proposer_choices) > 1 else [],
        "can_nominate": _may_nominate(actor), "achievement_max": commendations.ACHIEVEMENT_MAX}, status=status)


@login_required
def nomination_new(request):
    actor = request_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    values = {k: query_text(source.get(k), max_length=200) for k in
              ("campaign", "participant", "award_form", "proposer_kind", "q")}
    values["achievement"] = _typed(source.get("achievement"))
    if request.method != "POST" or request.POST.get("refresh"):
        return _new_page(request, actor, values)
    campaign = Campaign.objects.filter(pk=query_id(values["campaign"]) or 0).first()
    participant = None
    if campaign is not None:
        participant = participants_visible(actor).filter(pk=query_id(values["participant"]) or 0,
                                                         campaign=campaign).first()
    award_form = AwardForm.objects.filter(pk=query_id(values["award_form"]) or 0).first()
    errors = {}
    if campaign is None:
        errors["campaign"] = [_("Hãy chọn chương trình.")]
    if participant is None:
        errors["participant"] = [_("Hãy chọn tập thể, hộ gia đình hoặc cá nhân được đề nghị (trong địa bàn của bạn).")]
    if award_form is None:
        errors["award_form"] = [_("Hãy chọn hình thức khen thưởng.")]
    if values["proposer_kind"] and values["proposer_kind"] not in Proposer.values:
        errors["proposer_kind"] = [_("Đơn vị đề nghị không hợp lệ.")]
    if not errors:
        try:  # the service keeps the evidence of the day with the nomination (hooks.evidence_snapshots)
            # The text as sent (the service counts its real length), never the shortened copy shown back.
            nomination = commendations.nomination_create(
                actor=actor, campaign=campaign, participant=participant, award_form=award_form,
                achievement=source.get("achievement", ""), proposer_kind=values["proposer_kind"] or None)
        except ServiceError as exc:
            errors = dict(exc.errors) or {"__all__": [exc.message]}
            if not exc.errors:
                errors = {"__all__": [exc.message]}
    if errors:
        messages.error(request, _("Chưa lập đề nghị: hãy sửa các ô báo lỗi bên dưới rồi bấm lại. Chưa có gì được "
                                  "ghi."))
        return _new_page(request, actor, values, errors=errors, status=400)
    forget_counts(actor)
    messages.success(request, _("Đã lập đề nghị %(code)s: %(name)s – %(award)s.") % {
        "code": nomination.code, "name": nomination.nominee_name, "award": award_form.name})
    return redirect("desk:nomination", pk=nomination.pk)


# ---------------------------------------------------------------------------- one nomination
def _actions(actor, nomination) -> tuple[list[dict], list[dict], dict | None, str]:
    """(plain steps, document steps, the council vote, who takes the next step) for the nomination's page."""
    options = engine.actions_for(actor=actor, doctype=DOCTYPE, document=nomination)
    roles: set[str] = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    steps, document_steps, vote = [], [], None
    for option in options:
        t = option.transition
        if ErrorCode.CONDITION_FAILED in option.codes and t.quorum > 1:
            continue  # the other branch of the council's vote
        mine = bool(set(t.roles) & roles)
        if t.quorum > 1:
            if mine:
                vote = vote or {"allowed": not actor.read_only}
                # one vote per member and round, for or against: a vote cast on any of them closes the box
                vote["allowed"] = vote["allowed"] and not option.codes
            continue
        if not mine:
            continue
        row = {"action": t.action, "label": option.label, "kind": t.kind, "enabled": option.allowed,
               "reasons": option.reasons, "missing": [], "comment_required": t.comment_required}
        if t.action in commendations.DOCUMENT_ACTIONS:
            kind = {"decision": "decision", "proposal": "proposal", "higher_decision": "higher"}[
                commendations.DOCUMENT_ACTIONS[t.action]]
            row["url"] = reverse("desk:award_document_new", args=[kind]) + f"?n={nomination.pk}"
            row["enabled"] = not actor.read_only and not (set(option.codes) - {ErrorCode.CONDITION_FAILED})
            if t.action == "record_not_awarded":
                continue  # one form records both results
            document_steps.append(row)
        else:
            steps.append(row)
    others = [o for o in options if o.transition.kind == "forward"
              and not (set(o.transition.roles) & roles) and ErrorCode.CONDITION_FAILED not in o.codes]
    next_by = ""
    if others and not any(s["enabled"] for s in steps + document_steps) and not (vote and vote["allowed"]):
        next_by = _("Bước tiếp theo (%(actions)s) do %(roles)s thực hiện.") % {
            "actions": ", ".join(f"“{o.label}”" for o in others),
            "roles": engine.role_labels(sorted({r for o in others for r in o.transition.roles}))}
    return steps, document_steps, vote, next_by


def _detail(request, actor, nomination, *, status=200, comments=None, errors=None, typed=None):
    spec = engine.compiled(nomination.workflow_id)
    steps, document_steps, vote, next_by = _actions(actor, nomination)
    votes = selectors.council_votes([nomination]).get(nomination.pk)
    council_roles = sorted({r for t in spec.transitions.values() if t.quorum > 1 for r in t.roles})
    member = actor.authority_for(council_roles, *engine.document_paths(nomination)) is not None
    can_edit, edit_reason = engine.can_edit(actor=actor, document=nomination)
    certificate = None
    if nomination.award_form.print_format and nomination.decision_id and nomination.state in ("decided", "awarded"):
        may_print = not actor.read_only and actor.authority_for(commendations.OFFICE_ROLES,
                                                                *engine.document_paths(nomination)) is not None
        certificate = {"issued": nomination.certificate, "may_issue": may_print and nomination.certificate_id is None}
    return render(request, "desk/commendations/detail.html", {
        "nomination": nomination, "state_label": spec.state_label(nomination.state), "workflow": spec,
        "terminal": not spec.outgoing(nomination.state),
        "participant": nomination.participant, "evidence": evidence_sections(nomination.evidence),
        "evidence_as_of": (nomination.evidence or {}).get("as_of", ""), "steps": steps,
        "document_steps": document_steps, "vote": vote if member or (vote and vote["allowed"]) else None,
        "votes": votes if votes and (votes["for"] or votes["against"]) else None, "next_by": next_by,
        "documents": selectors.nomination_documents(nomination), "certificate": certificate,
        "can_edit": can_edit and not actor.read_only, "comments": comments or {}, "errors": errors or {},
        "typed": typed or {}, "achievement_max": commendations.ACHIEVEMENT_MAX,
        "timeline": document_timeline(DOCTYPE, nomination.pk), "actor": actor}, status=status)


@login_required
@require_GET
def nomination_detail(request, pk):
    actor, nomination = _nomination_or_404(request, pk)
    return _detail(request, actor, nomination)


def _refused(request, actor, nomination, exc: ServiceError, **kwargs):
    messages.error(request, exc.message + " " + _("Chưa có gì thay đổi."))
    nomination = selectors.nomination_get(actor, nomination.pk)
    return _detail(request, actor, nomination, status=409 if exc.code == ErrorCode.STALE_STATE else 400, **kwargs)


@login_required
@require_POST
def nomination_act(request, pk):
    actor, nomination = _nomination_or_404(request, pk)
    action = query_text(request.POST.get("action"), max_length=60)
    comment = normalize_text(request.POST.get(f"comment-{action}", request.POST.get("comment")), multiline=True)
    try:
        outcome = commendations.nomination_act(
            actor=actor, nomination_id=nomination.pk, action=action, comment=comment,
            expected_state=posted_state(request))
    except ServiceError as exc:
        return _refused(request, actor, nomination, exc, comments={action: comment[:2100]})
    forget_counts(actor)
    messages.success(request, outcome.message)
    return redirect("desk:nomination", pk=nomination.pk)


@login_required
@require_POST
def nomination_vote(request, pk):
    actor, nomination = _nomination_or_404(request, pk)
    choice = query_text(request.POST.get("vote"), max_length=10)
    comment = normalize_text(request.POST.get("comment"), multiline=True)
    try:
        outcome = commendations.nomination_vote(
            actor=actor, nomination_id=nomination.pk, vote=choice, comment=comment,
            expected_state=posted_state(request))
    except ServiceError as exc:
        return _refused(request, actor, nomination, exc, comments={"vote": comment[:2100]})
    forget_counts(actor)
    messages.success(request, outcome.message)
    return redirect("desk:nomination", pk=nomination.pk)


@login_required
@require_POST
def nomination_edit(request, pk):
    actor, nomination = _nomination_or_404(request, pk)
    text = request.POST.get("achievement", "")
    try:
        commendations.nomination_update(actor=actor, nomination_id=nomination.pk, achievement=text,
                                        expected_lock_version=request.POST.get("lock_version") or "?")
    except ServiceError as exc:
        return _refused(request, actor, nomination, exc, errors={"achievement": [exc.message]},
                        typed={"achievement": _typed(text)})
    messages.success(request, _("Đã lưu thành tích."))
    return redirect("desk:nomination", pk=nomination.pk)


@login_required
def nomination_certificate(request, pk):
    """GET: the certificate as printed (frozen), or a draft without a number. POST: print it with a number."""
    actor, nomination = _nomination_or_404(request, pk)
    from housing_campaign.printing import services as printing
    from housing_campaign.printing.models import PrintFormat

    if request.method == "POST":
        try:
            nomination = commendations.nomination_certificate_issue(actor=actor, nomination_id=nomination.pk)
        except ServiceError as exc:
            return _refused(request, actor, nomination, exc)
        messages.success(request, _("Đã in %(award)s số %(number)s.") % {
            "award": nomination.award_form.name, "number": nomination.certificate.number_text})
        return redirect("desk:nomination", pk=nomination.pk)
    if nomination.certificate_id:
        document = nomination.certificate
        return pdf_response(printing.issued_document_pdf(document), f"{document.number_text.replace('/', '-')}.pdf")
    fmt = PrintFormat.objects.filter(code=nomination.award_form.print_format, is_active=True).first()
    if fmt is None or nomination.decision_id is None:
        raise Http404(_("Đề nghị này chưa có bằng, giấy khen để in."))
    context = {**award_docs.nomination_context(nomination), "document_number": "……"}
    return pdf_response(printing.render_pdf(html=fmt.html, css=fmt.css, context=context, title=nomination.code),
                        f"{nomination.code}-nhap.pdf")


# ---------------------------------------------------------------------------- documents
@login_required
@require_GET
def award_document_list(request):
    actor = request_actor(request)
    kind = query_text(request.GET.get("kind"), max_length=20)
    qs = selectors.award_documents_visible(actor).select_related("award_form", "campaign")
    if kind in AwardDocument.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-issued_on", "-id"), 50).get_page(request.GET.get("page"))
    may_issue = not actor.read_only and any(a.roles & set(commendations.OFFICE_ROLES) for a in actor.all_authorities)
    return render(request, "desk/commendations/documents.html", {
        "page": page, "kind": kind, "kinds": AwardDocument.Kind.choices, "may_issue": may_issue,
        "forms": [(slug, title) for slug, (_state, title) in DOCUMENT_KINDS.items()]})


def _candidates(actor, slug: str):
    state, _title = DOCUMENT_KINDS[slug]
    qs = selectors.nominations_visible(actor).select_related("award_form", "participant__unit", "proposal",
                                                              "minutes")
    if slug == "minutes":
        rows = list(qs.filter(state__in=AFTER_COUNCIL, minutes__isnull=True).order_by("award_form__level", "id")[:500])
        votes = selectors.council_votes(rows)
        rows = [n for n in rows if votes.get(n.pk, {}).get("result") in ("Đồng ý", "Không đồng ý")]
        for n in rows:
            n.votes = votes[n.pk]
        return rows
    return list(qs.filter(state=state).order_by("award_form__level", "award_form_id", "id")[:500])


def _document_page(request, actor, slug: str, values: dict, *, errors=None, status=200):
    _state, title = DOCUMENT_KINDS[slug]
    rows = _candidates(actor, slug)
    groups: dict[int, dict] = {}
    for n in rows:
        groups.setdefault(n.award_form_id, {"form": n.award_form, "rows": []})["rows"].append(n)
    first = rows[0] if rows else None
    defaults = {}
    if first is not None:
        kind = {"decision": AwardDocument.Kind.DECISION, "proposal": AwardDocument.Kind.PROPOSAL,
                "minutes": AwardDocument.Kind.MINUTES}.get(slug)
        if kind:
            defaults["signer_title"] = award_docs.default_signer_title(first.award_form, kind)
        if slug == "proposal":
            defaults["addressee"] = award_docs.default_addressee(first.award_form)
        if slug == "higher":
            defaults["issuing_body"] = first.award_form.decided_by
    ticked = set(query_ids(values.get("n") or [])[0])
    return render(request, "desk/commendations/document_new.html", {
        "slug": slug, "title": title, "groups": list(groups.values()), "ticked": ticked,
        "values": {**defaults, **{k: v for k, v in values.items() if v not in (None, "")}},
        "errors": errors or {}, "general_errors": (errors or {}).get("__all__"),
        "today": format_date(timezone.localdate()), "read_only": actor.read_only}, status=status)


@login_required
def award_document_new(request, kind):
    if kind not in DOCUMENT_KINDS:
        raise Http404(_("Không có loại văn bản này."))
    actor = request_actor(request)
    fields = ("signer_name", "signer_title", "date", "addressee", "number", "awarded", "issuing_body", "note")
    if request.method != "POST":
        values = {"n": request.GET.getlist("n")}
        return _document_page(request, actor, kind, values)
    values = {k: normalize_text(request.POST.get(k), multiline=k in ("signer_title", "note"))[:2100] for k in fields}
    values["n"] = request.POST.getlist("n")
    ids = values["n"]
    try:
        if kind == "decision":
            document = commendations.nomination_decide(actor=actor, nomination_ids=ids,
                                                       signer_name=values["signer_name"],
                                                       signer_title=values["signer_title"],
                                                       decided_on=values["date"] or None)
        elif kind == "proposal":
            document = commendations.nomination_propose(actor=actor, nomination_ids=ids,
                                                        signer_name=values["signer_name"],
                                                        signer_title=values["signer_title"],
                                                        addressee=values["addressee"],
                                                        proposed_on=values["date"] or None)
        elif kind == "higher":
            if values["awarded"] not in ("yes", "no"):
                raise ServiceError(_("Hãy chọn kết quả: được khen thưởng hay không."), field="awarded")
            document = commendations.nomination_record_higher_decision(
                actor=actor, nomination_ids=ids, number=values["number"], decided_on=values["date"] or None,
                awarded=values["awarded"] == "yes", issuing_body=values["issuing_body"],
                signer_name=values["signer_name"], note=values["note"])
        else:
            document = commendations.council_minutes_issue(actor=actor, nomination_ids=ids,
                                                           chair_name=values["signer_name"],
                                                           meeting_on=values["date"] or None)
    except ServiceError as exc:
        messages.error(request, _("Chưa ghi văn bản: hãy sửa các ô báo lỗi bên dưới rồi bấm lại. Chưa có gì được "
                                  "ghi."))
        errors = dict(exc.errors) or {"__all__": [exc.message]}
        if "nominations" in errors:
            errors["__all__"] = errors.pop("nominations")
        return _document_page(request, actor, kind, values, errors=errors, status=409 if exc.code ==
                              ErrorCode.STALE_STATE else 400)
    forget_counts(actor)
    messages.success(request, _("Đã ghi %(kind)s số %(number)s.") % {"kind": document.get_kind_display().lower(),
                                                                      "number": document.number})
    return redirect(f"{reverse('desk:award_documents')}?kind={document.kind}")


@login_required
@require_GET
def award_document_pdf(request, pk):
    actor = request_actor(request)
    from housing_campaign.printing.services import issued_document_pdf

    document = selectors.award_documents_visible(actor).select_related("issued_document").filter(
        pk=query_id(pk) or 0).first()
    if document is None or document.issued_document is None:
        raise Http404(_("Không tìm thấy văn bản trong địa bàn của bạn."))
    issued = document.issued_document
    return pdf_response(issued_document_pdf(issued), f"{issued.number_text.replace('/', '-')}.pdf")
