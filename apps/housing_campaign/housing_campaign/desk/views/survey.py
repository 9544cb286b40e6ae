"""A new survey from the desk (also on a phone), with drafts kept on the server."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from housing_campaign.campaigns.models import Campaign, Strand
from housing_campaign.cases import services as case_services
from housing_campaign.core.errors import ServiceError, validation_error
from housing_campaign.core.validators import normalize_text, query_text
from housing_campaign.extrafields.forms import extra_values_from
from housing_campaign.extrafields.services import extra_values_clean
from housing_campaign.geography.models import Village

from .. import forms as desk_forms
from .. import selectors
from ..models import SurveyDraft
from ..selectors import forget_counts
from .case import parse_survey
from .common import request_actor


@login_required
def case_new(request):
    actor = request_actor(request)
    campaign = Campaign.objects.filter(is_active=True).order_by("-starts_on").first()
    if campaign is None:
        raise Http404(gettext("Chưa có chương trình đang thực hiện."))
    communes = selectors.survey_communes(actor, campaign)
    villages = Village.objects.filter(commune__in=communes).select_related("commune")
    form = desk_forms.SurveyForm(request.POST or None, communes=communes, villages=villages,
                                 strands=Strand.objects.filter(campaign=campaign),
                                 initial={"surveyed_on": timezone.localdate(),
                                          "commune": str(communes[0].pk) if len(communes) == 1 else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        commune = next((c for c in communes if str(c.pk) == data["commune"]), None)
        village = Village.objects.filter(pk=data.get("village") or 0, commune=commune).first()
        household_data = {**{k: data.get(k) for k in ("head_name", "national_id", "category", "ethnicity",
                                                      "is_ethnic_minority", "social_assistance", "split_on",
                                                      "earlier_support", "land_status", "phone")},
                          "commune": commune, "village": village, "address": village.name if village else ""}
        survey = parse_survey(form)
        # Check the household and the house together so every error shows at once.
        errors = {**case_services.household_errors(household_data, campaign=campaign, actor=actor),
                  **case_services.survey_errors(campaign, survey)}
        if not data.get("category"):
            errors["category"] = [gettext("Chưa chọn đối tượng.")]
        try:
            extra_values_clean(doctype="housing_case", values=extra_values_from(request.POST))
        except ServiceError as exc:
            errors.update(exc.errors)
        try:
            if errors:
                raise validation_error(errors)
            with transaction.atomic():
                household = case_services.household_create(actor=actor, campaign=campaign, data=household_data)
                case = case_services.case_create(
                    actor=actor, campaign=campaign, household=household,
                    survey_round=campaign.rounds.order_by("-number").first(),
                    data=survey, extra=extra_values_from(request.POST))
            SurveyDraft.objects.filter(user=request.user, key=request.POST.get("draft_key", "new")).delete()
            forget_counts(actor)
            messages.success(request, gettext("Đã lập hồ sơ %(code)s.") % {"code": case.code})
            return redirect(f"{reverse('desk:case', args=[case.pk])}?created=1")
        except ServiceError as exc:
            form.add_service_error(exc)
    # A refused submit: the form's error summary (desk/_form_fields.html) says so at the top and takes the focus.
    draft = SurveyDraft.objects.filter(user=request.user, key="new").first()
    return render(request, "desk/case_new.html", {"form": form, "campaign": campaign,
                                                  "server_draft": draft.data if draft else {},
                                                  "draft_saved_at": draft.updated_at if draft else None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def save_draft(request):
    """Keep what the officer typed on the server (called by the page whenever it is online)."""
    if len(request.body) > 100_000:
        return HttpResponseBadRequest(gettext("Dữ liệu nháp không hợp lệ."))
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        return HttpResponseBadRequest(gettext("Dữ liệu nháp không hợp lệ."))
    if (not isinstance(payload, dict) or not isinstance(payload.get("data", {}), dict)
            or not isinstance(payload.get("key", "new"), str)):
        return HttpResponseBadRequest(gettext("Dữ liệu nháp không hợp lệ."))
    # Only the form's own fields, as short single texts (no NUL: PostgreSQL's JSON refuses it).
    data = {query_text(k, max_length=60): normalize_text(v, multiline=True, max_length=2000)
            for k, v in list(payload.get("data", {}).items())[:200]
            if k not in ("csrfmiddlewaretoken",) and isinstance(v, (str, int, float, bool)) and query_text(k)}
    key = query_text(payload.get("key", "new"), max_length=80) or "new"
    draft, _ = SurveyDraft.objects.update_or_create(user=request.user, key=key, defaults={"data": data})
    return JsonResponse({"saved_at": timezone.localtime(draft.updated_at).strftime("%H:%M:%S %d/%m/%Y")})
