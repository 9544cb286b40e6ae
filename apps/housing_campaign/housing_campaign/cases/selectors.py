"""Reads of cases, always scoped to the actor's territory."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, scope
from housing_campaign.core.errors import ErrorCode, ServiceError

from .models import HousingCase


def cases_visible(actor: Actor) -> QuerySet[HousingCase]:
    return scope(HousingCase.objects.all(), actor)


def case_get_for_actor(*, actor: Actor, case_id: int | str, for_update: bool = False) -> HousingCase:
    """The case, or a refusal that does not reveal whether a case outside the territory exists."""
    qs = cases_visible(actor).select_related("household", "campaign", "strand", "commune", "commune__parent",
                                             "commune_2025", "village", "survey_round", "workflow", "last_actor")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=int(case_id))
    except (HousingCase.DoesNotExist, ValueError, TypeError):
        raise ServiceError(gettext("Không tìm thấy hồ sơ trong địa bàn bạn phụ trách."),
                           code=ErrorCode.NOT_FOUND) from None
