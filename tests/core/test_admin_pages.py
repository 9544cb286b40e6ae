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
