"""nomination_create: competence, territory, recipients, duplicates (issue 15, "Bad input")."""
import pytest

from housing_campaign.commendations.models import Nomination
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent
from tests.commendations.helpers import EVIDENCE, award, nominate, participant
from tests.conftest import FAR

pytestmark = pytest.mark.django_db


def test_the_office_nominates_a_commune_for_the_provincial_bang_khen(people, campaign):
    nomination = nominate(people, campaign)
    assert nomination.state == "proposed" and nomination.workflow.version == 2
    assert nomination.proposer_kind == "department" and nomination.proposer_name == "Sở Nội vụ tỉnh Kon Tum"
    assert nomination.nominee_kind == "collective" and nomination.nominee_name == "Ủy ban nhân dân xã Đăk Blô"
    assert nomination.evidence == EVIDENCE and nomination.code.startswith("KT-")
    assert nomination.unit_path == "L.62."
    assert DocumentEvent.objects.filter(doctype="commendation", object_id=nomination.pk, kind="created").exists()


def test_a_national_award_is_proposed_by_the_province(people, campaign):
    nomination = nominate(people, campaign, form="bang_khen_thu_tuong")
    assert nomination.proposer_kind == "province" and nomination.proposer_name == "Ủy ban nhân dân tỉnh Kon Tum"


def test_a_commune_cannot_propose_the_provincial_bang_khen(people, campaign):
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, by=people.officer)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert "không có thẩm quyền đề nghị “Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh”" in exc.value.message
    assert "Ủy ban nhân dân cấp huyện" in exc.value.message
    assert not Nomination.objects.exists()


def test_a_commune_proposes_its_own_and_the_districts_giay_khen(people, campaign):
    own = nominate(people, campaign, by=people.officer, form="giay_khen_chu_tich_xa")
    assert own.proposer_kind == "commune" and own.unit_path == own.proposing_unit.path
    household = participant(campaign, kind="household", name="Hộ ông A Sớ")
    up = nominate(people, campaign, household, by=people.officer, form="giay_khen_chu_tich_huyen")
    assert up.nominee_kind == "household"


def test_a_huan_chuong_does_not_go_to_a_household(people, campaign):
    household = participant(campaign, kind="household", name="Hộ ông A Sớ")
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, household, form="huan_chuong_lao_dong_3")
    assert "không tặng cho hộ gia đình" in exc.value.message
    assert not Nomination.objects.exists()


def test_a_second_award_for_the_same_achievement_is_refused(people, campaign):
    first = nominate(people, campaign)
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, form="bang_khen_thu_tuong")
    assert exc.value.code == ErrorCode.DUPLICATE and first.code in exc.value.message
    assert "cùng thành tích" in exc.value.message and Nomination.objects.count() == 1
    # another initiative of the same participant is another achievement
    other = nominate(people, campaign, form="bang_khen_thu_tuong", initiative=7)
    assert other.initiative_id == 7


def test_a_rejected_nomination_frees_the_achievement(people, campaign):
    from housing_campaign.workflow import engine

    first = nominate(people, campaign)
    engine.document_transition(actor=people.actor(people.office), doctype="commendation", object_id=first.pk,
                               action="submit")
    engine.document_transition(actor=people.actor(people.office), doctype="commendation", object_id=first.pk,
                               action="reject", comment="Chưa đủ tiêu chuẩn")
    again = nominate(people, campaign, form="giay_khen")
    assert again.pk != first.pk


def test_outside_the_territory_and_read_only_are_refused(people, campaign):
    far = participant(campaign, name="Ủy ban nhân dân xã Đăk Cấm", code=FAR)
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, far, by=people.officer, form="giay_khen_chu_tich_xa")
    assert exc.value.code == ErrorCode.OUT_OF_TERRITORY
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, by=people.auditor)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, by=people.finance)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED and "được lập đề nghị" in exc.value.message
    assert not Nomination.objects.exists()


def test_empty_achievement_and_bad_evidence_are_refused(people, campaign):
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, achievement="   ")
    assert "thành tích" in exc.value.message.lower()
    with pytest.raises(ServiceError):
        nominate(people, campaign, evidence=["not", "a", "dict"])
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, evidence={"x": "a" * 300_000})
    assert exc.value.code == ErrorCode.LIMIT_EXCEEDED
    assert not Nomination.objects.exists()
    kept = nominate(people, campaign, evidence={"note": "nul\x00here"})
    assert kept.evidence == {"note": "nulhere"}


def test_a_participant_of_another_campaign_is_refused(people, campaign):
    from housing_campaign.campaigns.models import Campaign

    other = Campaign.objects.create(code="other", name="Khác", province=campaign.province,
                                    starts_on=campaign.starts_on, ends_on=campaign.ends_on)
    with pytest.raises(ServiceError) as exc:
        nominate(people, campaign, participant(other))
    assert "không tham gia phong trào" in exc.value.message


def test_an_award_form_name_is_checked(people, campaign):
    assert award("giay_khen_chu_tich_xa").proposer_kinds == ["commune"]


def test_the_database_refuses_a_second_award_for_the_same_achievement(people, campaign):
    """The last guard behind the service's check (two requests racing): one active nomination per participant,
    campaign and initiative (or overall achievement); a rejected one does not count."""
    from django.db import IntegrityError, transaction

    first = nominate(people, campaign)
    copy = Nomination.objects.get(pk=first.pk)
    copy.pk, copy.code = None, "KT-COPY"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    Nomination.objects.filter(pk=first.pk).update(state="rejected")
    copy.save()
    assert Nomination.objects.count() == 2


def test_every_nomination_keeps_the_evidence_of_the_day_whatever_files_it(people, campaign):
    """A caller bringing no evidence (a script, the demo, another page) no longer files a nomination without its
    snapshot: the service computes it from the records (hooks.evidence_snapshots)."""
    from django.utils import timezone

    from housing_campaign.commendations import services

    commune = participant(campaign)
    for evidence in (None, {}):
        kwargs = {} if evidence is None else {"evidence": evidence}
        nomination = services.nomination_create(
            actor=people.actor(people.office), campaign=campaign, participant=commune,
            award_form=award("bang_khen_chu_tich_tinh"), achievement="Hoàn thành sớm 20 căn nhà", **kwargs)
        snapshot = nomination.evidence
        assert snapshot["as_of"] == timezone.localdate().isoformat() and snapshot["participant"] == commune.pk
        assert snapshot["evidence"]["houses_finished"]["data"]["target"] == 0
        Nomination.objects.filter(pk=nomination.pk).update(state="not_awarded")  # free the achievement again
    # A caller's own snapshot is kept as given (checked, as before).
    assert nominate(people, campaign, who=participant(campaign, kind="business", name="Công ty B", code="62"),
                    ).evidence == EVIDENCE
