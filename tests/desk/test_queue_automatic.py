"""Cases waiting for the system's automatic step (a posting period running) are nobody's task meanwhile."""
import pytest

from housing_campaign.cases.models import HousingCase
from housing_campaign.desk.selectors import actionable_q
from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db


def test_cases_on_a_running_posting_are_not_in_anyones_queue(people, campaign):
    posted = advance(people, new_case(people, campaign), "village_posting")
    to_confirm = advance(people, new_case(people, campaign), "commune_confirmation")
    mine = set(HousingCase.objects.filter(actionable_q(people.actor(people.chairman))).values_list("pk", flat=True))
    assert to_confirm.pk in mine and posted.pk not in mine
    reviewer = set(HousingCase.objects.filter(actionable_q(people.actor(people.reviewer))).values_list("pk", flat=True))
    assert posted.pk not in reviewer
