"""Criteria and deadlines in the admin: the desk's checks (known evidence and groups, dates in the campaign, a
provincial administrator), written through the same services; retired, never deleted; the auditor reads."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.core.models import DocumentEvent
from housing_campaign.emulation.models import Criterion, ReportingDeadline

pytestmark = pytest.mark.django_db


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_adds_a_criterion_with_the_desk_s_checks(people, campaign):
    client = admin_client(people.admin)
    url = reverse("admin:emulation_criterion_add")
    bad = client.post(url, {"campaign": campaign.pk, "group": "b", "order": "5", "text": "", "is_active": "on"})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "Chưa nhập nội dung tiêu chí" in page and "Chọn ít nhất một loại minh chứng" in page
    count = Criterion.objects.count()
    assert count == 16
    good = client.post(url, {"campaign": campaign.pk, "group": "b", "order": "5", "is_active": "on",
                             "text": "Trả lời phản ánh của người dân đúng hạn.", "evidence": ["complaints_answered"]})
    assert good.status_code == 302
    criterion = Criterion.objects.exclude(code__in=[f"{g}{n}" for g in "abcd" for n in range(1, 8)]) \
        .exclude(code__startswith="dd").get()
    assert criterion.evidence == ["complaints_answered"] and criterion.updated_by == people.admin
    assert DocumentEvent.objects.filter(doctype="emulation_criterion", object_id=criterion.pk).exists()
    delete = client.post(reverse("admin:emulation_criterion_delete", args=[criterion.pk]), {"post": "yes"})
    assert delete.status_code == 403 and Criterion.objects.filter(pk=criterion.pk).exists()


def test_deadline_dates_and_groups_are_checked_in_the_admin(people, campaign):
    client = admin_client(people.admin)
    deadline = ReportingDeadline.objects.get(campaign=campaign, code="bao_cao_2024")
    url = reverse("admin:emulation_reportingdeadline_change", args=[deadline.pk])
    response = client.post(url, {"campaign": campaign.pk, "name": deadline.name, "kind": "interim",
                                 "due_on": "01/01/2020", "is_active": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and "Chọn ít nhất một nhóm đối tượng phải nộp" in page
    deadline.refresh_from_db()
    assert deadline.groups == ["a", "b", "c"]
    auditor = admin_client(people.auditor)
    assert auditor.get(url).status_code == 200
    assert auditor.post(url, {"campaign": campaign.pk, "name": "X", "kind": "interim", "due_on": "2024-11-30",
                              "groups": ["b"]}).status_code == 403
