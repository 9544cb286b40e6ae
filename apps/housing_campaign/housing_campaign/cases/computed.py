"""Computed names a workflow condition may use on a housing case (declared in hooks.computed_fields)."""
from __future__ import annotations


def unstable_parts(case) -> int:
    return case.unstable_parts


def household_category(case) -> str:
    return case.household.category


def acceptance_passed(case) -> bool:
    from .models import Acceptance

    return Acceptance.objects.filter(case_id=case.pk, result=Acceptance.Result.PASSED).exists()


def has_photos(case) -> bool:
    return case.attachments.filter(kind="photo").exists()
