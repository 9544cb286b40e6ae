"""Issue 8, item 2: a province administrator made itself superuser through the user form and saw every
user. Administrators are trusted with data, not with power over other administrators."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from housing_campaign.accounts.models import Delegation, Role, UserTerritory
from tests.conftest import FAR, HOME, make_user, unit

pytestmark = pytest.mark.django_db
User = get_user_model()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _change_data(user, **overrides):
    territories = list(user.territories.all())
    data = {"username": user.username, "first_name": user.first_name, "last_name": "", "email": "",
            "is_active": "on", "groups": [g.pk for g in user.groups.all()],
            "territories-TOTAL_FORMS": str(len(territories)), "territories-INITIAL_FORMS": str(len(territories)),
            "territories-MIN_NUM_FORMS": "0", "territories-MAX_NUM_FORMS": "1000"}
    for i, t in enumerate(territories):
        data.update({f"territories-{i}-id": t.pk, f"territories-{i}-user": user.pk, f"territories-{i}-unit": t.unit_id})
    data.update(overrides)
    return data


def test_administrator_cannot_make_anyone_superuser_or_staff(people):
    client = _client(people.admin)
    url = reverse("admin:auth_user_change", args=[people.officer.pk])
    page = client.get(url).content.decode()
    assert page.count('name="is_superuser"') == 0 and 'name="user_permissions"' not in page
    assert 'name="is_staff"' not in page
    response = client.post(url, _change_data(people.officer, is_superuser="on", is_staff="on",
                                             user_permissions=[1, 2]))
    assert response.status_code == 302
    people.officer.refresh_from_db()
    assert not people.officer.is_superuser and not people.officer.is_staff
    assert not people.officer.user_permissions.exists()


def test_administrator_cannot_edit_itself_other_administrators_or_superusers(people):
    other_admin = make_user("admin_far", "administrator", HOME, staff=True)
    root = User.objects.create_superuser("root", "root@example.invalid", "x-pass-123")
    client = _client(people.admin)
    for target in (people.admin, other_admin, root):
        url = reverse("admin:auth_user_change", args=[target.pk])
        response = client.post(url, _change_data(target, is_superuser="on", first_name="Hacked"))
        assert response.status_code == 302 and response.url == reverse("admin:index")
        target.refresh_from_db()
        assert target.first_name != "Hacked"
    people.admin.refresh_from_db()
    assert not people.admin.is_superuser


def test_user_list_shows_only_users_of_the_administrators_territory(people):
    outsider = make_user("officer_far", "commune_officer", FAR)
    district_admin = make_user("admin_610", "administrator", "610", staff=True)
    page = _client(district_admin).get(reverse("admin:auth_user_changelist")).content.decode()
    assert "officer_a" in page and "officer_b" in page and "reviewer" in page
    assert "officer_far" not in page and ">finance<" not in page and "admin_kt" not in page  # province-wide
    assert outsider.username not in page


def test_administrator_cannot_grant_the_administrator_role(people):
    client = _client(people.admin)
    admin_group = Role.objects.get(code="administrator").group
    url = reverse("admin:auth_user_change", args=[people.officer.pk])
    response = client.post(url, _change_data(people.officer, groups=[admin_group.pk]))
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode() or "valid choice" in response.content.decode()
    assert not people.officer.groups.filter(pk=admin_group.pk).exists()
    auditor_group = Role.objects.get(code="auditor").group
    response = client.post(url, _change_data(people.officer, groups=[auditor_group.pk]))
    assert response.status_code == 302
    people.officer.refresh_from_db()
    assert people.officer.is_staff  # staff follows the role that uses the admin site


def test_administrator_assigns_territories_only_inside_its_own(people):
    district_admin = make_user("admin_610", "administrator", "610", staff=True)
    client = _client(district_admin)
    url = reverse("admin:auth_user_change", args=[people.officer.pk])
    data = _change_data(people.officer)
    data.update({"territories-TOTAL_FORMS": "2", "territories-1-user": people.officer.pk,
                 "territories-1-unit": unit("62").pk})
    response = client.post(url, data)
    assert response.status_code == 200 and "nằm ngoài địa bàn bạn phụ trách" in response.content.decode()
    assert list(people.officer.territories.values_list("unit__code", flat=True)) == [HOME]


def test_administrator_cannot_touch_groups_roles_or_delegate_power(people):
    client = _client(people.admin)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    role = Role.objects.get(code="auditor")
    response = client.post(reverse("admin:accounts_role_change", args=[role.pk]),
                           {"name_vi": role.name_vi, "name_en": role.name_en, "group": role.group_id,
                            "is_active": "on"})  # read_only unticked
    assert response.status_code == 403
    role.refresh_from_db()
    assert role.read_only
    before = Group.objects.get(pk=role.group_id).permissions.count()
    assert before and not Group.objects.get(pk=role.group_id).permissions.exclude(codename__startswith="view_").exists()
    root = User.objects.create_superuser("root", "root@example.invalid", "x-pass-123")
    response = client.post(reverse("admin:accounts_delegation_add"), {
        "delegator": root.pk, "delegate": people.officer.pk, "starts_on": "01/01/2025", "ends_on": "31/12/2030",
        "reason": "", "is_active": "on"})
    assert response.status_code == 200 and not Delegation.objects.exists()


def test_administrator_creates_a_user_in_its_territory(people):
    client = _client(people.admin)
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "new_officer", "usable_password": "true",
        "password1": "Kt-pass-2025!x", "password2": "Kt-pass-2025!x",
        "territories-TOTAL_FORMS": "1", "territories-INITIAL_FORMS": "0", "territories-MIN_NUM_FORMS": "0",
        "territories-MAX_NUM_FORMS": "1000", "territories-0-unit": unit(HOME).pk})
    assert response.status_code == 302
    user = User.objects.get(username="new_officer")
    assert not user.is_staff and not user.is_superuser
    assert UserTerritory.objects.filter(user=user, unit__code=HOME).exists()
    assert client.get(reverse("admin:auth_user_change", args=[user.pk])).status_code == 200


def test_superuser_keeps_full_power(people):
    root = User.objects.create_superuser("root", "root@example.invalid", "x-pass-123")
    page = _client(root).get(reverse("admin:auth_user_change", args=[people.officer.pk])).content.decode()
    assert 'name="is_superuser"' in page and 'name="is_staff"' in page
