"""The demo (``manage.py setup_site --demo``) seeded whole, as a person first sees it: the secretariat's
suggestions have communes that finished their target before the 2025 deadlines, every demo nomination keeps the
evidence it was made on, and the demo's other figures stay what they were."""
import pytest

pytestmark = pytest.mark.django_db

# The states the demo's 527 cases end in (site.demo.TARGETS, fixed seed): unchanged by the communes finished early.
STATES = {"acceptance": 26, "closed": 62, "commune_confirmation": 47, "construction": 78, "eligibility_review": 73,
          "funding": 52, "handover": 26, "posting": 36, "rejected": 10, "returned": 16, "survey": 79,
          "village_posting": 17, "withdrawn": 5}


def test_the_demo_has_communes_finished_on_time_and_nominations_with_their_evidence(reference_data):
    from django.contrib.auth import get_user_model

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.campaigns.models import Campaign, CategoryDeadline
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.commendations.models import Nomination
    from housing_campaign.emulation import suggestions
    from housing_campaign.site import demo

    assert demo.seed_demo() == STATES
    campaign = Campaign.objects.get(code="kt2425")
    office = actor_for(get_user_model().objects.get(username="thiduakt"))
    communes = next(r for r in suggestions.suggestions(office, campaign) if r.code == "communes").candidates
    on_time = [c for c in communes if c.flag]
    assert {c.unit.code for c in on_time} == set(demo.EARLY_COMMUNES)
    assert communes[:len(on_time)] == on_time  # ranked first
    for candidate in on_time:
        figures = dict(candidate.figures)
        done, target = figures["Hoàn thành đúng hạn"].split(" / ")
        assert int(done) == int(target) > 0, figures
    # Their houses' timelines end before the first deadline, every date of theirs moved back alike.
    first_deadline = min(CategoryDeadline.objects.filter(campaign=campaign).values_list("deadline", flat=True))
    early = HousingCase.objects.filter(commune__code__in=demo.EARLY_COMMUNES, state__in=demo.FINISHED_TARGETS)
    assert early.exists()
    for case in early:
        assert case.state_since.date() <= first_deadline and case.surveyed_on <= first_deadline
        assert all(p.date <= first_deadline for p in case.progress_entries.all())
        assert all(a.decision_date <= first_deadline for a in case.allocations.all())
    # Every demo nomination keeps the evidence of its day (they were filed with none).
    nominations = list(Nomination.objects.all())
    assert nominations and all(n.evidence.get("evidence") is not None and n.evidence["as_of"] for n in nominations)
