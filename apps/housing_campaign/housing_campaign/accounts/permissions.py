"""The table of record of who may do what (issue 8): one declared rule for every URL pattern, every
admin model and every admin action of the project.

Who ("subjects"): every role of ``fixtures/roles.yaml`` plus ``superuser`` and ``anonymous``, and
``staff_only``: a data-role user with ``is_staff`` ticked, to prove that the flag alone grants nothing.

How the table is used:

- ``MODEL_ACCESS`` says, per model, which subjects may view / add / change / delete it in the admin.
  ``site.sync.sync_roles`` grants the Django permissions of the administrator and auditor groups
  *from this table* (a model that is not declared gets no permission at all: deny by default), and
  the admin classes add the limits Django permissions cannot express (read-only records, territory
  scoping, user management rules).
- ``ADMIN_ACTIONS`` declares every admin action; each action also declares
  ``@admin.action(permissions=[...])`` so Django hides and refuses it for everyone else.
- ``URL_RULES`` declares every other URL pattern (desk, public, login, i18n, the admin's own pages
  and custom admin views) with who may read (GET) and who may write (POST).
- ``tests/test_permission_matrix.py`` walks the URL resolver and every registered ModelAdmin and
  checks every subject x URL x GET/POST against this table, on the real views and services. A URL
  pattern, model or admin action missing from the table fails that test by name, so a new page is
  born with a declared rule.

Desk writes: what a workflow role may do in each state is data (the workflow definition, edited by
administrators). For desk write URLs the table records who may write in the *probe* the matrix test
sends (named in ``note``), which checks that the services really refuse everyone else.
Personal writes (own saved filters, own drafts, marking own notifications read, starting a print job
of what one may already read) change no case data and are open to every signed-in user, the auditor
included; everything else the auditor can reach is read-only.
"""
from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
STAFF_ONLY = "staff_only"
ADMINISTRATOR = "administrator"
AUDITOR = "auditor"
DATA_ROLES = ("commune_officer", "commune_chairman", "reviewer", "finance_officer", "inspector",
              "fatherland_front", "emulation_council", "emulation_office")
ROLES = (*DATA_ROLES, ADMINISTRATOR, AUDITOR)
SUBJECTS = (*ROLES, SUPERUSER, STAFF_ONLY, ANONYMOUS)

# Roles that use the admin site: a non-superuser's is_staff follows them (see accounts/admin.py).
STAFF_ROLES = frozenset({ADMINISTRATOR, AUDITOR})
# Administrators are trusted with data, not with power over other administrators: they grant every
# role except their own (which only a superuser grants), and never superuser or Django permissions.
GRANTABLE_BY_ADMINISTRATOR = frozenset(ROLES) - {ADMINISTRATOR}

NOBODY: frozenset[str] = frozenset()
SU = frozenset({SUPERUSER})
EDITORS = frozenset({ADMINISTRATOR, SUPERUSER})
READERS = frozenset({ADMINISTRATOR, AUDITOR, SUPERUSER})
SIGNED_IN = frozenset({*ROLES, SUPERUSER, STAFF_ONLY})
EVERYONE = SIGNED_IN | {ANONYMOUS}
ALL_STAFF = frozenset({ADMINISTRATOR, AUDITOR, SUPERUSER, STAFF_ONLY})
# ``staff_only`` is a commune officer of the probes' home commune: on the desk it may what they may.
HOME_OFFICERS = frozenset({"commune_officer", STAFF_ONLY})
# Imports from Excel (issue 10): survey lists by commune officers and reviewers, each in their territory;
# updates by the roles that fill the stage forms (each row then passes that form's own checks).
IMPORTERS = frozenset({"commune_officer", "reviewer", SUPERUSER, STAFF_ONLY})
IMPORT_PAGES = IMPORTERS | {"commune_chairman", "finance_officer", "inspector"}
# Money (issue 12): every signed-in user reads the money of their territory; finance officers open pools,
# record receipts, allocate and release; inspectors record stage inspections; the Fatherland Front records
# donors, pledges and receipts and allocates from the community pools it keeps. Nobody else writes.
FINANCE = frozenset({"finance_officer"})
FRONT = frozenset({"fatherland_front"})
INSPECTORS = frozenset({"inspector"})
# Postings (issue 13): the commune officer and the commune chairman of the commune record, print with a
# number, cancel and photograph its postings; every signed-in user reads the postings of their territory.
POSTERS = frozenset({"commune_officer", "commune_chairman", STAFF_ONLY})
# Targets (issue 14): every signed-in user reads the targets of their territory; administrators and reviewers
# (district, province) import them from Excel for their territory.
TARGET_IMPORTERS = frozenset({ADMINISTRATOR, "reviewer", SUPERUSER})
# Periodic reports (issue 14): reviewers, commune officers and chairmen, finance officers and administrators
# compose and issue them for their territory; every signed-in user reads the reports of their territory.
REPORT_COMPOSERS = frozenset({"reviewer", "commune_officer", "commune_chairman", "finance_officer", ADMINISTRATOR,
                              SUPERUSER, STAFF_ONLY})
# The emulation movement (issue 15, emulation/rules.py): the emulation office and administrators look after every
# participant of their territory; a commune's officer and chairman register their commune's People's Committee,
# send its plan and reports and look after its households and individuals; the Front its organisations. The
# office's criteria and deadlines: the office and provincial administrators. The suggestions page: the office
# (which nominates from it), the council it serves, administrators and the auditor.
EMULATION_OFFICE = frozenset({"emulation_office", ADMINISTRATOR, SUPERUSER})
COMMUNE_UNIT_KEEPERS = EMULATION_OFFICE | HOME_OFFICERS | {"commune_chairman"}
SUGGESTION_READERS = frozenset({"emulation_office", "emulation_council", ADMINISTRATOR, AUDITOR, SUPERUSER})
# The emulation movement and its commendations (issue 15): the section is in the menu of those who nominate
# (commune, district and provincial units, the Front), review (the emulation office), vote (the council) or
# audit; every signed-in user reads the nominations of their territory. Units and the office nominate, each
# within the competence of its level (commendations.services); the office records the documents; the council
# votes.
EMULATION_USERS = frozenset({"commune_officer", "commune_chairman", "reviewer", "fatherland_front",
                             "emulation_office", "emulation_council", ADMINISTRATOR, AUDITOR})
OFFICE = frozenset({"emulation_office"})
COUNCIL = frozenset({"emulation_council"})
# Who files a nomination of the home commune's own People's Committee for the district chairman's Giấy khen (the
# commune itself and the district; the province's bodies propose the province's awards, not a district's).
COMMUNE_NOMINATORS = frozenset({"commune_officer", "commune_chairman", "reviewer", STAFF_ONLY})
# Who moves a nomination of the home commune on (the roles of the workflow's first steps, within their territory).
NOMINATION_EDITORS = frozenset({"commune_officer", "commune_chairman", "reviewer", "fatherland_front",
                                "emulation_office", ADMINISTRATOR, STAFF_ONLY})


@dataclass(frozen=True)
class ModelAccess:
    view: frozenset[str] = READERS
    add: frozenset[str] = NOBODY
    change: frozenset[str] = NOBODY
    delete: frozenset[str] = NOBODY

    def allows(self, subject: str, action: str) -> bool:
        return subject in getattr(self, action)


MANAGED = ModelAccess(add=EDITORS, change=EDITORS, delete=EDITORS)
MANAGED_KEPT = ModelAccess(add=EDITORS, change=EDITORS)          # never deleted: retired or versioned
READ_ONLY = ModelAccess()                                         # records and reference data
SUPERUSER_ONLY = ModelAccess(view=SU, add=SU, change=SU, delete=SU)

# "app_label.model_name" -> access. Inline-only models are here too: their permissions drive the inlines.
MODEL_ACCESS: dict[str, ModelAccess] = {
    # Django's auth: users are managed within the administrator's territory (accounts/admin.py);
    # groups and permissions belong to superusers only.
    "auth.user": ModelAccess(add=EDITORS, change=EDITORS, delete=SU),
    "auth.group": SUPERUSER_ONLY,
    "auth.permission": ModelAccess(view=SU),
    "accounts.role": ModelAccess(add=SU, change=SU, delete=SU),   # roles come from fixtures/roles.yaml
    "accounts.userterritory": MANAGED,
    "accounts.delegation": MANAGED,
    "core.documentevent": READ_ONLY,
    "core.notification": READ_ONLY,
    "core.sequence": READ_ONLY,
    "core.backgroundjob": READ_ONLY,
    "core.sideeffectjob": ModelAccess(change=EDITORS),   # every field read-only; "run again" is the change
    "core.scheduledrun": ModelAccess(view=NOBODY),
    "geography.adminunit": READ_ONLY,
    "geography.village": MANAGED,
    "geography.datasetversion": ModelAccess(view=NOBODY),
    "extrafields.extrafield": MANAGED_KEPT,
    "workflow.workflowdefinition": MANAGED,        # only unused drafts can be changed or deleted
    "workflow.workflowstate": MANAGED,
    "workflow.workflowpilot": MANAGED,
    "workflow.workflowtransition": MANAGED,
    "workflow.approval": ModelAccess(view=NOBODY),
    "campaigns.campaign": MANAGED,
    "campaigns.strand": MANAGED,
    "campaigns.categorydeadline": MANAGED,
    "campaigns.surveyround": MANAGED_KEPT,
    "campaigns.supportnorm": MANAGED,
    "households.household": MANAGED,
    "households.member": MANAGED,
    "cases.housingcase": ModelAccess(change=EDITORS),  # extra fields only; cases open from the desk
    "cases.attachment": READ_ONLY,
    "cases.progressentry": READ_ONLY,
    "cases.acceptance": READ_ONLY,
    "certificates.certificate": READ_ONLY,
    # Money (issue 12): written on the desk by the services (pools, ledgers, allocations, inspections,
    # releases, donors, pledges, receipts), read-only records here; tranches and top-up rules are data.
    "contributions.contribution": READ_ONLY,
    "contributions.donor": READ_ONLY,
    "contributions.pledge": READ_ONLY,
    "funding.fundingpool": READ_ONLY,
    "funding.poolentry": READ_ONLY,
    "funding.allocation": READ_ONLY,
    "funding.inspection": READ_ONLY,
    "funding.release": READ_ONLY,
    "funding.tranche": MANAGED,
    "funding.topuprule": MANAGED,
    "commendations.awardform": MANAGED,
    # Nominations are made and moved on the desk (issue 15); records here, like their documents.
    "commendations.nomination": READ_ONLY,
    "commendations.awarddocument": READ_ONLY,
    # Postings and residents' feedback (issue 13): written on the desk and the public pages by the services;
    # records here. The communes' public contacts are data.
    "postings.posting": READ_ONLY,
    "postings.postingentry": READ_ONLY,
    "postings.communecontact": MANAGED,
    "feedback.feedback": READ_ONLY,
    # Reports (issue 14): targets are data; the aggregates are kept by the engine, never edited or listed.
    "reports.target": MANAGED,
    "reports.statecount": ModelAccess(view=NOBODY),
    "reports.casemilestone": ModelAccess(view=NOBODY),
    "reports.milestoneday": ModelAccess(view=NOBODY),
    "reports.periodicreport": ModelAccess(view=NOBODY),   # composed and issued on the desk only
    # The emulation movement (issue 15): participants are registered on the desk ("Thi đua - Khen thưởng").
    "emulation.participant": ModelAccess(view=NOBODY),
    # The office's checklist and deadlines are data (also edited on the desk by the emulation office), retired
    # rather than deleted; registrations, documents and initiatives are written on the desk only.
    "emulation.criterion": MANAGED_KEPT,
    "emulation.reportingdeadline": MANAGED_KEPT,
    "emulation.registration": ModelAccess(view=NOBODY),
    "emulation.submission": ModelAccess(view=NOBODY),
    "emulation.initiative": ModelAccess(view=NOBODY),
    "emulation.evidencedocument": ModelAccess(view=NOBODY),
    "printing.printformat": MANAGED_KEPT,
    "printing.printformatversion": READ_ONLY,
    "printing.issueddocument": READ_ONLY,
    "printing.documentkind": MANAGED,
    # Issue 17: who signs each issuing body's documents (by period, scoped to the territory), and the laws
    # each organ's competence rests on (fixtures/competence_bases.yaml, kept by the sync).
    "printing.signer": MANAGED,
    "printing.competencebasis": MANAGED,
    "api.apitoken": ModelAccess(view=NOBODY),             # personal: each user's own, on the desk ("Khóa API")
    "desk.savedfilter": ModelAccess(view=NOBODY),
    "desk.surveydraft": ModelAccess(view=NOBODY),
    "imports.importbatch": READ_ONLY,                     # imports are made on the desk; batches are records
    "imports.importtemplate": ModelAccess(view=NOBODY),   # column mappings, saved from the desk
    # Webhooks (issue 16): administrators create and manage their own (superusers all; the admin scopes the list
    # and refuses another's); the auditor reads them, never a secret, never a test send. Switched off, never
    # deleted: their delivery log stays. The log is a record; "send again" is its one change. Attempts are shown
    # inside a delivery.
    "webhooks.webhook": MANAGED_KEPT,
    "webhooks.webhookdelivery": ModelAccess(change=EDITORS),
    "webhooks.webhookattempt": READ_ONLY,
}

# ("app_label.model_name", action name) -> the ModelAccess column the action needs. ``delete_selected``
# (Django's, on every model) needs "delete".
ADMIN_ACTIONS: dict[tuple[str, str], str] = {
    ("workflow.workflowdefinition", "make_new_version"): "add",
    ("extrafields.extrafield", "retire_fields"): "change",
    ("core.sideeffectjob", "retry_now"): "change",
    ("webhooks.webhook", "send_test"): "change",
    ("webhooks.webhookdelivery", "resend"): "change",
}
SITE_WIDE_ACTIONS = {"delete_selected": "delete"}


def action_subjects(model_label: str, action: str) -> frozenset[str]:
    column = ADMIN_ACTIONS.get((model_label, action)) or SITE_WIDE_ACTIONS[action]
    return getattr(MODEL_ACCESS[model_label], column)


@dataclass(frozen=True)
class Rule:
    """``read``: who gets the page on GET. ``write``: who gets through on POST. A ``gate`` rule judges a
    POST by the answer (the permission check refuses with 403, 405 or the login page); any other rule
    judges it by what it changed in the database (the services answer with a message and change
    nothing). Either way a refused POST must change nothing."""

    read: frozenset[str]
    write: frozenset[str]
    note: str = ""
    gate: bool = False


# Every URL pattern that is not one of a ModelAdmin's standard pages (those follow MODEL_ACCESS:
# changelist/history = view, add = add, change = view to read and change to write, delete = delete).
URL_RULES: dict[str, Rule] = {
    # site
    "<root>": Rule(EVERYONE, NOBODY, "redirects to the desk; a POST changes nothing"),
    "set_language": Rule(EVERYONE, EVERYONE, "language cookie", gate=True),
    "login": Rule(EVERYONE, EVERYONE, "the login form", gate=True),
    "logout": Rule(NOBODY, EVERYONE, "POST only", gate=True),
    "public:verify": Rule(EVERYONE, NOBODY, "public certificate check; reads only"),
    # desk (login required; every read is scoped to the territory)
    "desk:queue": Rule(SIGNED_IN, NOBODY),
    "desk:save_filter": Rule(NOBODY, SIGNED_IN, "personal: own saved filter"),
    "desk:delete_filter": Rule(NOBODY, NOBODY, "probe: another user's saved filter: nobody may delete it"),
    "desk:bulk": Rule(NOBODY, frozenset({"reviewer"}), "probe: bulk approve of a case in eligibility review"),
    "desk:case_new": Rule(SIGNED_IN, HOME_OFFICERS, "probe: a new survey in the home commune"),
    "desk:save_draft": Rule(NOBODY, SIGNED_IN, "personal: own survey draft"),
    "desk:case": Rule(SIGNED_IN, NOBODY),
    "desk:case_transition": Rule(NOBODY, frozenset({"reviewer"}), "probe: approve a case in eligibility review"),
    "desk:case_form": Rule(NOBODY, HOME_OFFICERS | {"commune_chairman"},
                           "probe: the village-meeting form of a case in commune confirmation"),
    "desk:case_print": Rule(SIGNED_IN, NOBODY),
    "desk:attachment_file": Rule(SIGNED_IN, NOBODY),
    "desk:case_issue": Rule(NOBODY, frozenset({"commune_chairman", "reviewer", ADMINISTRATOR}),
                            "probe: issue the acceptance minutes of a case"),
    "desk:issued_pdf": Rule(SIGNED_IN, NOBODY),
    "desk:certificate_action": Rule(NOBODY, frozenset({"commune_chairman", "reviewer", ADMINISTRATOR}),
                                    "probe: revoke a valid certificate with a reason"),
    "desk:batch_print": Rule(SIGNED_IN, SIGNED_IN, "personal: a print job of cases one may read"),
    "desk:batch_job": Rule(NOBODY, NOBODY, "probe: another user's job: nobody else sees it"),
    "desk:batch_download": Rule(NOBODY, NOBODY, "probe: another user's job file: nobody else gets it"),
    "desk:notifications": Rule(SIGNED_IN, SIGNED_IN, "personal: mark own notifications read"),
    "desk:report_time_in_stage": Rule(SIGNED_IN, NOBODY),
    "reports:dashboard": Rule(SIGNED_IN, NOBODY, "the dashboard of the reader's territory; reads only"),
    "desk:export_cases": Rule(SIGNED_IN, NOBODY, "the list with the filters, scoped like the queue"),
    "desk:export_commune_list": Rule(SIGNED_IN, NOBODY, "probe: the home commune's list, scoped like the queue"),
    # imports from Excel (login required; batches are seen by their importer and within territory)
    "imports:upload": Rule(IMPORT_PAGES, IMPORTERS, "probe: upload a one-row survey list (a batch row is written)"),
    "imports:mapping": Rule(IMPORT_PAGES, NOBODY, "probe: another officer's batch in the home commune: only "
                                               "the importer starts its check"),
    "imports:batch": Rule(IMPORT_PAGES, NOBODY, "probe: another officer's batch in the home commune"),
    "imports:confirm": Rule(NOBODY, NOBODY, "probe: another officer's checked batch: only the importer confirms"),
    "imports:report": Rule(IMPORT_PAGES, NOBODY, "probe: the report of another officer's batch in the home commune"),
    # targets (issue 14): read in the territory; imported from Excel by administrators and reviewers
    "targets:list": Rule(SIGNED_IN, NOBODY, "the targets of the territory with the houses finished"),
    "targets:check": Rule(SIGNED_IN, TARGET_IMPORTERS, "probe: a one-row workbook for the home commune (a dry run: "
                                                       "judged by the answer); GET goes back to the list", gate=True),
    "targets:confirm": Rule(NOBODY, NOBODY, "probe: another user's checked file: only who checked it confirms"),
    "targets:report": Rule(NOBODY, NOBODY, "probe: the result of another user's check: only theirs"),
    "targets:template": Rule(SIGNED_IN, NOBODY, "the blank workbook"),
    # money (issue 12): pools, ledgers and a case's allocations, inspections and releases
    "money:pools": Rule(SIGNED_IN, NOBODY, "pools of the territory"),
    "money:pool_create": Rule(NOBODY, FINANCE, "probe: open the district budget's pool of huyện Đắk Glei"),
    "money:pool": Rule(SIGNED_IN, NOBODY, "probe: the home commune's Fatherland Front pool"),
    "money:pool_receive": Rule(NOBODY, FINANCE, "probe: a budget receipt into the home commune's pool"),
    "money:pool_ledger": Rule(SIGNED_IN, NOBODY, "probe: the home commune's pool, as Excel"),
    "money:territory_ledger": Rule(SIGNED_IN, NOBODY, "every ledger line of the territory's pools, as Excel"),
    "money:reconciliation": Rule(SIGNED_IN, NOBODY),
    "money:reconciliation_xlsx": Rule(SIGNED_IN, NOBODY),
    "money:allocate": Rule(NOBODY, FINANCE, "probe: 1.000.000 đ of the province's 5% savings to a case in funding"),
    "money:allocation_cancel": Rule(NOBODY, FINANCE, "probe: cancel a state allocation of a case in funding"),
    "money:inspect": Rule(NOBODY, INSPECTORS, "probe: a passed inspection with a dated, geotagged photo"),
    "money:release": Rule(NOBODY, FINANCE, "probe: the first tranche of a case whose start inspection passed"),
    # postings on the desk (issue 13)
    "postings:list": Rule(SIGNED_IN, NOBODY, "postings of the territory"),
    "postings:new": Rule(SIGNED_IN, POSTERS, "probe: the home commune's list of one case waiting in village_posting "
                                             "(others are told who may post)"),
    "postings:detail": Rule(SIGNED_IN, NOBODY, "probe: a posting of the home commune"),
    "postings:cancel": Rule(NOBODY, POSTERS, "probe: cancel that posting with a reason"),
    "postings:print": Rule(SIGNED_IN, POSTERS, "GET: the list as issued or a draft; POST: issue it with a number"),
    "postings:issued_pdf": Rule(SIGNED_IN, NOBODY, "probe: the numbered list issued for that posting"),
    "postings:photo": Rule(SIGNED_IN, POSTERS, "GET: the notice board's photo; POST: replace it"),
    # periodic reports on the desk (issue 14)
    "reportdocs:list": Rule(SIGNED_IN, NOBODY, "reports of the territory"),
    "reportdocs:new": Rule(SIGNED_IN, REPORT_COMPOSERS, "probe: a progress report of the home commune as of today"),
    "reportdocs:detail": Rule(SIGNED_IN, NOBODY, "probe: a draft report of the home commune"),
    "reportdocs:pdf": Rule(SIGNED_IN, NOBODY, "probe: that draft, unnumbered"),
    "reportdocs:issue": Rule(NOBODY, REPORT_COMPOSERS, "probe: issue that draft with a number"),
    "reportdocs:xlsx": Rule(SIGNED_IN, NOBODY, "probe: that draft's figures as Excel"),
    # the emulation movement (issue 15): participants, a unit's own pages, lateness, the office's data, suggestions
    "emulation:participants": Rule(SIGNED_IN, NOBODY, "participants of the territory"),
    "emulation:participant_new": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS, "probe: a household of the home commune"),
    "emulation:participant": Rule(SIGNED_IN, NOBODY, "probe: the home commune's People's Committee, its evidence"),
    "emulation:participant_edit": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS,
                                       "probe: rename a household of the home commune"),
    "emulation:register": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS, "probe: the home commune's People's Committee changes "
                                                                 "its registration's targets"),
    "emulation:submit": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS, "probe: its 2024 report, with the file"),
    "emulation:evidence_add": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS, "probe: a document for one of its criteria"),
    "emulation:file": Rule(SIGNED_IN, NOBODY, "probe: its plan's file"),
    "emulation:my_units": Rule(SIGNED_IN, NOBODY, "the units the reader registers and reports for"),
    "emulation:late": Rule(SIGNED_IN, NOBODY, "who is late for each deadline, in the territory"),
    "emulation:deadlines": Rule(SIGNED_IN, EMULATION_OFFICE, "probe: a new reporting deadline"),
    "emulation:deadline": Rule(SIGNED_IN, EMULATION_OFFICE, "probe: the 2024 report's deadline moved"),
    "emulation:criteria": Rule(SIGNED_IN, EMULATION_OFFICE, "probe: a new criterion of group b"),
    "emulation:criterion": Rule(SIGNED_IN, EMULATION_OFFICE, "probe: a criterion reworded"),
    "emulation:initiatives": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS, "probe: an initiative of the home commune's "
                                                                   "People's Committee"),
    "emulation:initiative": Rule(SIGNED_IN, COMMUNE_UNIT_KEEPERS, "probe: that initiative's adoption recorded"),
    "emulation:suggestions": Rule(SUGGESTION_READERS, NOBODY, "the secretariat's ranking; others get 403"),
    "emulation:nominate": Rule(NOBODY, frozenset({"emulation_office"}),
                               "probe: a donor of the ledger nominated for the provincial chairman's Bằng khen (a "
                               "superuser holds no role to propose as)"),
    # the Fatherland Front's contributions desk (issue 12)
    "donations:home": Rule(SIGNED_IN, NOBODY),
    "donations:donors": Rule(SIGNED_IN, NOBODY, "contacts shown to the Front and auditors only"),
    "donations:donor_new": Rule(NOBODY, FRONT, "probe: a new donor"),
    "donations:donor": Rule(SIGNED_IN, NOBODY, "probe: a donor who gave to the home commune"),
    "donations:donor_edit": Rule(NOBODY, FRONT, "probe: rename that donor"),
    "donations:pledge_new": Rule(FRONT, FRONT, "probe: a pledge of cement for the home commune"),
    "donations:receipt_new": Rule(FRONT, FRONT, "probe: a cash receipt for the home commune"),
    "donations:receipt": Rule(SIGNED_IN, NOBODY, "probe: a receipt for the home commune"),
    "donations:receipt_pdf": Rule(SIGNED_IN, NOBODY),
    "donations:allocate": Rule(NOBODY, FRONT | FINANCE,
                               "probe: 1.000.000 đ of the home commune's Front pool to a case in funding"),
    # residents' feedback handled on the desk (issue 13; login required; scoped to the territory)
    "feedback:list": Rule(SIGNED_IN, NOBODY, "feedback of the territory, with its report; no sender data"),
    "feedback:export": Rule(SIGNED_IN, NOBODY, "the filtered list as Excel; no sender data"),
    "feedback:detail": Rule(SIGNED_IN, NOBODY, "probe: a feedback about the home commune"),
    "feedback:act": Rule(NOBODY, HOME_OFFICERS | {"commune_chairman"},
                         "probe: assign a received feedback of the home commune"),
    "feedback:photo": Rule(SIGNED_IN, NOBODY, "probe: the photo sent with that feedback"),
    # the emulation movement's commendations on the desk (issue 15; scoped to the territory)
    "desk:emulation_home": Rule(SIGNED_IN, NOBODY, "the section's index; reads only"),
    "desk:nominations": Rule(SIGNED_IN, NOBODY, "nominations of the territory"),
    "desk:nomination_new": Rule(SIGNED_IN, COMMUNE_NOMINATORS, "probe: the home commune's People's Committee for "
                                                               "the district chairman's Giấy khen (others: why not)"),
    "desk:nomination": Rule(SIGNED_IN, NOBODY, "probe: a proposed nomination of the home commune"),
    "desk:nomination_act": Rule(NOBODY, NOMINATION_EDITORS, "probe: submit that nomination for review"),
    "desk:nomination_edit": Rule(NOBODY, NOMINATION_EDITORS, "probe: correct that nomination's achievement"),
    "desk:nomination_vote": Rule(NOBODY, COUNCIL, "probe: vote for a nomination at the council's vote"),
    "desk:nomination_certificate": Rule(SIGNED_IN, OFFICE, "probe: a decided Giấy khen of the home commune: GET its "
                                                           "draft, POST prints it with a number"),
    "desk:award_documents": Rule(SIGNED_IN, NOBODY, "documents of the territory"),
    "desk:award_document_new": Rule(SIGNED_IN, OFFICE, "probe: the commune chairman's decision on a nomination "
                                                       "awaiting it"),
    "desk:award_document_pdf": Rule(SIGNED_IN, NOBODY, "probe: the home commune's issued decision"),
    "public:honour_roll": Rule(EVERYONE, NOBODY, "the campaign's decided awards; names, units, decisions only"),
    # public money pages (no login)
    "public:territory": Rule(EVERYONE, NOBODY, "a territory's money, as PRODUCT.md allows; reads only"),
    "public:receipt": Rule(EVERYONE, NOBODY, "public check of a receipt's QR code; reads only"),
    # public postings and residents' feedback (issue 13; no login)
    "public:communes": Rule(EVERYONE, NOBODY, "the province's communes with their open postings; reads only"),
    "public:posting_print": Rule(EVERYONE, NOBODY, "probe: the printable list of an open posting of the home "
                                                   "commune (masked names); reads only"),
    "public:feedback_form": Rule(EVERYONE, EVERYONE, "probe: a resident's complaint about a household on the home "
                                                     "commune's open posting (rate-limited per client)"),
    "public:feedback_lookup": Rule(EVERYONE, NOBODY, "the tracking code lookup form; reads only"),
    "public:feedback_track": Rule(EVERYONE, NOBODY, "probe: a feedback's tracking page; reads only"),
    # REST API (issue 16; /api/v1/, housing_campaign/api): the matrix calls it with the desk's session (a token acts
    # exactly as its user; tests/api check tokens). Reads are scoped like the desk's; writes go through the desk's
    # services, so who may write is who may on the desk. Refusals answer JSON 401 (nobody signed in), 403, 404, 405.
    "api:schema": Rule(EVERYONE, NOBODY, "the OpenAPI document: describes the API, no data"),
    "api:docs": Rule(EVERYONE, NOBODY, "Swagger UI from the project's static files"),
    "api_not_found": Rule(NOBODY, NOBODY, "any other address under /api/: a JSON 404"),
    "api:cases": Rule(SIGNED_IN, HOME_OFFICERS, "probe: a new household and case in the home commune (as the survey "
                                               "form)"),
    "api:cases_bulk_action": Rule(NOBODY, frozenset({"reviewer"}), "probe: bulk approve of a case in eligibility "
                                                                  "review"),
    "api:case": Rule(SIGNED_IN, NOBODY, "GET a case; its PATCH has its own rule below"),
    # "PATCH <name>": who gets through a PATCH of that address (judged by the rows written; read is unused).
    "PATCH api:case": Rule(NOBODY, HOME_OFFICERS | {"commune_chairman"},
                           "probe: the village meeting of a case in commune confirmation (the desk's stage form)"),
    "api:case_events": Rule(SIGNED_IN, NOBODY),
    "api:case_progress": Rule(NOBODY, frozenset({"inspector", "commune_officer", STAFF_ONLY}),
                              "probe: progress of a case under construction (the state's edit roles)"),
    "api:case_attachments": Rule(NOBODY, HOME_OFFICERS | {"commune_chairman"},
                                 "probe: a photo on a case in commune confirmation (the state's edit roles)"),
    "api:case_acceptance": Rule(NOBODY, INSPECTORS, "probe: the acceptance of a case awaiting acceptance"),
    "api:case_action": Rule(NOBODY, frozenset({"reviewer"}), "probe: approve a case in eligibility review"),
    "api:households": Rule(SIGNED_IN, NOBODY),
    "api:household": Rule(SIGNED_IN, NOBODY, "probe: a household of the home commune"),
    "api:contributions": Rule(SIGNED_IN, NOBODY),
    "api:contribution": Rule(SIGNED_IN, NOBODY, "probe: a receipt for the home commune"),
    "api:postings": Rule(SIGNED_IN, NOBODY),
    "api:posting": Rule(SIGNED_IN, NOBODY, "probe: a posting of the home commune"),
    "api:feedback": Rule(SIGNED_IN, NOBODY, "no sender data"),
    "api:feedback_item": Rule(SIGNED_IN, NOBODY, "probe: a feedback about the home commune"),
    "PATCH api:feedback_item": Rule(NOBODY, HOME_OFFICERS | {"commune_chairman"},
                                    "probe: the outcome of that received feedback (the desk's edit form)"),
    "api:feedback_events": Rule(SIGNED_IN, NOBODY),
    "api:feedback_action": Rule(NOBODY, HOME_OFFICERS | {"commune_chairman"},
                                "probe: assign that received feedback (feedback.services.feedback_act)"),
    "api:nominations": Rule(SIGNED_IN, COMMUNE_NOMINATORS, "probe: POST files the home commune's People's Committee "
                                                           "for the district chairman's Giấy khen"),
    "api:nomination_action": Rule(NOBODY, NOMINATION_EDITORS, "probe: submit a proposed nomination of the home "
                                                              "commune for review"),
    "api:nomination_vote": Rule(NOBODY, COUNCIL, "probe: vote for a nomination at the council's vote"),
    "api:nomination": Rule(SIGNED_IN, NOBODY, "probe: a nomination of the home commune"),
    "api:nomination_events": Rule(SIGNED_IN, NOBODY),
    "api:units": Rule(SIGNED_IN, NOBODY, "reference data"),
    "api:unit": Rule(SIGNED_IN, NOBODY, "reference data"),
    "api:campaigns": Rule(SIGNED_IN, NOBODY, "reference data"),
    "api:campaign": Rule(SIGNED_IN, NOBODY, "reference data"),
    "api:norms": Rule(SIGNED_IN, NOBODY, "reference data"),
    "api:workflows": Rule(SIGNED_IN, NOBODY, "reference data"),
    "api:workflow": Rule(SIGNED_IN, NOBODY, "reference data"),
    # personal API tokens on the desk (issue 16): each user creates and revokes their own
    "apikeys:list": Rule(SIGNED_IN, SIGNED_IN, "personal: create an own token (shown once)"),
    "apikeys:revoke": Rule(NOBODY, NOBODY, "probe: another user's token: nobody else revokes it"),
    # admin site pages (staff only; a data role with is_staff sees an empty index and nothing else)
    "admin:index": Rule(ALL_STAFF, NOBODY),
    "admin:login": Rule(EVERYONE, EVERYONE, "the admin login form", gate=True),
    "admin:logout": Rule(NOBODY, ALL_STAFF, "POST only; others are sent to the admin index", gate=True),
    "admin:password_change": Rule(ALL_STAFF, ALL_STAFF, "own password", gate=True),
    "admin:password_change_done": Rule(ALL_STAFF, NOBODY),
    "admin:autocomplete": Rule(NOBODY, NOBODY, "no model declares autocomplete fields"),
    "admin:jsi18n": Rule(ALL_STAFF, NOBODY),
    "admin:view_on_site": Rule(NOBODY, NOBODY, "no model has a public page"),
    "admin:app_list": Rule(READERS, NOBODY, "probe: the workflow app"),
    "admin:<catch-all>": Rule(NOBODY, NOBODY, "unknown admin address"),
    "admin:<model>/<object_id>/": Rule(ALL_STAFF, NOBODY,
                                       "old-style change address: redirects to the change page"),
    # custom admin views (accounts.admin_base.GuardedAdminMixin.guarded_view)
    "admin:auth_user_password_change": Rule(EDITORS, EDITORS, "a managed user's password", gate=True),
    # Rolling a workflow version out (workflow/rollout.py, migration.py): administrators and superusers only.
    # The auditor reads which version applies where on the workflow list and pages (403 on these tools).
    "admin:workflow_activate": Rule(EDITORS, EDITORS, "probe: pilot the draft in the home commune", gate=True),
    "admin:workflow_migration_job": Rule(EDITORS, NOBODY, "progress of a migration; GET only", gate=True),
    "admin:workflow_try_condition": Rule(EDITORS, EDITORS, "POST evaluates a condition and writes nothing", gate=True),
    "admin:workflow_migrate": Rule(EDITORS, EDITORS, "moves documents of the actor's territory", gate=True),
    # The workflow builder (workflow/builder.py): the auditor reads it (diagram, problems, versions and their
    # differences, the YAML) but changes nothing; the condition check and "try on a case" are editing tools.
    "admin:workflow_builder_start": Rule(READERS, NOBODY, "opens the draft, else the active version; GET only",
                                         gate=True),
    "admin:workflow_builder": Rule(READERS, EDITORS, "probe: rename a state of the draft", gate=True),
    "admin:workflow_builder_check": Rule(EDITORS, NOBODY, "checks a condition, tries it on a case; GET only",
                                         gate=True),
    "admin:workflow_builder_export": Rule(READERS, NOBODY, "the canonical YAML; GET only", gate=True),
    "admin:printing_preview": Rule(READERS, EDITORS, "GET previews the saved format, POST an unsaved edit", gate=True),
    "admin:printing_issued_pdf": Rule(READERS, NOBODY, gate=True),
    # Webhooks (issue 16): a webhook's secret is seen or renewed only by its creator and superusers (the probe is
    # the administrator's own webhook; the auditor gets 403); the test send is a POST of the same people.
    "admin:webhooks_webhook_secret": Rule(EDITORS, EDITORS, "probe: reveal the secret of the administrator's own "
                                                            "webhook (a POST that writes nothing)", gate=True),
    "admin:webhooks_webhook_test": Rule(NOBODY, EDITORS, "probe: send a test to the administrator's own webhook "
                                                         "(its address is refused before any connection); POST only",
                                        gate=True),
}
