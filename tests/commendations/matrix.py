"""What the permission matrix's commendation probes act on (tests/test_permission_matrix.py): nominations of the
home commune in the states each desk URL acts in, made through the services."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from housing_campaign.commendations import services as s
from tests.commendations.helpers import act, award, participant, vote
from tests.conftest import HOME

NAMES = ("desk:emulation_home", "desk:nominations", "desk:nomination_new", "desk:nomination", "desk:nomination_act",
         "desk:nomination_edit", "desk:nomination_vote", "desk:nomination_certificate", "desk:award_documents",
         "desk:award_document_new", "desk:award_document_pdf", "public:honour_roll")


class CommendationWorld:
    def __init__(self, people, campaign):
        self.campaign = campaign
        self.commune = participant(campaign)  # not nominated: the new-nomination probe files it
        officer = people.actor(people.officer)

        def file(name, form="giay_khen_chu_tich_xa", by=officer, kind="household"):
            return s.nomination_create(actor=by, campaign=campaign, participant=participant(
                campaign, kind=kind, name=name, code=HOME), award_form=award(form), achievement="Góp 30 ngày công",
                evidence={})

        self.proposed = file("Hộ ông A Sớ")
        self.voting = file("Công ty Xây dựng Đăk Blô", form="bang_khen_chu_tich_tinh", by=people.actor(people.office),
                           kind="business")
        act(people, people.office, self.voting, "submit")
        act(people, people.office, self.voting, "approve")
        self.waiting = self._through_council(people, file("Hộ bà Y Hoa"))
        decided = self._through_council(people, file("Hộ ông A Nhứ"))
        self.decision = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[decided.pk],
                                            signer_name="A Văn Tám")
        self.decided = decided

    @staticmethod
    def _through_council(people, nomination):
        act(people, people.officer, nomination, "submit")
        act(people, people.office, nomination, "approve")
        for member in people.council[:3]:
            vote(people, member, nomination)
        return nomination

    def probe(self, name):
        today = timezone.localdate().strftime("%d/%m/%Y")
        return {
            "desk:emulation_home": lambda: (reverse(name), {}),
            "desk:nominations": lambda: (reverse(name) + "?state=proposed", {}),
            "desk:nomination_new": lambda: (reverse(name), {
                "campaign": self.campaign.pk, "participant": self.commune.pk,
                "award_form": award("giay_khen_chu_tich_huyen").pk, "achievement": "Hoàn thành 20/20 nhà"}),
            "desk:nomination": lambda: (reverse(name, args=[self.proposed.pk]), {}),
            "desk:nomination_act": lambda: (reverse(name, args=[self.proposed.pk]), {
                "action": "submit", "expected_state": "proposed"}),
            "desk:nomination_edit": lambda: (reverse(name, args=[self.proposed.pk]), {
                "achievement": "Góp 35 ngày công", "lock_version": self.proposed.lock_version}),
            "desk:nomination_vote": lambda: (reverse(name, args=[self.voting.pk]), {
                "vote": "for", "expected_state": "council_vote"}),
            "desk:nomination_certificate": lambda: (reverse(name, args=[self.decided.pk]), {}),
            "desk:award_documents": lambda: (reverse(name), {}),
            "desk:award_document_new": lambda: (reverse(name, args=["decision"]), {
                "n": [self.waiting.pk], "signer_name": "A Văn Tám", "date": today}),
            "desk:award_document_pdf": lambda: (reverse(name, args=[self.decision.pk]), {}),
            "public:honour_roll": lambda: (reverse(name, args=[self.campaign.code]), {}),
        }[name]()
