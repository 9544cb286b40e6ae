"""Everything wired by name, in Frappe's vocabulary, as plain data.

This module imports nothing from the project: every value is a dotted path (or a model label)
that ``housing_campaign.core.hookspec`` resolves only when it is called, and that a system check
(``manage.py check``) resolves at start-up so that a typo is named before anyone hits it.

Kinds of hooks:
- ``doctypes``: document types the workflow engine drives, name -> "app_label.Model".
- ``doc_events``: per document type (or "*" for all) and event -> dotted paths called after the change commits,
  as recorded jobs (retried with backoff, visible in the admin), once per change with every document of it:
  ``fn(*, doctype, ids, actor_id, event, log_ids, **kwargs)``, ``ids`` the documents, ``log_ids`` their rows of
  the log (core.models.DocumentEvent, same order: what happened, who, when, from and to which state, what
  changed). Accept ``**kwargs``: more may be passed later. Events: ``on_create`` (a form, an import: one call
  for the whole file), ``on_transition`` (one call per bulk chunk), ``on_change`` (fields edited through the
  services), ``on_certificate_issued`` and ``on_certificate_revoked`` (document type ``housing_case``; the
  log row's data holds the certificate's code and number). A rolled-back change calls nothing.
- ``doc_event_listens``: per handler of ``doc_events``, the dotted path of ``fn(*, doctype, event) -> bool``
  asked when a change is recorded: False (nobody listens now, e.g. no webhook configured) records no job.
- ``side_effects``: what administrators pick on a workflow transition (name -> handler, label,
  document types). Each run is a recorded job, retried with backoff, visible in the admin.
- ``scheduler_events``: ``all`` (every minute), ``hourly``, ``daily``, ``weekly`` -> dotted paths
  called with no argument; in-process by default, Celery beat when a broker is configured.
- ``jinja``: ``filters`` and ``methods`` offered to print formats (rendered in the sandbox).
- ``fixtures``: what ``manage.py sync`` loads, in order: name -> dotted path of its loader.
- ``print_doctypes``: document types print formats are written for, and how one is found, previewed
  and sampled (dotted paths into each domain's documents.py).
- ``territory_scopes``: per model ("app_label.Model"), the dotted path of ``fn(actor) -> QuerySet`` of
  the rows the actor may see. The admin limits every foreign-key and many-to-many choice (and the
  list of a model without its own scoping) to it, so nothing outside the territory can be written.
- ``doc_counters``: per document type, ``created`` and ``moved`` -> dotted paths of the functions that keep
  its aggregates (dashboards, reports), called inside the transaction of the change: ``created(ids=, at=)``
  after new documents are written (form, import), ``moved(moves=, at=)`` after transitions and version
  migrations, ``moves`` being (id, old workflow id, old state, new workflow id, new state);
  ``rekeyed(changes=)`` after what the aggregates are grouped by changed on existing documents (a case's
  support type, its household's category): ``changes`` being (id, old category, old support type).
- ``computed_fields``: per document type, names a workflow condition may use besides the
  document's own fields: label and the dotted path of ``fn(document) -> value``.
- ``evidence_snapshots``: per document type, the dotted path of ``fn(*, campaign, participant) -> dict``: what the
  records show for the participant on the day, kept with every new document of the type whatever the page, import
  or script that files it (a commendation nomination keeps the emulation movement's evidence, computed above it).
"""


def _(label: str) -> str:
    """Marks a label for translation (``make messages`` extracts it; pages show it through gettext).
    Labels stay plain Vietnamese strings: this module imports nothing."""
    return label


app_name = "housing_campaign"
app_title = _("Chung tay xóa nhà tạm, nhà dột nát")

doctypes = {
    "housing_case": "cases.HousingCase",
    "commendation": "commendations.Nomination",
    "feedback": "feedback.Feedback",
}

doc_counters = {
    "housing_case": {"created": "housing_campaign.reports.aggregates.documents_created",
                     "moved": "housing_campaign.reports.aggregates.documents_moved",
                     "rekeyed": "housing_campaign.reports.aggregates.documents_rekeyed"},
}

WEBHOOKS = "housing_campaign.webhooks.services.webhooks_on_event"

doc_events: dict[str, dict[str, list[str]]] = {
    # "housing_case": {"on_transition": ["housing_campaign.some_domain.handlers.on_case_transition"]},
    # Webhooks configured by administrators (admin: Webhook) send every event of every document type.
    "*": {event: [WEBHOOKS] for event in ("on_create", "on_transition", "on_change", "on_certificate_issued",
                                          "on_certificate_revoked")},
    # The linked case's timeline says when its residents' feedback is answered, resolved or reopened.
    "feedback": {"on_transition": ["housing_campaign.feedback.handlers.feedback_on_transition"]},
}

doc_event_listens = {
    # One small query per change: with no active webhook wanting the event, no job is written at all.
    WEBHOOKS: "housing_campaign.webhooks.selectors.webhooks_listening",
}

side_effects = {
    "evaluate_eligibility": {
        "label": _("Kiểm tra lại điều kiện hỗ trợ"),
        "handler": "housing_campaign.cases.side_effects.case_side_effect_evaluate_eligibility",
        "doctypes": ["housing_case"],
    },
    "apply_support_norm": {
        "label": _("Áp mức hỗ trợ theo định mức"),
        "handler": "housing_campaign.cases.side_effects.case_side_effect_apply_norm",
        "doctypes": ["housing_case"],
    },
    "issue_certificate": {
        "label": _("Cấp giấy chứng nhận bàn giao (có mã QR)"),
        "handler": "housing_campaign.certificates.services.certificate_side_effect_issue",
        "doctypes": ["housing_case"],
    },
    "notify_next_actors": {
        "label": _("Thông báo cho người xử lý bước tiếp theo"),
        "handler": "housing_campaign.workflow.notifications.notify_next_actors",
        "doctypes": ["housing_case", "commendation", "feedback"],
    },
}

scheduler_events = {
    "all": ["housing_campaign.core.sideeffects.side_effect_jobs_retry_due",
            "housing_campaign.desk.printing.batch_jobs_sweep_stale",
            "housing_campaign.workflow.migration.migration_jobs_sweep_stale"],
    # Transitions marked "automatic" in a workflow (e.g. the end of a posting period) taken by the system.
    "hourly": ["housing_campaign.workflow.automation.automatic_transitions_job"],
    "daily": ["housing_campaign.workflow.sla.escalate_overdue"],
}

jinja = {
    "filters": {
        "vnd": "housing_campaign.core.formatting.format_vnd",
        "so": "housing_campaign.core.formatting.format_number",
        "ngay": "housing_campaign.core.formatting.format_date",
        "bang_chu": "housing_campaign.core.formatting.amount_in_words",
        "ngay_thang_nam": "housing_campaign.core.formatting.date_in_words",
        "che_ten": "housing_campaign.core.formatting.mask_name",
    },
    "methods": {},
}

fixtures = {
    "roles": "housing_campaign.site.sync.sync_roles",
    "award_forms": "housing_campaign.site.sync.sync_award_forms",
    "document_kinds": "housing_campaign.site.sync.sync_document_kinds",
    "competence_bases": "housing_campaign.site.sync.sync_competence_bases",
    "admin_units": "housing_campaign.geography.services.admin_units_sync",
    "campaigns": "housing_campaign.site.sync.sync_campaigns",
    "funding": "housing_campaign.funding.services.funding_fixtures_sync",
    "workflows": "housing_campaign.workflow.definitions.definitions_sync",
    "print_formats": "housing_campaign.printing.services.print_formats_sync",
    # The emulation movement's criteria and reporting deadlines of the plan (seeded once per campaign).
    "emulation": "housing_campaign.emulation.services.emulation_fixtures_sync",
    # Not reference data: a site upgraded from before the dashboards' aggregates gets them counted once.
    "aggregates": "housing_campaign.reports.aggregates.aggregates_fill_missing",
}

territory_scopes = {
    "geography.AdminUnit": "housing_campaign.accounts.selectors.units_visible",
    "geography.Village": "housing_campaign.accounts.selectors.villages_visible",
    "households.Household": "housing_campaign.households.selectors.households_visible",
    "cases.HousingCase": "housing_campaign.cases.selectors.cases_visible",
    "contributions.Contribution": "housing_campaign.contributions.selectors.contributions_visible",
    "contributions.Donor": "housing_campaign.contributions.selectors.donors_visible",
    "contributions.Pledge": "housing_campaign.contributions.selectors.pledges_visible",
    "funding.FundingPool": "housing_campaign.funding.selectors.pools_visible",
    "funding.PoolEntry": "housing_campaign.funding.selectors.pool_entries_visible",
    "funding.Allocation": "housing_campaign.funding.selectors.allocations_visible",
    "funding.Inspection": "housing_campaign.funding.selectors.inspections_visible",
    "funding.Release": "housing_campaign.funding.selectors.releases_visible",
    "commendations.Nomination": "housing_campaign.commendations.selectors.nominations_visible",
    "commendations.AwardDocument": "housing_campaign.commendations.selectors.award_documents_visible",
    "postings.Posting": "housing_campaign.postings.selectors.postings_visible",
    "postings.PostingEntry": "housing_campaign.postings.selectors.posting_entries_visible",
    "postings.CommuneContact": "housing_campaign.postings.selectors.contacts_visible",
    "printing.Signer": "housing_campaign.printing.selectors.signers_visible",
    "feedback.Feedback": "housing_campaign.feedback.selectors.feedback_visible",
    "reports.PeriodicReport": "housing_campaign.reports.selectors.reports_visible",
    "emulation.Participant": "housing_campaign.emulation.selectors.participants_visible",
    "emulation.Initiative": "housing_campaign.emulation.selectors.initiatives_visible",
}

# Document types print formats are written for: label, and how a document of the type is found
# for a user (by_reference), previewed (example) and test-rendered when a format is saved (sample);
# ``scope``: the model (a key of ``territory_scopes``) whose visible rows are the object ids of the
# issued documents a user may list and open.
print_doctypes = {
    "housing_case": {"label": _("Hồ sơ hỗ trợ nhà ở"),
                     "by_reference": "housing_campaign.certificates.documents.case_by_reference",
                     "example": "housing_campaign.certificates.documents.case_example",
                     "sample": "housing_campaign.certificates.documents.case_sample",
                     "scope": "cases.HousingCase"},
    "case_list": {"label": _("Danh sách hồ sơ (quyết định, công khai)"),
                  "by_reference": "housing_campaign.cases.documents.case_list_by_reference",
                  "example": "housing_campaign.cases.documents.case_list_example",
                  "sample": "housing_campaign.cases.documents.case_list_sample",
                  "scope": "geography.AdminUnit"},
    "commendation": {"label": _("Đề nghị khen thưởng"),
                     "by_reference": "housing_campaign.commendations.documents.nomination_by_reference",
                     "example": "housing_campaign.commendations.documents.nomination_example",
                     "sample": "housing_campaign.commendations.documents.nomination_sample",
                     "scope": "commendations.Nomination"},
    "award_document": {"label": _("Văn bản khen thưởng (biên bản, tờ trình, quyết định)"),
                       "by_reference": "housing_campaign.commendations.documents.award_document_by_reference",
                       "example": "housing_campaign.commendations.documents.award_document_example",
                       "sample": "housing_campaign.commendations.documents.award_document_sample",
                       "scope": "commendations.AwardDocument"},
    "posting": {"label": _("Đợt niêm yết công khai"),
                "by_reference": "housing_campaign.postings.documents.posting_by_reference",
                "example": "housing_campaign.postings.documents.posting_example",
                "sample": "housing_campaign.postings.documents.posting_sample",
                "scope": "postings.Posting"},
    "contribution": {"label": _("Đóng góp, ủng hộ"),
                     "by_reference": "housing_campaign.contributions.documents.contribution_by_reference",
                     "example": "housing_campaign.contributions.documents.contribution_example",
                     "sample": "housing_campaign.contributions.documents.contribution_sample",
                     "scope": "contributions.Contribution"},
    "report": {"label": _("Báo cáo định kỳ"),
               "by_reference": "housing_campaign.reports.documents.report_by_reference",
               "example": "housing_campaign.reports.documents.report_example",
               "sample": "housing_campaign.reports.documents.report_sample",
               "scope": "reports.PeriodicReport"},
}

evidence_snapshots = {
    "commendation": "housing_campaign.emulation.evidence.nomination_snapshot",
}

computed_fields = {
    "housing_case": {
        "unstable_parts": {"label": _("số bộ phận chính không bền vững"),
                           "path": "housing_campaign.cases.computed.unstable_parts"},
        "funded_total": {"label": _("tổng kinh phí đã phân bổ (mọi nguồn, không kể vốn vay)"),
                         "path": "housing_campaign.funding.computed.funded_total"},
        "state_support_allocated": {"label": _("hỗ trợ của Nhà nước đã phân bổ theo định mức"),
                                    "path": "housing_campaign.funding.computed.state_support_allocated"},
        "topup_allocated": {"label": _("phần bổ sung lên mức của phong trào đã phân bổ"),
                            "path": "housing_campaign.funding.computed.topup_allocated"},
        "community_allocated": {"label": _("cộng đồng và hộ gia đình góp thêm"),
                                "path": "housing_campaign.funding.computed.community_allocated"},
        "released_total": {"label": _("đã giải ngân"),
                           "path": "housing_campaign.funding.computed.released"},
        "household_category": {"label": _("đối tượng của hộ"),
                               "path": "housing_campaign.cases.computed.household_category"},
        "acceptance_passed": {"label": _("nghiệm thu đạt"),
                              "path": "housing_campaign.cases.computed.acceptance_passed"},
        "has_photos": {"label": _("có ảnh hiện trạng"),
                       "path": "housing_campaign.cases.computed.has_photos"},
        "posting_over": {"label": _("đã niêm yết trong trạng thái này và đã hết thời hạn niêm yết"),
                         "path": "housing_campaign.postings.computed.posting_over"},
        "posted_now": {"label": _("đã được đưa vào danh sách niêm yết trong trạng thái này"),
                       "path": "housing_campaign.postings.computed.posted_now"},
        "open_feedback": {"label": _("số phản ánh gửi trong thời hạn niêm yết chưa giải quyết xong"),
                          "path": "housing_campaign.feedback.computed.open_feedback"},
    },
    "commendation": {
        "linked_cases": {"label": _("số hồ sơ liên quan"),
                         "path": "housing_campaign.commendations.computed.linked_cases"},
        "decided_above": {"label": _("khen thưởng do cấp trên quyết định (tỉnh chỉ đề nghị)"),
                          "path": "housing_campaign.commendations.computed.decided_above"},
        "proposal_number": {"label": _("số tờ trình đã gửi cấp trên"),
                            "path": "housing_campaign.commendations.computed.proposal_number"},
        "higher_awarded": {"label": _("cấp trên quyết định khen thưởng (đúng/sai; trống khi chưa có)"),
                           "path": "housing_campaign.commendations.computed.higher_awarded"},
        "certificate_ready": {"label": _("đã in bằng, giấy khen (hoặc do cấp trên in)"),
                              "path": "housing_campaign.commendations.computed.certificate_ready"},
    },
}
