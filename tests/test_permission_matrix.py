"""The permission matrix (issue 8): every URL pattern of the project (walked from the URL resolver),
every page of every registered ModelAdmin and every admin action x every role of fixtures/roles.yaml,
a superuser, a data-role user with is_staff ticked and an anonymous visitor x GET and POST, checked
against the one declared table, ``housing_campaign.accounts.permissions``.

A URL pattern, model or admin action missing from the table fails with its name. A refused request
must change nothing: every request runs in a savepoint that is rolled back afterwards, with a
database hook counting the rows it inserted, updated or deleted (sessions excepted)."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from housing_campaign.accounts import permissions as table
from tests.conftest import HOME, PASSWORD, advance, make_user, new_case, post_list, unit

pytestmark = pytest.mark.django_db
User = get_user_model()

STANDARD_PAGES = {  # page -> (column to read, column to write); None: POST changes nothing for anyone
    "changelist": ("view", None),  # its writes are the admin actions, checked one by one below
    "add": ("add", "add"),
    "change": ("view", "change"),
    "delete": ("delete", "delete"),
    "history": ("view", None),
}


class RowsWritten:
    """Counts the rows a request inserted, updated or deleted and kept: writes undone by a rolled-back
    savepoint inside the request (a service refusing after a first write) do not count."""

    def __init__(self):
        self.rows = 0
        self.statements: list[str] = []
        self.savepoints: dict[str, tuple[int, int]] = {}

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        words = sql.lstrip().split()
        verb = words[0].upper() if words else ""
        if verb == "SAVEPOINT":
            self.savepoints[words[1]] = (self.rows, len(self.statements))
        elif verb == "ROLLBACK" and len(words) >= 4 and words[3] in self.savepoints:
            self.rows, kept = self.savepoints.pop(words[3])
            del self.statements[kept:]
        elif verb == "RELEASE":
            self.savepoints.pop(words[-1], None)
        elif verb in ("INSERT", "UPDATE", "DELETE") and "django_session" not in sql:
            count = context["cursor"].rowcount
            count = max(count, 1) if verb == "INSERT" else max(count or 0, 0)
            if count:
                self.rows += count
                self.statements.append(sql[:120])
        return result


def walk(resolver=None, prefix="", namespace=""):
    """(full name or None, route, pattern) of every URL pattern of the project."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), prefix + str(pattern.pattern), pattern


# ---------------------------------------------------------------------------- the world the probes run in
class World:
    def __init__(self, people, campaign):
        from housing_campaign.cases.models import Attachment
        from housing_campaign.certificates.services import token_for
        from housing_campaign.commendations.models import AwardForm, Nomination
        from housing_campaign.core.models import BackgroundJob, Notification
        from housing_campaign.desk.models import SavedFilter
        from housing_campaign.extrafields.models import ExtraField
        from housing_campaign.printing.models import PrintFormat
        from housing_campaign.workflow.definitions import definition_clone
        from housing_campaign.workflow.engine import initial_workflow_fields
        from housing_campaign.workflow.models import WorkflowDefinition

        self.campaign = campaign
        self.users = {
            "commune_officer": people.officer, "commune_chairman": people.chairman, "reviewer": people.reviewer,
            "finance_officer": people.finance, "inspector": people.inspector,
            "fatherland_front": people.front, "emulation_office": people.office,
            "emulation_council": people.council[0], "administrator": people.admin, "auditor": people.auditor,
            "superuser": User.objects.create_superuser("root", "root@example.invalid", PASSWORD),
            "staff_only": make_user("staff_only", "commune_officer", HOME, staff=True),
            "anonymous": None,
        }
        assert set(self.users) == set(table.SUBJECTS)
        other = make_user("someone_else", "commune_officer", HOME)
        self.posted = advance(people, new_case(people, campaign), "posting")
        self.review = advance(people, new_case(people, campaign), "eligibility_review")
        self.confirm = advance(people, new_case(people, campaign), "commune_confirmation")
        self.listed = advance(people, new_case(people, campaign), "village_posting")
        self.posting = post_list(people, [self.listed])
        self.certificate = self.posted.certificates.get(status="valid")
        self.issued = self.certificate.document
        self.attachment = Attachment.objects.create(
            case=self.posted, stage="survey", kind="photo", original_name="nha.jpg", content_type="image/jpeg",
            size=3, uploaded_by=people.officer, file=ContentFile(b"\xff\xd8\xff", name="nha.jpg"))
        self.saved_filter = SavedFilter.objects.create(user=other, name="của người khác", query="stage=survey")
        self.job = BackgroundJob.objects.create(kind="batch_print", created_by=other, total=1, status="done",
                                                result_file="x.pdf")
        for user in self.users.values():
            if user is not None:
                Notification.objects.create(user=user, subject="Có hồ sơ chờ xử lý", body="")
        self.workflow = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
        self.draft = definition_clone(definition=self.workflow)
        self.migration_job = BackgroundJob.objects.create(kind="workflow_migration", created_by=people.admin, total=1,
                                                          status="running", params={"source": self.workflow.pk})
        self.extra_field = ExtraField.objects.create(doctype="housing_case", code="co_dien", label_vi="Có điện",
                                                     field_type="boolean")
        self.nomination = Nomination.objects.create(
            code="T-1", campaign=campaign, nominee_kind="collective", nominee_name="UBND xã Đăk Blô",
            award_form=AwardForm.objects.get(code="giay_khen"), achievement="Hoàn thành sớm",
            proposing_unit=unit(HOME), unit_path=unit(HOME).path, unit_2025_path=unit(HOME).successor.path,
            **initial_workflow_fields("commendation"))
        self.money = MoneyWorld(people, campaign)
        from housing_campaign.postings.models import CommuneContact

        self.contact = CommuneContact.objects.create(unit=unit(HOME), phone="02603800000")
        from housing_campaign.printing.services import signer_create

        self.signer = signer_create(unit=unit(HOME), organ="people_committee", full_name="A Blưi",
                                    valid_from=dt.date(2021, 7, 1), valid_to=dt.date(2025, 6, 30))
        from housing_campaign.reports.models import Target

        self.target = Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=12)
        from housing_campaign.reports.models import PeriodicReport

        self.report = PeriodicReport.objects.create(
            campaign=campaign, kind="progress", unit=unit(HOME), unit_path=unit(HOME).path,
            unit_2025_path=unit(HOME).successor.path, as_of=timezone.localdate(), created_by=other)
        self.feedback = _feedback_probe()
        from tests.commendations.matrix import CommendationWorld

        self.awards = CommendationWorld(people, campaign)
        self.postings = PostingWorld(people, campaign)
        from tests.emulation.helpers import EmulationWorld

        self.emulation = EmulationWorld(people, campaign, self.money)
        self.api = ApiWorld(people, campaign, other)
        self.contribution = self.money.receipt
        from housing_campaign.accounts.models import Delegation

        self.delegation = Delegation.objects.create(delegator=people.officer, delegate=people.officer_b,
                                                    starts_on=timezone.localdate(), ends_on=timezone.localdate())
        self.format = PrintFormat.objects.get(code="acceptance_minutes")
        self.webhook, self.delivery = _webhook_probe(people.admin)
        self.import_batch, self.import_upload = _import_probe(other, campaign)
        self.target_upload, self.target_token = _target_probe(other, campaign)
        self.verify_url = f"/verify/{self.certificate.code}?t={token_for(self.certificate.code)}"
        from housing_campaign.contributions.documents import receipt_token

        code = self.contribution.public_code
        self.receipt_url = f"/bien-nhan/{code}?t={receipt_token(code)}"
        self.specific = {
            "auth.user": people.officer, "auth.group": people.officer.groups.first(),
            "workflow.workflowdefinition": self.draft, "extrafields.extrafield": self.extra_field,
            "cases.housingcase": self.posted, "cases.attachment": self.attachment,
            "certificates.certificate": self.certificate, "printing.issueddocument": self.issued,
            "printing.printformat": self.format, "commendations.nomination": self.nomination,
            "contributions.contribution": self.contribution, "accounts.delegation": self.delegation,
            "contributions.donor": self.money.receipt.donor, "contributions.pledge": self.money.pledge,
            "funding.fundingpool": self.money.front_pool,
            "households.household": self.posted.household,
            "webhooks.webhook": self.webhook, "webhooks.webhookdelivery": self.delivery,
        }

    def sample(self, model, subject):
        label = model._meta.label_lower
        if label == "core.notification":  # personal: each subject opens their own
            user = self.users[subject] or self.users["superuser"]
            return model.objects.filter(user=user).first()
        if label in self.specific:
            return self.specific[label]
        if label == "core.documentevent":
            return model.objects.filter(doctype="housing_case", object_id=self.posted.pk).order_by("pk").first()
        return model._default_manager.order_by("pk").first()

    def survey_post(self):
        from housing_campaign.geography.models import Village

        village = Village.objects.filter(commune=unit(HOME)).first()
        return {"head_name": "Y Hoa", "national_id": "062085123456", "category": "poor", "ethnicity": "Xơ Đăng",
                "commune": unit(HOME).pk, "village": village.pk, "land_status": "undisputed",
                "strand": self.campaign.strands.get(code="phong_trao").pk, "support_type": "new_build",
                "floor_area": "20", "persons": "4", "foundation": "unstable", "frame_walls": "unstable",
                "roof": "unstable",
                "surveyed_on": (timezone.localdate()).strftime("%d/%m/%Y")}

    def feedback_post(self):
        """A resident's complaint about the household on the open posting, from a form shown 10 s ago."""
        import time

        from housing_campaign.public.feedback import form_token

        return {"t": form_token(unit(HOME).pk, at=time.time() - 10), "about": f"{self.posting.code}#1",
                "kind": "wrong_person", "text": "Hộ này đã có nhà xây kiên cố, không đúng đối tượng.", "website": ""}

    def builder_post(self):
        """A state of the draft renamed in the workflow builder, as its form posts it."""
        state = self.draft.states.get(code="eligibility_review")
        return {"op": "state_save", "revision": self.draft.revision, "state": state.pk,
                "label_vi": "Chờ thẩm định hồ sơ", "stage": state.stage, "sla_days": state.sla_days or "",
                "edit_roles": state.edit_roles, "required_fields": state.required_fields}

    def desk_probe(self, name):
        """(url, POST data or JSON string) for each desk URL name."""
        today = timezone.localdate().strftime("%d/%m/%Y")
        posted, review, confirm = self.posted.pk, self.review.pk, self.confirm.pk
        return {
            "desk:queue": lambda: (reverse(name), {}),
            "desk:save_filter": lambda: (reverse(name), {"name": "Chờ duyệt", "query": "stage=review"}),
            "desk:delete_filter": lambda: (reverse(name, args=[self.saved_filter.pk]), {}),
            "desk:bulk": lambda: (reverse(name), {"action": "approve", "ids": [review]}),
            "desk:case_new": lambda: (reverse(name), self.survey_post()),
            "desk:save_draft": lambda: (reverse(name), json.dumps({"key": "new", "data": {"head_name": "A Nhứ"}})),
            "desk:case": lambda: (reverse(name, args=[posted]), {}),
            "desk:case_transition": lambda: (reverse(name, args=[review]), {"action": "approve",
                                                                            "expected_state": "eligibility_review"}),
            "desk:case_form": lambda: (reverse(name, args=[confirm, "confirmation"]), {
                "village_meeting_on": today, "village_meeting_total": "30", "village_meeting_agree": "28",
                "commune_list_number": "07/DS-UBND", "lock_version": self.confirm.lock_version}),
            "desk:case_print": lambda: (reverse(name, args=[posted, "acceptance_minutes"]), {}),
            "desk:attachment_file": lambda: (reverse(name, args=[posted, self.attachment.pk]), {}),
            "desk:case_issue": lambda: (reverse(name, args=[posted, "acceptance_minutes"]), {}),
            "desk:issued_pdf": lambda: (reverse(name, args=[posted, self.issued.pk]), {}),
            "desk:certificate_action": lambda: (reverse(name, args=[posted, self.certificate.pk]),
                                        {"op": "revoke", "reason": "Cấp nhầm hộ"}),
            "desk:batch_print": lambda: (reverse(name), {"format": "acceptance_minutes", "output": "pdf"}),
            "desk:batch_job": lambda: (reverse(name, args=[self.job.pk]), {}),
            "desk:batch_download": lambda: (reverse(name, args=[self.job.pk]), {}),
            "desk:notifications": lambda: (reverse(name), {}),
            "desk:report_time_in_stage": lambda: (reverse(name), {}),
            "desk:export_cases": lambda: (reverse(name) + "?scope=all", {}),
            "desk:export_commune_list": lambda: (reverse(name) + f"?scope=all&unit={unit(HOME).path}", {}),
        }[name]()


class MoneyWorld:
    """Pools with money, a case in funding with a state allocation, a case in construction whose start
    inspection passed, a donor who gave to the home commune, a pledge: what the money probes act on."""

    def __init__(self, people, campaign):
        from housing_campaign.contributions.services import pledge_create
        from housing_campaign.funding import services as funding
        from housing_campaign.funding.models import FundingPool
        from tests.conftest import new_receipt, state_pool
        from tests.funding.helpers import geotagged_jpeg, photo_upload

        today = timezone.localdate()
        self.state_pool = state_pool(people, campaign)
        self.funding_case = advance(people, new_case(people, campaign), "funding")
        finance = people.actor(people.finance)
        self.allocation = funding.allocation_create(actor=finance, case_id=self.funding_case.pk,
                                                    pool_id=self.state_pool.pk, amount=10_000_000,
                                                    decision_number="05/QĐ-UBND", decision_date=today)
        self.building = advance(people, new_case(people, campaign), "construction")
        funding.inspection_record(actor=people.actor(people.inspector), case_id=self.building.pk, stage="start",
                                  inspected_on=today, result="passed", photos=[photo_upload()])
        released = advance(people, new_case(people, campaign), "construction")
        funding.inspection_record(actor=people.actor(people.inspector), case_id=released.pk, stage="start",
                                  inspected_on=today, result="passed", photos=[photo_upload()])
        self.release = funding.tranche_release(actor=finance, case_id=released.pk,
                                               tranche_id=campaign.tranches.order_by("order").first().pk)
        self.receipt = new_receipt(people, campaign, amount=20_000_000, earmark="commune", commune=unit(HOME).pk)
        self.front_pool = FundingPool.objects.get(pk=self.receipt.pool_entry.pool_id)
        self.pledge = pledge_create(actor=people.actor(people.front), data={
            "donor": self.receipt.donor_id, "kind": "materials", "amount": 5_000_000, "pledged_on": today,
            "description": "100 bao xi măng", "earmark": "commune", "commune": unit(HOME).pk})
        self.tranche = campaign.tranches.order_by("order").first()
        self.photo = _RewindingFile(geotagged_jpeg())
        self.photo.name = "nghiem-thu.jpg"
        self.district = unit("610")

    def probe(self, world, name):
        """(url, POST data) for each money URL name."""
        today = timezone.localdate().strftime("%d/%m/%Y")
        pool, case, building = self.front_pool.pk, self.funding_case.pk, self.building.pk
        receipt = self.receipt.pk
        return {
            "money:pools": lambda: (reverse(name), {}),
            "money:pool_create": lambda: (reverse(name), {"campaign": world.campaign.pk, "source": "district",
                                                          "unit": self.district.pk}),
            "money:pool": lambda: (reverse(name, args=[pool]), {}),
            "money:pool_receive": lambda: (reverse(name, args=[pool]), {
                "amount": "5.000.000", "received_on": today, "origin": "budget", "reference": "07/QĐ-UBND"}),
            "money:pool_ledger": lambda: (reverse(name, args=[pool]), {}),
            "money:territory_ledger": lambda: (reverse(name), {}),
            "money:reconciliation": lambda: (reverse(name), {}),
            "money:reconciliation_xlsx": lambda: (reverse(name), {}),
            "money:allocate": lambda: (reverse(name, args=[case]), {
                "pool": self.state_pool.pk, "amount": "1.000.000", "decision_number": "06/QĐ-UBND",
                "decision_date": today}),
            "money:allocation_cancel": lambda: (reverse(name, args=[self.allocation.pk]), {"reason": "Nhập nhầm"}),
            "money:inspect": lambda: (reverse(name, args=[building]), {
                "stage": "foundation", "inspected_on": today, "result": "passed", "photos": self.photo}),
            "money:release": lambda: (reverse(name, args=[building]), {
                "tranche": self.tranche.pk, "released_on": today, "reference": "UNC 01"}),
            "donations:home": lambda: (reverse(name), {}),
            "donations:donors": lambda: (reverse(name), {}),
            "donations:donor_new": lambda: (reverse(name), {"kind": "business", "name": "Công ty B"}),
            "donations:donor": lambda: (reverse(name, args=[self.receipt.donor_id]), {}),
            "donations:donor_edit": lambda: (reverse(name, args=[self.receipt.donor_id]), {
                "kind": "business", "name": "Công ty CP Cao su Kon Tum (đổi tên)"}),
            "donations:pledge_new": lambda: (reverse(name), {
                "donor": self.receipt.donor_id, "kind": "materials", "amount": "3.000.000", "pledged_on": today,
                "earmark": "commune", "commune": unit(HOME).pk}),
            "donations:receipt_new": lambda: (reverse(name), {
                "donor": self.receipt.donor_id, "kind": "cash", "amount": "2.000.000", "received_on": today,
                "earmark": "commune", "commune": unit(HOME).pk}),
            "donations:receipt": lambda: (reverse(name, args=[receipt]), {}),
            "donations:receipt_pdf": lambda: (reverse(name, args=[receipt]), {}),
            "donations:allocate": lambda: (reverse(name), {"pool": pool, "case": self.funding_case.code,
                                                           "amount": "1.000.000"}),
        }[name]()


class PostingWorld:
    """A case of the home commune waiting in village_posting without a posting, and a posting (with its
    notice board's photo and a numbered list issued) of another one: what the postings probes act on."""

    def __init__(self, people, campaign):
        import datetime as dt

        from housing_campaign.postings.services import posting_create, posting_list_issue
        from tests.funding.helpers import geotagged_jpeg, photo_upload

        self.today = timezone.localdate()
        self.waiting = advance(people, new_case(people, campaign), "village_posting")
        posted = advance(people, new_case(people, campaign), "village_posting")
        self.posting = posting_create(actor=people.actor(people.officer), kind="review_list",
                                      commune_id=unit(HOME).pk, starts_on=self.today,
                                      ends_on=self.today + dt.timedelta(days=6), case_ids=[posted.pk],
                                      location="Nhà văn hóa thôn Đăk Xế", photo=photo_upload("bang-tin.jpg"))
        self.issued = posting_list_issue(actor=people.actor(people.chairman), posting_id=self.posting.pk)
        self.photo = _RewindingFile(geotagged_jpeg())
        self.photo.name = "bang-tin-2.jpg"

    def probe(self, name):
        import datetime as dt

        pk = self.posting.pk
        return {
            "postings:list": lambda: (reverse(name), {}),
            "postings:new": lambda: (reverse(name), {
                "kind": "review_list", "commune": unit(HOME).pk, "village": "",
                "starts_on": self.today.strftime("%d/%m/%Y"),
                "ends_on": (self.today + dt.timedelta(days=6)).strftime("%d/%m/%Y"),
                "location": "Nhà văn hóa thôn Đăk Xế", "cases": [self.waiting.pk]}),
            "postings:detail": lambda: (reverse(name, args=[pk]), {}),
            "postings:cancel": lambda: (reverse(name, args=[pk]), {"reason": "Ghi nhầm thôn"}),
            "postings:print": lambda: (reverse(name, args=[pk]), {}),
            "postings:issued_pdf": lambda: (reverse(name, args=[pk, self.issued.pk]), {}),
            "postings:photo": lambda: (reverse(name, args=[pk]), {"photo": self.photo}),
        }[name]()


class ApiWorld:
    """What the REST API probes act on: a case under construction, one awaiting acceptance, another user's token."""

    def __init__(self, people, campaign, other):
        from housing_campaign.api.services import token_create

        self.building = advance(people, new_case(people, campaign), "construction")
        self.accepting = advance(people, new_case(people, campaign), "acceptance")
        self.other_token, _ = token_create(user=other, label="của người khác")
        from tests.funding.helpers import geotagged_jpeg

        self.photo = _RewindingFile(geotagged_jpeg())
        self.photo.name = "anh.jpg"

    def probe(self, world, name):
        """(url, POST data: a JSON string, or a dict for multipart) for each API URL name."""
        today = timezone.localdate().isoformat()
        review, confirm = world.review.code, world.confirm.code
        survey = {"household": {"head_name": "Y Hoa", "national_id": "062085123457", "category": "poor",
                                "commune": HOME},
                  "survey": {"strand": "phong_trao", "support_type": "new_build", "floor_area": "20", "persons": 4,
                             "foundation": "unstable", "frame_walls": "unstable", "roof": "unstable",
                             "surveyed_on": today}}
        return {
            "api:schema": lambda: (reverse(name), {}),
            "api:docs": lambda: (reverse(name), {}),
            "api_not_found": lambda: ("/api/v1/khong-co/", "{}"),
            "api:cases": lambda: (reverse(name), json.dumps(survey)),
            "api:cases_bulk_action": lambda: (reverse(name, args=["approve"]), json.dumps({"cases": [review]})),
            "api:case": lambda: (reverse(name, args=[world.posted.code]), "{}"),
            "api:case_events": lambda: (reverse(name, args=[world.posted.code]), "{}"),
            "api:case_progress": lambda: (reverse(name, args=[self.building.code]), json.dumps(
                {"date": today, "stage": "foundation", "percent": 30})),
            "api:case_attachments": lambda: (reverse(name, args=[confirm]), {"file": self.photo, "caption": "Nhà"}),
            "api:case_acceptance": lambda: (reverse(name, args=[self.accepting.code]), json.dumps(
                {"usable_area": "36", "hard_foundation": True, "hard_frame": True, "hard_roof": True,
                 "lifespan_years": 25, "accepted_on": today})),
            "api:case_action": lambda: (reverse(name, args=[review, "approve"]),
                                        json.dumps({"expected_state": "eligibility_review"})),
            "PATCH api:case": lambda: (reverse("api:case", args=[confirm]), json.dumps(
                {"village_meeting_on": today, "village_meeting_total": 30, "village_meeting_agree": 28,
                 "commune_list_number": "09/DS-UBND"})),
            "PATCH api:feedback_item": lambda: (reverse("api:feedback_item", args=[world.feedback.code]), json.dumps(
                {"outcome": "partly", "lock_version": world.feedback.lock_version})),
            "api:feedback_action": lambda: (reverse(name, args=[world.feedback.code, "assign"]), json.dumps(
                {"expected_state": "received", "lock_version": world.feedback.lock_version})),
            "api:nomination_action": lambda: (reverse(name, args=[world.awards.proposed.code, "submit"]),
                                              json.dumps({"expected_state": "proposed"})),
            "api:nomination_vote": lambda: (reverse(name, args=[world.awards.voting.code]),
                                            json.dumps({"vote": "for", "expected_state": "council_vote"})),
            "api:households": lambda: (reverse(name), "{}"),
            "api:household": lambda: (reverse(name, args=[world.posted.household.code]), "{}"),
            "api:contributions": lambda: (reverse(name), "{}"),
            "api:contribution": lambda: (reverse(name, args=[world.money.receipt.pk]), "{}"),
            "api:postings": lambda: (reverse(name), "{}"),
            "api:posting": lambda: (reverse(name, args=[world.posting.code]), "{}"),
            "api:feedback": lambda: (reverse(name), "{}"),
            "api:feedback_item": lambda: (reverse(name, args=[world.feedback.code]), "{}"),
            "api:feedback_events": lambda: (reverse(name, args=[world.feedback.code]), "{}"),
            "api:nominations": lambda: (reverse(name), json.dumps(
                {"campaign": world.campaign.code, "participant": world.awards.commune.pk,
                 "award_form": "giay_khen_chu_tich_huyen", "achievement": "Hoàn thành 20/20 nhà"})),
            "api:nomination": lambda: (reverse(name, args=[world.nomination.code]), "{}"),
            "api:nomination_events": lambda: (reverse(name, args=[world.nomination.code]), "{}"),
            "api:units": lambda: (reverse(name), "{}"),
            "api:unit": lambda: (reverse(name, args=[unit(HOME).pk]), "{}"),
            "api:campaigns": lambda: (reverse(name), "{}"),
            "api:campaign": lambda: (reverse(name, args=[world.campaign.code]), "{}"),
            "api:norms": lambda: (reverse(name), "{}"),
            "api:workflows": lambda: (reverse(name), "{}"),
            "api:workflow": lambda: (reverse(name, args=["housing_case"]), "{}"),
            "apikeys:list": lambda: (reverse(name), {"label": "Đồng bộ", "days": "30"}),
            "apikeys:revoke": lambda: (reverse(name, args=[self.other_token.pk]), {}),
        }[name]()


# ---------------------------------------------------------------------------- running one request
def _refused(response, *, hidden_object_redirect: bool = False, login_is_refusal: bool = True) -> bool:
    # 401: the REST API's answer to a request without credentials (it never redirects to the login page).
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        if login_is_refusal and location.startswith(("/login/", "/admin/login/")):
            return True
        return hidden_object_redirect and location == reverse("admin:index")  # "does not exist" for them
    return False


class Runner:
    def __init__(self, world):
        self.world = world
        self.clients = {}
        for subject, user in world.users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            self.clients[subject] = client
        self.failures: list[str] = []

    def request(self, subject, method, url, data=None):
        client = self.clients[subject]
        counter = RowsWritten()
        with transaction.atomic():
            try:
                with connection.execute_wrapper(counter):
                    if method == "GET":
                        response = client.get(url)
                    elif method == "PATCH":
                        response = client.patch(url, data, content_type="application/json")
                    elif isinstance(data, str):
                        response = client.post(url, data, content_type="application/json")
                    else:
                        response = client.post(url, data or {})
            except Exception as exc:  # noqa: BLE001 - reported with the probe's name
                response = None
                self.failures.append(f"{method} {url} as {subject}: raised {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)
        if self.world.users[subject] is not None and not client.session.get("_auth_user_id"):
            client.force_login(self.world.users[subject])  # after a logout probe
        return response, counter

    def check(self, what, subject, method, url, expected_allowed, *, data=None, gate=True, hidden=False):
        logout = what in ("logout", "admin:logout")  # a logout ends on the login page by design
        response, counter = self.request(subject, method, url, data)
        if response is None:
            return
        if response.status_code >= 500:
            self.failures.append(f"{what} {method} as {subject}: {response.status_code}")
            return
        if method == "GET" or gate:
            allowed = not _refused(response, hidden_object_redirect=hidden or logout, login_is_refusal=not logout)
        else:
            allowed = counter.rows > 0
        if allowed != expected_allowed:
            self.failures.append(f"{what} {method} as {subject}: {'allowed' if allowed else 'refused'} "
                                 f"(status {response.status_code}, rows written {counter.rows} "
                                 f"{counter.statements[:3] if allowed and not expected_allowed else ''}), "
                                 f"table says {'allowed' if expected_allowed else 'refused'}")
        if (not allowed or method == "GET") and counter.rows:
            self.failures.append(f"{what} {method} as {subject}: {'a read' if method == 'GET' else 'refused'} "
                                 f"but wrote {counter.rows} row(s): {counter.statements[:3]}")


# ---------------------------------------------------------------------------- the matrix
@pytest.fixture
def fast_pdf(monkeypatch):
    """The matrix checks who may print, not WeasyPrint: PDF rendering answers at once."""
    from housing_campaign.printing import services

    monkeypatch.setattr(services, "render_pdf", lambda **kwargs: b"%PDF-1.4\n%test\n")


def _model_pages():
    """{url name: (model, page)} for the standard pages of every registered ModelAdmin."""
    pages = {}
    for model in admin.site._registry:
        opts = model._meta
        for page in STANDARD_PAGES:
            pages[f"admin:{opts.app_label}_{opts.model_name}_{page}"] = (model, page)
    return pages


def test_every_model_and_admin_action_is_declared():
    from django.apps import apps
    from django.conf import settings

    domain_labels = {app.rsplit(".", 1)[1] for app in settings.DOMAIN_APPS}
    missing = [m._meta.label_lower for m in apps.get_models()
               if (m._meta.app_label in domain_labels or m in admin.site._registry)
               and m._meta.label_lower not in table.MODEL_ACCESS]
    assert not missing, f"models without a declared rule in accounts/permissions.py MODEL_ACCESS: {missing}"
    problems = []
    for model, model_admin in admin.site._registry.items():
        for func, name, _ in model_admin._get_base_actions():
            label = model._meta.label_lower
            if (label, name) not in table.ADMIN_ACTIONS and name not in table.SITE_WIDE_ACTIONS:
                problems.append(f"admin action {label}.{name} is not declared in ADMIN_ACTIONS")
            if not getattr(func, "allowed_permissions", None):
                problems.append(f"admin action {label}.{name} declares no @admin.action(permissions=...)")
    assert not problems, "\n".join(problems)


def test_role_grants_follow_the_table(reference_data):
    from django.contrib.auth.models import Permission

    from housing_campaign.accounts.models import Role

    for role in Role.objects.select_related("group"):
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in role.group.permissions.select_related(
            "content_type")}
        for codename in granted:
            app_label, perm = codename.split(".")
            action, model_name = perm.split("_", 1)
            assert table.MODEL_ACCESS[f"{app_label}.{model_name}"].allows(role.code, action), (role.code, codename)
    auditor = Role.objects.get(code="auditor").group.permissions
    assert auditor.exists() and not auditor.exclude(codename__startswith="view_").exists()
    administrator = Role.objects.get(code="administrator").group.permissions
    assert not administrator.filter(content_type__app_label="auth").exclude(
        codename__in=["view_user", "add_user", "change_user"]).exists()
    assert Permission.objects.filter(codename="change_group").exists()


def test_permission_matrix(people, campaign, fast_pdf, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"  # speed: no session rows
    world = World(people, campaign)
    runner = Runner(world)
    model_pages = _model_pages()
    undeclared = []
    subjects = table.SUBJECTS

    for name, route, _pattern in walk():
        if name in model_pages:
            model, page = model_pages[name]
            access = table.MODEL_ACCESS.get(model._meta.label_lower)
            if access is None:
                undeclared.append(f"{name} (model {model._meta.label_lower})")
                continue
            read_col, write_col = STANDARD_PAGES[page]
            kwargs = {} if page in ("changelist", "add") else {"object_id": world.sample(model, "superuser").pk}
            for subject in subjects:
                if page not in ("changelist", "add"):
                    kwargs = {"object_id": world.sample(model, subject).pk}
                url = reverse(name, kwargs=kwargs)
                runner.check(name, subject, "GET", url, access.allows(subject, read_col), hidden=True)
                post = {"post": "yes"} if page == "delete" else {}
                runner.check(name, subject, "POST", url, bool(write_col) and access.allows(subject, write_col),
                             data=post, gate=bool(write_col), hidden=True)
            continue
        key, url, post = _other_probe(world, name, route)
        if key is None or key not in table.URL_RULES:
            undeclared.append(f"{name or route}")
            continue
        rule = table.URL_RULES[key]
        for subject in subjects:
            if key in ("public:verify", "public:receipt", "public:feedback_form", "public:feedback_lookup",
                       "public:feedback_track"):
                from django.core.cache import cache

                cache.clear()  # the public page's rate limit is not what is checked here
            runner.check(key, subject, "GET", url, subject in rule.read)
            runner.check(key, subject, "POST", url, subject in rule.write, data=post, gate=rule.gate)
        view_class = getattr(_pattern.callback, "view_class", None)
        if name and name.startswith("api:") and hasattr(view_class, "patch"):
            # An address that takes PATCH (the REST API's edit forms) has its own rule, "PATCH <name>".
            patch_key = f"PATCH {name}"
            if patch_key not in table.URL_RULES:
                undeclared.append(patch_key)
                continue
            patch_url, patch_data = world.api.probe(world, patch_key)
            for subject in subjects:
                runner.check(patch_key, subject, "PATCH", patch_url, subject in table.URL_RULES[patch_key].write,
                             data=patch_data, gate=table.URL_RULES[patch_key].gate)

    # every admin action of every registered ModelAdmin
    factory = RequestFactory()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for _, action, _ in model_admin._get_base_actions():
            if (label, action) not in table.ADMIN_ACTIONS and action not in table.SITE_WIDE_ACTIONS:
                undeclared.append(f"admin action {label}.{action}")
                continue
            allowed_subjects = table.action_subjects(label, action)
            for subject in subjects:
                request = factory.get(changelist)
                request.user = world.users[subject] or AnonymousUser()
                offered = action in model_admin.get_actions(request)
                expected = subject in allowed_subjects
                if offered != expected:
                    runner.failures.append(f"admin action {label}.{action} as {subject}: "
                                           f"{'offered' if offered else 'not offered'}, table says "
                                           f"{'allowed' if expected else 'refused'}")
                if not expected:
                    sample = world.sample(model, subject)
                    data = {"action": action, "_selected_action": [sample.pk] if sample else [], "index": 0,
                            "post": "yes"}
                    response, counter = runner.request(subject, "POST", changelist, data)
                    if response is not None and (response.status_code >= 500 or counter.rows):
                        runner.failures.append(f"admin action {label}.{action} as {subject}: refused but "
                                               f"answered {response.status_code} and wrote {counter.rows} row(s)")

    assert not undeclared, ("URL patterns / actions without a rule in accounts/permissions.py:\n"
                            + "\n".join(undeclared))
    assert not runner.failures, f"{len(runner.failures)} cells differ from the table:\n" + "\n".join(runner.failures)


class _RewindingFile(io.BytesIO):
    """An upload the matrix can send once per subject: every read starts from the beginning."""

    name = "danh-sach.xlsx"

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _import_probe(other, campaign):
    """A checked import batch of another officer of the home commune (with its report), and an upload."""
    from housing_campaign.imports import services as imports
    from housing_campaign.imports.models import ImportBatch
    from tests.imports.conftest import build_workbook, clean_rows

    path = imports.imports_dir() / "probe.xlsx"
    build_workbook(path, clean_rows(1))
    (imports.imports_dir() / "probe-report.xlsx").write_bytes(path.read_bytes())
    batch = ImportBatch.objects.create(
        campaign=campaign, survey_round=campaign.rounds.get(number=1), created_by=other, file_name="probe.xlsx",
        stored_file="probe.xlsx", file_sha256="0" * 64, status="checked", unit_paths=[unit(HOME).path],
        report_file="probe-report.xlsx", mapping={"columns": {}, "defaults": {}, "detected": {"labels": []}})
    return batch, {"kind": "survey", "survey_round": campaign.rounds.get(number=1).pk,
                   "file": _RewindingFile(path.read_bytes())}


def _other_probe(world, name, route):
    """(table key, url, POST data) for a URL pattern that is not a ModelAdmin standard page."""
    from tests.commendations.matrix import NAMES as COMMENDATION_NAMES

    if name in COMMENDATION_NAMES:
        return name, *world.awards.probe(name)
    if name is None:
        if route == "":
            return "<root>", "/", {}
        if route.startswith("admin/") and route.endswith("<path:object_id>/"):
            app_model = route[len("admin/"):-len("<path:object_id>/")].strip("/")
            app_label, model_name = app_model.split("/")
            from django.apps import apps

            model = apps.get_model(app_label, model_name)
            return "admin:<model>/<object_id>/", f"/admin/{app_model}/{world.sample(model, 'superuser').pk}/", {}
        if route.startswith("admin/") and "(?P<url>.*)$" in route:
            return "admin:<catch-all>", "/admin/no-such-page/", {}
        return None, None, None
    if name.startswith("desk:"):
        url, data = world.desk_probe(name)
        return name, url, data
    if name.startswith("feedback:"):
        url, data = _feedback_urls(world, name)
        return name, url, data
    if name.startswith("emulation:"):
        url, data = world.emulation.probe(name)
        return name, url, data
    if name.startswith("postings:"):
        url, data = world.postings.probe(name)
        return name, url, data
    if name.startswith("reportdocs:"):
        pk = world.report.pk
        data = {"campaign": world.campaign.pk, "kind": "progress", "territory": HOME, "units": "legacy",
                "as_of": timezone.localdate().strftime("%d/%m/%Y"), "difficulties": "Mưa lũ kéo dài."}
        return name, reverse(name) if name in ("reportdocs:list", "reportdocs:new") else reverse(name, args=[pk]), data
    if name.startswith(("money:", "donations:")):
        url, data = world.money.probe(world, name)
        return name, url, data
    if name.startswith("targets:"):
        return name, *_target_urls(world, name)
    if name.startswith(("api:", "apikeys:")) or name == "api_not_found":
        url, data = world.api.probe(world, name)
        return name, url, data
    simple = {  # name -> () -> (url, POST data)
        "set_language": lambda: (reverse("set_language"), {"language": "vi", "next": "/desk/"}),
        "login": lambda: (reverse("login"), {}), "logout": lambda: (reverse("logout"), {}),
        "public:verify": lambda: (world.verify_url, {}),
        "public:territory": lambda: (reverse(name, args=[HOME]), {}),
        "public:receipt": lambda: (world.receipt_url, {}),
        "public:communes": lambda: (reverse(name), {}),
        "reports:dashboard": lambda: (reverse(name), {}),
        "public:posting_print": lambda: (reverse(name, args=[HOME, world.posting.code]), {}),
        "public:feedback_form": lambda: (reverse(name, args=[HOME]), world.feedback_post()),
        "public:feedback_lookup": lambda: (reverse(name) + "?ma=" + world.feedback.code.lower(), {}),
        "public:feedback_track": lambda: (reverse(name, args=[world.feedback.code]), {}),
        "admin:index": lambda: (reverse(name), {}), "admin:login": lambda: (reverse(name), {}),
        "admin:logout": lambda: (reverse(name), {}), "admin:password_change": lambda: (reverse(name), {}),
        "admin:password_change_done": lambda: (reverse(name), {}), "admin:autocomplete": lambda: (reverse(name), {}),
        "admin:jsi18n": lambda: (reverse(name), {}),
        "admin:app_list": lambda: (reverse(name, kwargs={"app_label": "workflow"}), {}),
        "admin:auth_user_password_change": lambda: (reverse(name, args=[world.users["commune_officer"].pk]), {}),
        "admin:workflow_activate": lambda: (reverse(name, args=[world.draft.pk]),
                                            {"op": "confirm", "mode": "pilot", "units": [unit(HOME).pk]}),
        "admin:workflow_migration_job": lambda: (reverse(name, args=[world.migration_job.pk]), {}),
        "admin:workflow_try_condition": lambda: (reverse(name, args=[world.workflow.pk]),
                                         {"condition": "persons >= 1", "document": world.posted.code}),
        "admin:workflow_migrate": lambda: (reverse(name, args=[world.workflow.pk]), {
            "confirm": "1", "target": world.draft.pk,
            **{f"map_{s}": s for s in ("survey", "commune_confirmation", "eligibility_review", "posting")}}),
        "admin:workflow_builder_start": lambda: (reverse(name, args=["housing_case"]), {}),
        "admin:workflow_builder": lambda: (reverse(name, args=[world.draft.pk]), world.builder_post()),
        "admin:workflow_builder_check": lambda: (
            reverse(name, args=[world.draft.pk]) + f"?condition=persons+%3E%3D+1&document={world.posted.code}", {}),
        "admin:workflow_builder_export": lambda: (reverse(name, args=[world.draft.pk]), {}),
        "admin:printing_preview": lambda: (reverse(name, args=[world.format.pk]) + "?as=html",
                                   {"html": "<p>{{ 1 + 1 }}</p>", "css": ""}),
        "admin:printing_issued_pdf": lambda: (reverse(name, args=[world.issued.pk]), {}),
        "admin:webhooks_webhook_secret": lambda: (reverse(name, args=[world.webhook.pk]), {"op": "reveal"}),
        "admin:webhooks_webhook_test": lambda: (reverse(name, args=[world.webhook.pk]), {}),
        "imports:upload": lambda: (reverse(name), world.import_upload),
        "imports:mapping": lambda: (reverse(name, args=[world.import_batch.pk]), {"col__head_name": "Họ và tên chủ hộ",
                                                                                  "template_name": "Mẫu"}),
        "imports:batch": lambda: (reverse(name, args=[world.import_batch.pk]), {}),
        "imports:confirm": lambda: (reverse(name, args=[world.import_batch.pk]), {"mode": "good_rows_only"}),
        "imports:report": lambda: (reverse(name, args=[world.import_batch.pk]), {}),
    }
    if name == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(world.posted)
        return name, reverse(name, args=[content_type.pk, world.posted.pk]), {}
    if name in simple:
        url, data = simple[name]()
        return name, url, data
    return name, None, None


def _target_probe(other, campaign):
    """A one-row targets workbook for the home commune (upload), and a checked file of another user."""
    from openpyxl import Workbook

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.imports import targets

    book = Workbook()
    book.active.append(["Địa bàn", "Số nhà"])
    book.active.append(["Xã Đăk Blô", 15])
    data = io.BytesIO()
    book.save(data)
    upload = _RewindingFile(data.getvalue())
    upload.name = "chi-tieu.xlsx"
    stem = "0" * 32
    (targets._folder() / f"{stem}.xlsx").write_bytes(data.getvalue())
    (targets._folder() / f"{stem}-report.xlsx").write_bytes(data.getvalue())
    return {"campaign": campaign.pk, "file": upload}, targets._token(actor_for(other), stem, campaign)


def _target_urls(world, name):
    """(url, POST data) for each targets URL name."""
    token = world.target_token
    return {
        "targets:list": lambda: (reverse(name), {}),
        "targets:check": lambda: (reverse(name), world.target_upload),
        "targets:confirm": lambda: (reverse(name), {"token": token}),
        "targets:report": lambda: (reverse(name) + f"?t={token}", {}),
        "targets:template": lambda: (reverse(name), {}),
    }[name]()


def _webhook_probe(owner):
    """The administrator's own webhook (switched off, so the probes' changes send nothing; its address is
    refused before any connection: a test send never leaves the machine), with one logged delivery."""
    from housing_campaign.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

    webhook = Webhook.objects.create(name="Sở Xây dựng", url="http://192.0.2.10/hook", doctypes=["housing_case"],
                                     events=["transition"], secret="whsec_probe", is_active=False, created_by=owner)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="transition", doctype="housing_case",
                                              object_id=1, document_code="KT2425-000001", body="{}", status="failed",
                                              attempts=1, last_status=500, last_duration_ms=12)
    WebhookAttempt.objects.create(delivery=delivery, number=1, at=timezone.now(), url=webhook.url, status_code=500,
                                  duration_ms=12, error="HTTP 500")
    return webhook, delivery


def _feedback_probe():
    """A resident's feedback about the home commune, with a photo, waiting to be assigned."""
    from housing_campaign.feedback.services import feedback_submit
    from tests.funding.helpers import photo_upload

    return feedback_submit(commune_id=unit(HOME).pk, kind="other", text="Đường vào thôn bị sạt lở, xin kiểm tra.",
                           client_key="probe", sender_name="Y Bình", sender_phone="0912345678",
                           photo=photo_upload("sat-lo.jpg"))


def _feedback_urls(world, name):
    """(url, POST data) for each desk feedback URL name."""
    pk = world.feedback.pk
    return {
        "feedback:list": lambda: (reverse(name), {}),
        "feedback:export": lambda: (reverse(name), {}),
        "feedback:detail": lambda: (reverse(name, args=[pk]), {}),
        "feedback:act": lambda: (reverse(name, args=[pk]), {"action": "assign", "expected_state": "received",
                                                            "lock_version": world.feedback.lock_version}),
        "feedback:photo": lambda: (reverse(name, args=[pk]), {}),
    }[name]()
