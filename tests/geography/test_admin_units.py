import pytest

from housing_campaign.geography.models import AdminUnit


@pytest.mark.django_db
def test_kon_tum_legacy_and_quang_ngai_2025():
    kon_tum = AdminUnit.objects.get(system="legacy", code="62")
    assert kon_tum.name == "Tỉnh Kon Tum"
    assert AdminUnit.objects.filter(system="legacy", level="district", parent=kon_tum).count() == 10
    assert AdminUnit.objects.filter(system="legacy", level="commune", path__startswith=kon_tum.path).count() == 102
    quang_ngai = AdminUnit.objects.get(system="2025", code="51")
    assert AdminUnit.objects.filter(system="2025", level="commune", parent=quang_ngai).count() == 96
    assert AdminUnit.objects.filter(system="2025", level="province").count() == 34
    assert AdminUnit.objects.filter(system="legacy", level="province").count() == 63


@pytest.mark.django_db
def test_every_kon_tum_commune_maps_to_a_2025_commune_of_quang_ngai():
    communes = AdminUnit.objects.filter(system="legacy", level="commune", path__startswith="L.62.")
    assert communes.count() == 102
    for commune in communes.select_related("successor__parent"):
        assert commune.successor is not None, commune.name
        assert commune.successor.parent.code == "51", commune.name
    dak_blo = AdminUnit.objects.get(system="legacy", code="23344")
    assert dak_blo.name == "Xã Đăk Blô" and dak_blo.parent.name == "Huyện Đắk Glei"
