"""Every admin page an administrator can open renders (no 500), in Vietnamese."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_and_change_page_renders(people, campaign):
    advance(people, new_case(people, campaign), "posting")
    superuser = get_user_model().objects.create_superuser("root", "root@example.invalid", "x-pass-123")
    client = Client()
    client.force_login(superuser)
    assert "Danh mục quản trị" in client.get(reverse("admin:index")).content.decode()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        obj = model_admin.get_queryset(response.wsgi_request).order_by("pk").first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_admin_bad_input_gets_a_vietnamese_error_and_changes_nothing(people, campaign):
    from housing_campaign.accounts.models import Delegation
    from housing_campaign.campaigns.models import SupportNorm
    from tests.conftest import PASSWORD

    client = Client()
    client.login(username=people.admin.username, password=PASSWORD)
    strand = campaign.strands.get(code="phong_trao")
    before = SupportNorm.objects.count()
    response = client.post(reverse("admin:campaigns_supportnorm_add"), {
        "strand": strand.pk, "support_type": "new_build", "amount": "0", "valid_from": "01/01/2026", "basis": "x"})
    assert response.status_code == 200 and "Mức hỗ trợ phải lớn hơn 0 đồng." in response.content.decode()
    assert SupportNorm.objects.count() == before
    response = client.post(reverse("admin:accounts_delegation_add"), {
        "delegator": people.reviewer.pk, "delegate": people.officer.pk, "starts_on": "10/01/2026",
        "ends_on": "05/01/2026", "reason": "", "is_active": "on"})
    assert "Ngày kết thúc ủy quyền phải từ ngày bắt đầu trở đi." in response.content.decode()
    assert not Delegation.objects.exists()
    assert client.get(reverse("admin:geography_adminunit_change", args=[1])).status_code == 200  # view only
