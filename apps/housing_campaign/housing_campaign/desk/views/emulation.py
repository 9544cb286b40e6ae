"""The emulation movement on the desk (/desk/thi-dua/…): participants and their page (the criteria of their
group with the evidence the records show beside each), a unit's own pages (registration with its plan, the
reports it sends, the documents it attaches), who is late for each deadline, the office's deadlines and criteria,
initiatives, and the secretariat's suggestions with the one-click nomination.

Thin: every read goes through ``emulation.selectors`` / ``emulation.evidence`` (scoped to the reader's territory,
a fixed number of queries per page), every write through one service; a refusal shows the page again with what
was typed and a message per field (status 400). Who may write is decided by the services (``emulation.rules``);
the pages only offer what will be accepted."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.accounts.models import UserTerritory
from housing_campaign.accounts.selectors import units_visible
from housing_campaign.core.errors import RefusedRequest, ServiceError
from housing_campaign.core.formatting import format_date
from housing_campaign.core.validators import name_for_type, query_id, query_int, query_text
from housing_campaign.emulation import evidence, rules, selectors, suggestions
from housing_campaign.emulation import services as emulation
from housing_campaign.emulation.models import EvidenceKey, Group, Participant, ReportingDeadline

from .. import forms_emulation as forms
from .common import request_actor

PAGE = 50
CHOICES_MAX = 500


def _campaign(request):
    """The campaign a page is about. Only an absent parameter falls back to the default (the active campaign
    most recently started): a campaign given but unknown (or not a number) is refused, never replaced by
    another one – a form sent with a tampered or stale hidden campaign writes nothing (400 with the reason);
    a page asked for with such a ``ct`` is a 404 saying so."""
    if request.method == "POST" and "campaign" in request.POST:
        given, posted = request.POST.get("campaign"), True
    else:
        given, posted = request.GET.get("ct") or None, False
    if given is not None:
        campaign = selectors.campaign_exact(given)
        if campaign is None:
            shown = query_text(given, max_length=40)
            if posted:
                raise RefusedRequest(gettext("Không tìm thấy chương trình, phong trào “%(campaign)s” mà biểu mẫu gửi "
                                             "lên. Chưa có gì được ghi; hãy tải lại trang rồi làm lại.")
                                     % {"campaign": shown})
            raise Http404(gettext("Không tìm thấy chương trình, phong trào “%(campaign)s”.") % {"campaign": shown})
        return campaign
    campaign = selectors.pick_campaign(None)
    if campaign is None:
        raise Http404(gettext("Chưa có chương trình, phong trào nào."))
    return campaign


def _page(request, template: str, context: dict, *, status: int = 200, tab: str = ""):
    actor = request_actor(request)
    try:
        home = reverse("desk:emulation_home")  # the section's index (the commendations' side)
    except NoReverseMatch:
        home = ""
    return render(request, template, {"tab": tab, "is_office": rules.is_office(actor), "section_home": home,
                                      "read_only": actor.read_only,
                                      "reads_suggestions": rules.reads_suggestions(actor),
                                      "campaigns": selectors.campaigns(), **context}, status=status)


def _participant_or_404(request, pk):
    actor = request_actor(request)
    try:
        return actor, emulation.participant_get_for_actor(actor=actor, participant_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None


def _refused(request, form, exc: ServiceError, *, stated: bool) -> None:
    """A service's refusal: its field messages onto the form, with one line saying so; a refusal of the whole
    request (no right, not found) said once, as it is – and not at all when the page already says why it offers
    no form (``stated``: its own paragraph, from the same rules)."""
    if exc.errors:
        form.add_service_error(exc)
        messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi bên dưới."))
    elif not stated:
        messages.error(request, exc.message)


def _posted(request, *names) -> dict:
    return {name: request.POST.get(name, "") for name in names}


def _on_post(request, form, save, *, form_first: bool = False, stated: bool = False):
    """A page's form sent: ``save()`` calls the one service of the page and returns (the success message, where to
    go); a refusal puts the service's messages on the form. ``form_first``: errors the page found itself (on the
    form) refuse before the service is asked. ``stated``: the page shows no form and says why itself (the
    service's refusal of the whole request is then not repeated). Returns (the redirect or None, the page's
    status)."""
    if request.method != "POST":
        return None, 200
    form.is_valid()
    if form_first and form.errors:
        messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi bên dưới."))
        return None, 400
    try:
        message, target = save()
    except ServiceError as exc:
        _refused(request, form, exc, stated=stated)
        return None, 400
    messages.success(request, message)
    return redirect(target), 200


# ---------------------------------------------------------------------------- participants
@login_required
@require_GET
def participant_list(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    filters = selectors.ParticipantFilters(
        group=query_text(request.GET.get("group"), max_length=2) if request.GET.get("group") in Group.values else "",
        kind=request.GET.get("kind") if request.GET.get("kind") in Participant.Kind.values else "",
        q=query_text(request.GET.get("q"), max_length=100),
        registered=request.GET.get("registered") if request.GET.get("registered") in ("yes", "no") else "")
    page = Paginator(selectors.participants_list(actor, campaign, filters), PAGE).get_page(
        query_int(request.GET.get("page"), 1, minimum=1))
    return _page(request, "desk/emulation/participants.html", {
        "campaign": campaign, "page": page, "filters": filters, "query": filters.query(),
        "groups": Group.choices, "kinds": Participant.Kind.choices,
        "can_create": rules.may_create_some(actor)}, tab="participants")


def _participant_choices(actor):
    """Units, donors and official accounts a participant of the actor's may be placed in or linked to."""
    from housing_campaign.contributions.selectors import donors_visible

    units = list(units_visible(actor).select_related("parent").order_by("system", "path")[:CHOICES_MAX])
    donors = list(donors_visible(actor).order_by("name", "id")[:CHOICES_MAX])
    user_ids = UserTerritory.objects.filter(unit__in=units_visible(actor)).values("user_id")
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True, is_superuser=False)
                 .order_by("last_name", "first_name", "username")[:CHOICES_MAX])
    return {"units": units, "donors": donors, "users": users}


def _household_id(actor, code: str, form) -> str:
    from housing_campaign.households.selectors import households_visible

    code = query_text(code, max_length=30).upper()
    if not code:
        return ""
    found = households_visible(actor).filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        form.add_error("household_code", gettext("Không tìm thấy hộ mã “%(code)s” trong địa bàn bạn phụ trách.")
                       % {"code": code})
        return ""
    return str(found)


@login_required
def participant_new(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    choices = _participant_choices(actor) if rules.may_create_some(actor) else {}
    form = forms.ParticipantForm(request.POST or None, **choices)
    if request.method == "POST":
        data = _posted(request, "kind", "unit", "name", "position", "workplace", "donor", "user")
        data["household"] = _household_id(actor, request.POST.get("household_code", ""), form)

    def save():
        participant = emulation.participant_create(actor=actor, campaign=campaign, data=data)
        return (gettext("Đã thêm %(name)s vào phong trào.") % {"name": participant.name},
                reverse("emulation:participant", args=[participant.pk]))

    done, status = _on_post(request, form, save, form_first=True, stated=not rules.may_create_some(actor))
    if done:
        return done
    return _page(request, "desk/emulation/participant_form.html", {
        "campaign": campaign, "form": form, "allowed": rules.may_create_some(actor), "participant": None},
        status=status, tab="participants")


@login_required
def participant_edit(request, pk):
    actor, participant = _participant_or_404(request, pk)
    allowed = rules.may_edit(actor, participant)
    initial = {"name": participant.name, "position": participant.position, "workplace": participant.workplace,
               "donor": participant.donor_id or "", "user": participant.user_id or "",
               "household_code": participant.household.code if participant.household_id else ""}
    form = forms.ParticipantForm(request.POST or None, initial=initial, editing=True,
                                 **(_participant_choices(actor) if allowed else {}))
    if request.method == "POST":
        data = _posted(request, "name", "position", "workplace", "donor", "user")
        data["household"] = _household_id(actor, request.POST.get("household_code", ""), form)

    def save():
        emulation.participant_update(actor=actor, participant_id=participant.pk, data=data)
        return (gettext("Đã lưu thông tin %(name)s.") % {"name": data["name"]},
                reverse("emulation:participant", args=[participant.pk]))

    done, status = _on_post(request, form, save, form_first=True, stated=not allowed)
    if done:
        return done
    return _page(request, "desk/emulation/participant_form.html", {
        "campaign": participant.campaign, "form": form, "allowed": allowed, "participant": participant},
        status=status, tab="participants")


@login_required
@require_GET
def participant_detail(request, pk):
    from housing_campaign.commendations.models import Nomination
    from housing_campaign.workflow.engine import compiled

    actor, participant = _participant_or_404(request, pk)
    campaign = participant.campaign
    book = evidence.EvidenceBook(campaign, [participant])
    documents = selectors.participant_documents(participant)
    by_criterion: dict = {}
    for document in documents["documents"]:
        by_criterion.setdefault(document.criterion_id, []).append(document)
    rows, shown = [], set()
    for criterion in selectors.criteria_for(campaign, participant.group):
        keys = [k for k in criterion.evidence if k in EvidenceKey.values and k != EvidenceKey.MANUAL]
        shown.update(keys)
        rows.append({"criterion": criterion, "proofs": book.proofs(participant, keys),
                     "manual": EvidenceKey.MANUAL in criterion.evidence,
                     "documents": by_criterion.get(criterion.pk, [])})
    others = [p for p in book.all_proofs(participant) if p.key not in shown]
    nominations = list(Nomination.objects.filter(participant=participant).select_related("award_form")
                       .order_by("-created_at", "-id"))
    for nomination in nominations:
        nomination.state_label = compiled(nomination.workflow_id).state_label(nomination.state)
    initiatives = list(participant.initiatives.order_by("-proposed_on", "-id"))
    registration = getattr(participant, "registration", None) if participant.is_collective else None
    reporting = book.reporting.get(participant.pk)
    log = selectors.participant_log(participant)
    for event in log:
        event.actor_name = emulation.person_name(event.actor) if event.actor_id else ""
    return _page(request, "desk/emulation/participant.html", {
        "campaign": campaign, "participant": participant, "rows": rows, "others": others,
        "general_documents": by_criterion.get(None, []), "submissions": documents["submissions"],
        "registration": registration, "reporting": reporting, "initiatives": initiatives,
        "nominations": nominations, "log": log,
        "can_manage": rules.may_manage(actor, participant), "can_edit": rules.may_edit(actor, participant),
        "registers": participant.kind in rules.REGISTERING_KINDS, "today": book.today}, tab="participants")


@login_required
@require_GET
def participant_file(request, pk, kind, file_pk):
    """A plan, report or evidence document: served only to those who may see the participant."""
    _, participant = _participant_or_404(request, pk)
    source = {"van-ban": participant.submissions, "minh-chung": participant.evidence_documents}.get(kind)
    record = source.filter(pk=file_pk).first() if source is not None else None
    if record is None or not record.file:
        raise Http404(gettext("Không tìm thấy tệp."))
    inline = record.content_type == "application/pdf" or record.content_type.startswith("image/")
    # Named with the extension of what it is (files kept before names were corrected may say otherwise).
    response = FileResponse(record.file.open("rb"), content_type=record.content_type, as_attachment=not inline,
                            filename=name_for_type(record.original_name, record.content_type))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------- a unit's own pages
@login_required
@require_GET
def my_units(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    units = selectors.managed_participants(actor, campaign)
    statuses: dict[int, list] = {}
    for status in selectors.deadline_statuses(campaign, units):
        statuses.setdefault(status.participant.pk, []).append(status)
    rows = [{"participant": p, "statuses": statuses.get(p.pk, []),
             "registration": getattr(p, "registration", None)} for p in units]
    return _page(request, "desk/emulation/my_units.html", {"campaign": campaign, "rows": rows}, tab="mine")


def _registration_initial(participant) -> dict:
    registration = getattr(participant, "registration", None)
    plan = emulation.plan_submission(participant)
    initial = {"registered_on": format_date(timezone.localdate())}
    if registration is not None:
        initial.update(registered_on=format_date(registration.registered_on),
                       houses_target="" if registration.houses_target is None else str(registration.houses_target),
                       money_target="" if registration.money_target is None else
                       f"{registration.money_target:,}".replace(",", "."),
                       commitments=registration.commitments)
    if plan is not None:
        initial.update(plan_number=plan.document_number, plan_date=format_date(plan.document_date),
                       plan_submitted_on=format_date(plan.submitted_on))
    return initial, plan


@login_required
def participant_register(request, pk):
    actor, participant = _participant_or_404(request, pk)
    initial, plan = _registration_initial(participant)
    form = forms.RegistrationForm(request.POST or None, request.FILES or None, initial=initial)

    def save():
        emulation.registration_save(actor=actor, participant_id=participant.pk, data=_posted(
            request, "registered_on", "houses_target", "money_target", "commitments", "plan_number", "plan_date",
            "plan_submitted_on"), plan_file=request.FILES.get("plan_file"))
        return (gettext("Đã ghi đăng ký thi đua của %(name)s.") % {"name": participant.name},
                reverse("emulation:participant", args=[participant.pk]))

    done, status = _on_post(request, form, save, stated=not (participant.kind in rules.REGISTERING_KINDS
                                                             and rules.may_manage(actor, participant)))
    if done:
        return done
    return _page(request, "desk/emulation/register.html", {
        "campaign": participant.campaign, "participant": participant, "form": form, "plan": plan,
        "registers": participant.kind in rules.REGISTERING_KINDS,
        "allowed": rules.may_manage(actor, participant)}, status=status, tab="mine")


@login_required
def participant_submit(request, pk):
    actor, participant = _participant_or_404(request, pk)
    deadlines = emulation.applicable_deadlines(participant)
    chosen = query_id(request.GET.get("han"))
    initial = {"submitted_on": format_date(timezone.localdate()), "deadline": str(chosen or "")}
    existing = participant.submissions.filter(deadline_id=chosen).first() if chosen else None
    if existing is not None:
        initial.update(document_number=existing.document_number, document_date=format_date(existing.document_date),
                       submitted_on=format_date(existing.submitted_on), note=existing.note)
    form = forms.SubmissionForm(request.POST or None, request.FILES or None, initial=initial, deadlines=deadlines)

    def save():
        submission = emulation.submission_save(
            actor=actor, participant_id=participant.pk, deadline_id=request.POST.get("deadline"),
            data=_posted(request, "document_number", "document_date", "submitted_on", "note"),
            file=request.FILES.get("file"))
        return (gettext("Đã ghi %(what)s số %(number)s của %(name)s.") % {
            "what": submission.get_kind_display().lower(), "number": submission.document_number,
            "name": participant.name}, reverse("emulation:participant", args=[participant.pk]))

    done, status = _on_post(request, form, save, stated=not (participant.kind in rules.REGISTERING_KINDS and deadlines
                                                             and rules.may_manage(actor, participant)))
    if done:
        return done
    return _page(request, "desk/emulation/submit.html", {
        "campaign": participant.campaign, "participant": participant, "form": form, "existing": existing,
        "registers": participant.kind in rules.REGISTERING_KINDS, "deadlines": deadlines,
        "allowed": rules.may_manage(actor, participant)}, status=status, tab="mine")


@login_required
def participant_evidence(request, pk):
    actor, participant = _participant_or_404(request, pk)
    criteria = selectors.criteria_for(participant.campaign, participant.group)
    form = forms.EvidenceDocumentForm(request.POST or None, request.FILES or None, criteria=criteria,
                                      initial={"criterion": request.GET.get("tieu_chi", "")})

    def save():
        emulation.evidence_document_add(actor=actor, participant_id=participant.pk,
                                        data=_posted(request, "title", "criterion"), file=request.FILES.get("file"))
        return gettext("Đã thêm tài liệu minh chứng."), reverse("emulation:participant", args=[participant.pk])

    done, status = _on_post(request, form, save, stated=not rules.may_manage(actor, participant))
    if done:
        return done
    return _page(request, "desk/emulation/evidence_form.html", {
        "campaign": participant.campaign, "participant": participant, "form": form,
        "allowed": rules.may_manage(actor, participant)}, status=status, tab="participants")


# ---------------------------------------------------------------------------- who is late
@login_required
@require_GET
def late_units(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    group = request.GET.get("group") if request.GET.get("group") in Group.values else ""
    reports = selectors.lateness(actor, campaign, group=group)
    return _page(request, "desk/emulation/late.html", {
        "campaign": campaign, "reports": reports, "group": group, "groups": Group.choices,
        "today": timezone.localdate()}, tab="late")


# ---------------------------------------------------------------------------- deadlines and criteria
def _deadline_data(request) -> dict:
    return {**_posted(request, "name", "kind", "due_on", "note"), "groups": request.POST.getlist("groups"),
            "is_active": request.POST.get("is_active") == "on"}


def _deadline_initial(deadline) -> dict:
    return {"name": deadline.name, "kind": deadline.kind, "due_on": format_date(deadline.due_on),
            "groups": deadline.groups, "note": deadline.note, "is_active": deadline.is_active}


@login_required
def deadline_list(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    form = forms.DeadlineForm(request.POST or None, initial={"is_active": True})

    def save():
        deadline = emulation.deadline_create(actor=actor, campaign=campaign, data=_deadline_data(request))
        return (gettext("Đã thêm hạn nộp “%(name)s”.") % {"name": deadline.name},
                reverse("emulation:deadlines") + f"?ct={campaign.pk}")

    done, status = _on_post(request, form, save)
    if done:
        return done
    return _page(request, "desk/emulation/deadlines.html", {
        "campaign": campaign, "deadlines": selectors.deadlines_for(campaign, active_only=False), "form": form,
        "group_labels": dict(Group.choices)}, status=status, tab="deadlines")


@login_required
def deadline_edit(request, pk):
    actor = request_actor(request)
    deadline = ReportingDeadline.objects.select_related("campaign").filter(pk=pk).first()
    if deadline is None:
        raise Http404(gettext("Không tìm thấy hạn nộp."))
    form = forms.DeadlineForm(request.POST or None, initial=_deadline_initial(deadline))

    def save():
        emulation.deadline_update(actor=actor, deadline_id=deadline.pk, data=_deadline_data(request))
        return gettext("Đã lưu hạn nộp."), reverse("emulation:deadlines") + f"?ct={deadline.campaign_id}"

    done, status = _on_post(request, form, save, stated=not rules.is_office(actor))
    if done:
        return done
    return _page(request, "desk/emulation/deadline_form.html", {
        "campaign": deadline.campaign, "deadline": deadline, "form": form}, status=status, tab="deadlines")


def _criterion_data(request) -> dict:
    return {**_posted(request, "group", "order", "text"), "evidence": request.POST.getlist("evidence"),
            "is_active": request.POST.get("is_active") == "on"}


@login_required
def criterion_list(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    form = forms.CriterionForm(request.POST or None, initial={"is_active": True, "order": "1"})

    def save():
        emulation.criterion_create(actor=actor, campaign=campaign, data=_criterion_data(request))
        return gettext("Đã thêm tiêu chí."), reverse("emulation:criteria") + f"?ct={campaign.pk}"

    done, status = _on_post(request, form, save)
    if done:
        return done
    groups = []
    criteria = selectors.criteria_for(campaign, active_only=False)
    for code, label in Group.choices:
        groups.append((label, [c for c in criteria if c.group == code]))
    return _page(request, "desk/emulation/criteria.html", {
        "campaign": campaign, "groups": groups, "form": form, "evidence_labels": dict(EvidenceKey.choices)},
        status=status, tab="criteria")


@login_required
def criterion_edit(request, pk):
    from housing_campaign.emulation.models import Criterion

    actor = request_actor(request)
    criterion = Criterion.objects.select_related("campaign").filter(pk=pk).first()
    if criterion is None:
        raise Http404(gettext("Không tìm thấy tiêu chí."))
    form = forms.CriterionForm(request.POST or None, initial={
        "group": criterion.group, "order": str(criterion.order), "text": criterion.text,
        "evidence": criterion.evidence, "is_active": criterion.is_active})

    def save():
        emulation.criterion_update(actor=actor, criterion_id=criterion.pk, data=_criterion_data(request))
        return gettext("Đã lưu tiêu chí."), reverse("emulation:criteria") + f"?ct={criterion.campaign_id}"

    done, status = _on_post(request, form, save, stated=not rules.is_office(actor))
    if done:
        return done
    return _page(request, "desk/emulation/criterion_form.html", {
        "campaign": criterion.campaign, "criterion": criterion, "form": form}, status=status, tab="criteria")


# ---------------------------------------------------------------------------- initiatives
INITIATIVE_FIELDS = ("title", "proposed_on", "description", "adopted_by", "adoption_reference", "adopted_on")


def _authors(actor, campaign) -> list[Participant]:
    qs = (selectors.participants_visible(actor).filter(campaign=campaign).select_related("unit")
          .order_by("group", "name", "id")[:CHOICES_MAX])
    return [p for p in qs if rules.may_manage(actor, p)]


@login_required
def initiative_list(request):
    actor = request_actor(request)
    campaign = _campaign(request)
    authors = _authors(actor, campaign)
    form = forms.InitiativeForm(request.POST or None, authors=authors,
                                initial={"author": request.GET.get("author", ""),
                                         "proposed_on": format_date(timezone.localdate())})

    def save():
        initiative = emulation.initiative_create(actor=actor, author_id=request.POST.get("author"),
                                                 data=_posted(request, *INITIATIVE_FIELDS))
        return (gettext("Đã ghi nhận sáng kiến “%(title)s”.") % {"title": initiative.title},
                reverse("emulation:initiative", args=[initiative.pk]))

    done, status = _on_post(request, form, save)
    if done:
        return done
    rows = selectors.initiatives_visible(actor).filter(campaign=campaign).select_related("author", "author__unit")
    author_id = query_id(request.GET.get("author"))
    if author_id:
        rows = rows.filter(author_id=author_id)
    page = Paginator(rows.order_by("-proposed_on", "-id"), PAGE).get_page(query_int(request.GET.get("page"), 1,
                                                                                     minimum=1))
    return _page(request, "desk/emulation/initiatives.html", {
        "campaign": campaign, "page": page, "form": form if authors and not actor.read_only else None,
        "author_id": author_id}, status=status, tab="initiatives")


@login_required
def initiative_detail(request, pk):
    actor = request_actor(request)
    initiative = (selectors.initiatives_visible(actor).select_related("author", "author__unit", "campaign",
                                                                      "recorded_by").filter(pk=pk).first())
    if initiative is None:
        raise Http404(gettext("Không tìm thấy sáng kiến này trong địa bàn bạn phụ trách."))
    allowed = rules.may_manage(actor, initiative.author)
    form = forms.InitiativeForm(request.POST or None, editing=True, initial={
        "title": initiative.title, "proposed_on": format_date(initiative.proposed_on),
        "description": initiative.description, "adopted_by": initiative.adopted_by,
        "adoption_reference": initiative.adoption_reference, "adopted_on": format_date(initiative.adopted_on)})

    def save():
        emulation.initiative_update(actor=actor, initiative_id=initiative.pk, data=_posted(request, *INITIATIVE_FIELDS))
        return gettext("Đã lưu sáng kiến."), reverse("emulation:initiative", args=[initiative.pk])

    done, status = _on_post(request, form, save)
    if done:
        return done
    return _page(request, "desk/emulation/initiative.html", {
        "campaign": initiative.campaign, "initiative": initiative, "form": form, "allowed": allowed},
        status=status, tab="initiatives")


# ---------------------------------------------------------------------------- suggestions
def _suggestions_page(request, actor, campaign, *, status: int = 200, failed: dict | None = None,
                      refused: str = ""):
    """``refused``: the reason a nomination just sent was refused, already said by the page's message (the
    standing note of why the reader does not nominate is then not said a second time)."""
    if campaign is None:
        raise Http404(gettext("Chưa có chương trình, phong trào nào."))
    if not rules.reads_suggestions(actor):
        raise PermissionDenied(gettext("Trang gợi ý khen thưởng dành cho cơ quan thường trực thi đua, Hội đồng Thi đua "
                                       "- Khen thưởng, quản trị viên và thanh tra."))
    top = query_int(request.GET.get("n"), suggestions.TOP, minimum=1, maximum=suggestions.TOP_MAX)
    forms_ = suggestions.award_forms()
    default = next((f.pk for f in forms_ if f.code == suggestions.DEFAULT_AWARD), forms_[0].pk if forms_ else None)
    refusal = rules.nominate_refusal(actor)
    return _page(request, "desk/emulation/suggestions.html", {
        "campaign": campaign, "rankings": suggestions.suggestions(actor, campaign, top=top), "top": top,
        "award_forms": forms_, "default_award": default, "can_nominate": not refusal,
        "nominate_refusal": "" if refusal == refused else refusal,
        "failed": failed or {}, "today": timezone.localdate()}, status=status, tab="suggestions")


@login_required
@require_GET
def suggestion_list(request):
    actor = request_actor(request)
    return _suggestions_page(request, actor, _campaign(request))


@login_required
@require_POST
def suggestion_nominate(request):
    actor = request_actor(request)
    # The campaign sent with the button, exactly: an unknown one is refused (never the default campaign instead).
    campaign = selectors.campaign_exact(request.POST.get("campaign"))
    key = query_text(request.POST.get("candidate"), max_length=40)
    try:
        nomination = suggestions.suggestion_nominate(actor=actor, campaign=campaign, key=key,
                                                     award_form_id=request.POST.get("award_form"))
    except ServiceError as exc:
        if not rules.reads_suggestions(actor):  # the 403 page says enough; nothing left for the next page
            raise PermissionDenied(exc.message) from None
        messages.error(request, gettext("Chưa lập đề nghị: %(reason)s") % {"reason": exc.message})
        # The page shown again is the default campaign's when the one sent is unknown (said by the message).
        return _suggestions_page(request, actor, campaign or selectors.pick_campaign(None), status=400,
                                 failed={"key": key, "message": exc.message}, refused=exc.message)
    messages.success(request, gettext("Đã lập đề nghị %(code)s: %(name)s – %(award)s.") % {
        "code": nomination.code, "name": nomination.nominee_name, "award": nomination.award_form.name})
    return redirect(reverse("emulation:suggestions") + f"?ct={campaign.pk}")

