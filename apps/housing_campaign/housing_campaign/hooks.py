"""Everything wired by name, in one place (Frappe's hooks.py): document types, transition side
effects, scheduled jobs and template filters. Administrators pick side effects by these names."""
from __future__ import annotations

from collections.abc import Callable

# Document types the workflow engine drives: name -> "app_label.Model".
DOCUMENT_TYPES: dict[str, str] = {
    "housing_case": "cases.HousingCase",
    "commendation": "commendations.Nomination",
}


def _side_effects() -> dict[str, dict]:
    from housing_campaign.cases import services as case_services
    from housing_campaign.certificates import services as certificate_services
    from housing_campaign.workflow import notifications

    return {
        "evaluate_eligibility": {
            "label": "Kiểm tra lại điều kiện hỗ trợ",
            "handler": case_services.case_side_effect_evaluate_eligibility,
            "doctypes": ["housing_case"],
        },
        "apply_support_norm": {
            "label": "Áp mức hỗ trợ theo định mức",
            "handler": case_services.case_side_effect_apply_norm,
            "doctypes": ["housing_case"],
        },
        "issue_certificate": {
            "label": "Cấp giấy chứng nhận bàn giao (có mã QR)",
            "handler": certificate_services.certificate_side_effect_issue,
            "doctypes": ["housing_case"],
        },
        "notify_next_actors": {
            "label": "Thông báo cho người xử lý bước tiếp theo",
            "handler": notifications.notify_next_actors,
            "doctypes": ["housing_case", "commendation"],
        },
    }


_SIDE_EFFECTS_CACHE: dict[str, dict] | None = None


def side_effects() -> dict[str, dict]:
    global _SIDE_EFFECTS_CACHE
    if _SIDE_EFFECTS_CACHE is None:
        _SIDE_EFFECTS_CACHE = _side_effects()
    return _SIDE_EFFECTS_CACHE


SIDE_EFFECT_NAMES = ("evaluate_eligibility", "apply_support_norm", "issue_certificate", "notify_next_actors")

# Scheduled jobs: in-process via `manage.py run_scheduled`, or Celery beat when a broker is set.
SCHEDULES: dict[str, dict] = {
    "sla_escalation": {"path": "housing_campaign.workflow.sla.escalate_overdue", "every_seconds": 24 * 3600,
                       "label": "Nhắc hồ sơ quá hạn xử lý"},
}


def template_filters() -> dict[str, Callable]:
    from housing_campaign.core import formatting

    return {
        "vnd": formatting.format_vnd,
        "so": formatting.format_number,
        "ngay": formatting.format_date,
        "bang_chu": formatting.amount_in_words,
        "ngay_thang_nam": formatting.date_in_words,
        "che_ten": formatting.mask_name,
    }
