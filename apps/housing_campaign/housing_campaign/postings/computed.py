"""Names workflow conditions may use about a case's postings (``hooks.computed_fields``)."""
from __future__ import annotations

from django.utils import timezone

from .models import PostingEntry


def posting_over(case) -> bool:
    """The case is on a posting made since it entered its current state, and that posting's period is over
    (its last day has passed in Asia/Ho_Chi_Minh). A cancelled posting does not count."""
    return PostingEntry.objects.filter(case_id=case.pk, posting__cancelled_at__isnull=True,
                                       posting__created_at__gte=case.state_since,
                                       posting__ends_on__lt=timezone.localdate()).exists()


def posted_now(case) -> bool:
    """The case is on a posting of its current state whose period is running or over (not cancelled)."""
    return PostingEntry.objects.filter(case_id=case.pk, posting__cancelled_at__isnull=True,
                                       posting__created_at__gte=case.state_since).exists()
