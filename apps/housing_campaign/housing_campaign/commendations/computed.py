"""Computed names a workflow condition may use on a nomination (declared in hooks.computed_fields)."""
from __future__ import annotations


def linked_cases(nomination) -> int:
    return nomination.cases.count()
