"""The secretariat's suggestions: candidates ranked per group from the records, the one-click nomination with
the evidence as a snapshot, candidates already nominated, who may read and who may nominate."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from housing_campaign.commendations.models import AwardForm, Nomination
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.emulation import suggestions
from housing_campaign.emulation.models import Participant
from housing_campaign.reports.models import Target
from tests.conftest import HOME, OTHER, advance, new_case, new_receipt, unit

from .test_evidence import _day_row

pytestmark = pytest.mark.django_db


def ranking(rankings, code):
    return next(r for r in rankings if r.code == code)


@pytest.fixture
def records(people, campaign):
    """Two communes with targets (Đăk Blô ahead), three donors, a household's own labour, cases handled."""
    from housing_campaign.contributions import services as gifts

    for _ in range(2):
        advance(people, new_case(people, campaign), "handover")
    _day_row(campaign, unit(OTHER), "poor", timezone.localdate(), 1)  # one house finished in Đăk Man
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=2)
    Target.objects.create(campaign=campaign, unit=unit(OTHER), unit_path=unit(OTHER).path, houses=4)
    big = new_receipt(people, campaign, amount=90_000_000, donor_name="Công ty CP Cao su Kon Tum")
    middle = new_receipt(people, campaign, amount=40_000_000, donor_name="Ngân hàng TMCP Công Thương")
    labour = new_receipt(people, campaign, kind="workdays", amount=None, donor_name="Đoàn Thanh niên tỉnh",
                         donor_kind="organisation", quantity="80", value_per_day=200_000)
    building = advance(people, new_case(people, campaign), "construction")
    household_donor = gifts.donor_create(actor=people.actor(people.front), data={"kind": "household",
                                                                                 "name": "Hộ A Thanh"})
    gifts.contribution_receive(actor=people.actor(people.front), data={
        "donor": household_donor.pk, "kind": "workdays", "quantity": "25", "value_per_day": 250_000,
        "received_on": timezone.localdate(), "earmark": "case", "case": building.code, "own_share": True})
    return {"big": big.donor, "middle": middle.donor, "labour": labour.donor, "building": building}


def test_candidates_are_ranked_per_group_with_their_figures(people, campaign, records):
    rankings = suggestions.suggestions(people.actor(people.office), campaign)
    communes = ranking(rankings, "communes").candidates
    assert [c.unit.code for c in communes[:2]] == [HOME, OTHER]  # 2 of 2 (100%) before 1 of 4
    assert communes[0].name == "Ủy ban nhân dân xã Đăk Blô" and communes[0].participant is None
    assert dict(communes[0].figures)["Hoàn thành / chỉ tiêu"] == "2 / 2 (100%)"
    donors = ranking(rankings, "donors_value").candidates
    assert [c.name for c in donors] == ["Công ty CP Cao su Kon Tum", "Ngân hàng TMCP Công Thương",
                                        "Đoàn Thanh niên tỉnh"]
    assert dict(donors[0].figures)["Đã đóng góp"] == "90.000.000 đ"
    workdays = ranking(rankings, "donors_workdays").candidates
    assert [c.name for c in workdays] == ["Đoàn Thanh niên tỉnh"] and dict(workdays[0].figures)["Ngày công"] == \
        "80 ngày công"
    households = ranking(rankings, "households").candidates
    assert households[0].key == f"household:{records['building'].household_id}"
    assert dict(households[0].figures)["Ngày công tự làm"] == "25 ngày công"
    officials = ranking(rankings, "officials").candidates
    assert officials and dict(officials[0].figures)["Hồ sơ đã xử lý"].endswith("lượt")


def test_one_click_nominates_the_top_donor_with_the_evidence_of_the_day(people, campaign, records):
    office = people.actor(people.office)
    award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
    nomination = suggestions.suggestion_nominate(actor=office, campaign=campaign, key=f"donor:{records['big'].pk}",
                                                 award_form_id=award.pk)
    participant = nomination.participant
    assert (participant.kind, participant.group, participant.donor_id) == ("business", "d", records["big"].pk)
    assert nomination.award_form == award and nomination.state == "proposed"
    assert "Công ty CP Cao su Kon Tum đã đóng góp 90.000.000 đ" in nomination.achievement
    snapshot = nomination.evidence
    assert snapshot["as_of"] == timezone.localdate().isoformat()
    assert snapshot["evidence"]["contributions"]["data"]["donor"]["received"] == 90_000_000
    # The page now shows the nomination instead of the button, and a second click is refused by name.
    donors = ranking(suggestions.suggestions(office, campaign), "donors_value").candidates
    assert donors[0].nomination.code == nomination.code and donors[0].participant == participant
    with pytest.raises(ServiceError) as caught:
        suggestions.suggestion_nominate(actor=office, campaign=campaign, key=f"donor:{records['big'].pk}",
                                        award_form_id=award.pk)
    assert caught.value.code == ErrorCode.DUPLICATE and nomination.code in caught.value.message


def test_a_commune_is_nominated_for_the_prime_minister_s_bang_khen(people, campaign, records):
    award = AwardForm.objects.get(code="bang_khen_thu_tuong")
    nomination = suggestions.suggestion_nominate(actor=people.actor(people.office), campaign=campaign,
                                                 key=f"unit:{unit(HOME).pk}", award_form_id=award.pk)
    assert nomination.participant.name == "Ủy ban nhân dân xã Đăk Blô"
    assert nomination.participant.kind == "peoples_committee"
    assert "hoàn thành 2/2 nhà theo chỉ tiêu" in nomination.achievement
    assert Participant.objects.filter(kind="peoples_committee", unit=unit(HOME)).count() == 1


def test_only_the_office_nominates_and_nothing_is_written_on_a_refusal(people, campaign, records):
    award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
    key = f"donor:{records['big'].pk}"
    for user in (people.council[0], people.auditor, people.admin, people.officer):
        with pytest.raises(ServiceError) as caught:
            suggestions.suggestion_nominate(actor=people.actor(user), campaign=campaign, key=key,
                                            award_form_id=award.pk)
        assert caught.value.code == ErrorCode.PERMISSION_DENIED
    for bad_key, bad_award in (("donor:abc", award.pk), ("planet:1", award.pk), (key, "x"), ("donor:999999", award.pk)):
        with pytest.raises(ServiceError):
            suggestions.suggestion_nominate(actor=people.actor(people.office), campaign=campaign, key=bad_key,
                                            award_form_id=bad_award)
    # The Prime Minister's Bằng khen for a household: not for this recipient (the award's rules) – nothing written.
    with pytest.raises(ServiceError):
        suggestions.suggestion_nominate(actor=people.actor(people.office), campaign=campaign,
                                        key=f"household:{records['building'].household_id}",
                                        award_form_id=AwardForm.objects.get(code="huan_chuong_lao_dong_3").pk)
    assert not Nomination.objects.exists() and not Participant.objects.exists()


def test_the_suggestions_read_a_fixed_number_of_queries(people, campaign, records):
    office = people.actor(people.office)
    award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh").pk
    suggestions.suggestion_nominate(actor=office, campaign=campaign, key=f"donor:{records['big'].pk}",
                                    award_form_id=award)
    with CaptureQueriesContext(connection) as first:
        suggestions.suggestions(office, campaign)
    for n in range(3):
        new_receipt(people, campaign, amount=1_000_000 * (n + 1), donor_name=f"Nhà tài trợ {n}")
        advance(people, new_case(people, campaign), "funding")
    Target.objects.create(campaign=campaign, unit=unit("23350"), unit_path=unit("23350").path, houses=3)
    suggestions.suggestion_nominate(actor=office, campaign=campaign, key=f"donor:{records['middle'].pk}",
                                    award_form_id=award)
    with CaptureQueriesContext(connection) as second:
        suggestions.suggestions(office, campaign)
    assert len(first) == len(second), (len(first), len(second))


# ---------------------------------------------------------------------------- the one-click POST: every parameter
def _office_client(people):
    from django.test import Client

    client = Client()
    client.force_login(people.office)
    return client


def test_the_one_click_post_refuses_every_bad_parameter_by_name_and_writes_nothing(people, campaign, records):
    """An unknown campaign was silently replaced by the default one (and the nomination filed there)."""
    from django.urls import reverse

    award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
    good = {"campaign": campaign.pk, "candidate": f"donor:{records['big'].pk}", "award_form": award.pk}
    client = _office_client(people)
    for changed, message in (
            ({"campaign": 999_999}, "Không tìm thấy chương trình của đề nghị"),
            ({"campaign": "kt2425"}, "Không tìm thấy chương trình của đề nghị"),
            ({"campaign": ""}, "Không tìm thấy chương trình của đề nghị"),
            ({"award_form": 999_999}, "Không có hình thức khen thưởng này"),
            ({"award_form": "bang khen"}, "Không có hình thức khen thưởng này"),
            ({"award_form": ""}, "Chọn hình thức khen thưởng."),
            ({"candidate": "participant:999999"}, "Không tìm thấy đối tượng này trong địa bàn bạn phụ trách."),
            ({"candidate": "donor:999999"}, "Không tìm thấy người ủng hộ này"),
            ({"candidate": "household:abc"}, "Đề xuất không hợp lệ"),
            ({"candidate": "planet:1"}, "Đề xuất không hợp lệ"),
            ({"candidate": ""}, "Đề xuất không hợp lệ")):
        response = client.post(reverse("emulation:nominate"), {**good, **changed})
        page = response.content.decode()
        assert response.status_code == 400, changed
        assert f"Chưa lập đề nghị: {message}" in page, (changed, message)
    assert not Nomination.objects.exists() and not Participant.objects.exists()
    # The same button with its own values files the nomination in that campaign.
    assert client.post(reverse("emulation:nominate"), good).status_code == 302
    assert Nomination.objects.get().campaign == campaign


def test_a_superuser_is_told_why_they_do_not_nominate(people, campaign, records):
    """A nomination is a paper of the emulation office, under the name of its official: a superuser (a technical
    account) is told so on the page and by the refusal, and nothing is written."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    root = get_user_model().objects.create_superuser("root_emufix", password="x-pass-123")
    client = Client()
    client.force_login(root)
    page = client.get(reverse("emulation:suggestions")).content.decode()
    assert "Tài khoản quản trị hệ thống không đứng tên đề nghị khen thưởng" in page
    assert 'name="candidate"' not in page
    award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
    response = client.post(reverse("emulation:nominate"), {
        "campaign": campaign.pk, "candidate": f"donor:{records['big'].pk}", "award_form": award.pk})
    assert response.status_code == 400
    assert "Chưa lập đề nghị: Tài khoản quản trị hệ thống không đứng tên" in response.content.decode()
    with pytest.raises(ServiceError) as caught:
        suggestions.suggestion_nominate(actor=people.actor(root), campaign=campaign,
                                        key=f"donor:{records['big'].pk}", award_form_id=award.pk)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED and "Sở Nội vụ" in caught.value.message
    # Readers who do not nominate are told who does; the office is told nothing (it has the buttons).
    council = Client()
    council.force_login(people.council[0])
    assert "Chỉ cơ quan thường trực thi đua (Sở Nội vụ) lập đề nghị" in council.get(
        reverse("emulation:suggestions")).content.decode()
    assert 'id="nominate-refusal"' not in _office_client(people).get(reverse("emulation:suggestions")).content.decode()
    assert not Nomination.objects.exists() and not Participant.objects.exists()
