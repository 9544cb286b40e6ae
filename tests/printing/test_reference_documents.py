"""Reference data of the documents: the kinds' abbreviations are Appendix III of Decree 30/2020/NĐ-CP's, the
campaign cites Decision 539/QĐ-TTg in full (also on a site seeded before), competence by period, and the
demo's signers for its communes, district and provinces, legacy and 2025."""
import datetime as dt
import importlib

import pytest

from housing_campaign.printing.models import CompetenceBasis, DocumentKind, Organ, Signer
from tests.conftest import HOME, unit

pytestmark = pytest.mark.django_db

# Appendix III of Decree 30/2020/NĐ-CP: "Bảng chữ viết tắt tên loại văn bản".
APPENDIX_III = {
    "NQ": "Nghị quyết (cá biệt)", "QĐ": "Quyết định (cá biệt)", "CT": "Chỉ thị", "QC": "Quy chế", "QYĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "GN": "Bản ghi nhớ", "TTa": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
}


def test_document_kinds_follow_appendix_iii(reference_data):
    kinds = dict(DocumentKind.objects.values_list("code", "name"))
    for code, name in APPENDIX_III.items():
        assert kinds.get(code) == name, code
    by_name = {name: code for code, name in kinds.items()}
    assert by_name["Quyết định (cá biệt)"] == "QĐ" and by_name["Tờ trình"] == "TTr" and by_name["Kế hoạch"] == "KH"
    from housing_campaign.printing.models import PrintFormat

    used = dict(PrintFormat.objects.values_list("code", "document_kind"))
    assert used["support_list_decision"] == "QĐ" and used["acceptance_minutes"] == "BB"
    assert used["progress_report"] == used["summary_report"] == "BC"
    assert set(used.values()) <= set(kinds)


def test_the_campaign_cites_decision_539_in_full(campaign):
    assert campaign.legal_basis.splitlines()[0] == (
        'Quyết định số 539/QĐ-TTg ngày 19 tháng 6 năm 2024 của Thủ tướng Chính phủ về ban hành Kế hoạch triển khai '
        'phong trào thi đua "Chung tay xóa nhà tạm, nhà dột nát trên phạm vi cả nước trong năm 2025"')


def test_a_site_seeded_before_gets_the_full_citation_unless_edited(campaign):
    from django.apps import apps as django_apps

    migration = importlib.import_module("housing_campaign.campaigns.migrations.0004_repair_thresholds_legal_basis")
    type(campaign).objects.filter(pk=campaign.pk).update(legal_basis=migration.OLD_SEEDED)
    migration.cite_539_in_full(django_apps, None)
    campaign.refresh_from_db()
    assert campaign.legal_basis == migration.NEW
    type(campaign).objects.filter(pk=campaign.pk).update(legal_basis="Căn cứ do quản trị viên sửa")
    migration.cite_539_in_full(django_apps, None)
    campaign.refresh_from_db()
    assert campaign.legal_basis == "Căn cứ do quản trị viên sửa"


def test_competence_by_period(reference_data):
    from housing_campaign.printing.issuers import competence_in_force

    ubnd = Organ.PEOPLE_COMMITTEE
    assert competence_in_force(organ=ubnd, on=dt.date(2024, 8, 1)) == [
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
        "22 tháng 11 năm 2019"]
    assert competence_in_force(organ=ubnd, on=dt.date(2025, 3, 1)) == [
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025"]
    assert competence_in_force(organ=ubnd, on=dt.date(2025, 7, 1)) == [
        "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"]
    assert CompetenceBasis.objects.filter(organ=Organ.FATHERLAND_FRONT).exists()


def test_demo_signers_cover_legacy_and_2025_bodies(reference_data):
    from housing_campaign.printing.issuers import issuing_body
    from housing_campaign.site import demo

    demo.seed_signers()
    count = Signer.objects.count()
    demo.seed_signers()  # idempotent
    assert Signer.objects.count() == count
    for day, name in ((dt.date(2025, 6, 15), "Ủy ban nhân dân xã Đăk Blô"),
                      (dt.date(2025, 8, 15), "Ủy ban nhân dân xã Đăk Plô")):
        body = issuing_body(unit=unit(HOME), on=day)
        assert body.name == name and body.signer is not None and not body.context()["warnings"]
        for organ in (Organ.FATHERLAND_FRONT,):
            assert issuing_body(unit=unit(HOME), on=day, organ=organ).signer is not None
    district = issuing_body(unit=unit("610"), on=dt.date(2025, 6, 15)).context()
    assert district["signer"]["lines"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    for code, system, day in (("62", "legacy", dt.date(2025, 6, 15)), ("51", "2025", dt.date(2025, 8, 15))):
        for organ in Organ.values:
            assert issuing_body(unit=unit(code, system), on=day, organ=organ).signer is not None, (code, organ)
    for commune in demo.COMMUNE_CODES:
        assert issuing_body(unit=unit(commune), on=dt.date(2025, 8, 15)).signer is not None, commune
