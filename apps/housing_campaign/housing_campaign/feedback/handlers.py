"""What a feedback's transition changes elsewhere (``hooks.doc_events["feedback"]["on_transition"]``, run after
the transition commits, as a recorded job): the linked case's timeline says when its feedback was answered,
resolved, marked as spam or reopened, and whether the case is held or released by it."""
from __future__ import annotations

from django.utils.translation import gettext_noop

from housing_campaign.core.events import event_save, feedback_event
from housing_campaign.core.i18n import message
from housing_campaign.core.models import DocumentEvent
from housing_campaign.workflow.models import Stage

from .models import Feedback

ANSWERED = gettext_noop("Phản ánh %(code)s đã được trả lời công khai trên trang theo dõi")
RESOLVED = gettext_noop("Phản ánh %(code)s đã giải quyết xong%(hold)s")
SPAM = gettext_noop("Phản ánh %(code)s được đánh dấu là tin rác%(hold)s")
REOPENED = gettext_noop("Phản ánh %(code)s được mở lại%(hold)s")
RELEASED = gettext_noop(" (hồ sơ không còn bị giữ bởi phản ánh này)")
HELD_AGAIN = gettext_noop(" (hồ sơ lại được giữ đến khi giải quyết xong)")


def feedback_on_transition(*, doctype: str, ids: list[int], actor_id: int | None, **_kwargs) -> None:
    """One row on the case's timeline per transition worth telling (once: a retried job writes nothing twice)."""
    feedback = {f.pk: f for f in Feedback.objects.filter(pk__in=ids, case__isnull=False)}
    if not feedback:
        return
    last: dict[int, DocumentEvent] = {}
    for event in DocumentEvent.objects.filter(doctype=Feedback.DOCTYPE, object_id__in=list(feedback),
                                              kind=DocumentEvent.Kind.TRANSITION).order_by("object_id", "-at", "-id"):
        last.setdefault(event.object_id, event)
    done = set(DocumentEvent.objects.filter(
        doctype="housing_case", object_id__in={f.case_id for f in feedback.values()},
        data__feedback_transition__in=[e.pk for e in last.values()]).values_list("data__feedback_transition",
                                                                                  flat=True))
    for pk, event in last.items():
        item = feedback[pk]
        if event.pk in done or event.to_state != item.state:
            continue
        text = _text(item, event)
        if text is None:
            continue
        row = feedback_event(object_id=item.case_id, actor_id=event.actor_id, feedback_id=item.pk, text=text)
        row.data["feedback_transition"] = event.pk
        event_save(row)


def _text(item: Feedback, event: DocumentEvent) -> dict | None:
    held = item.holds_case
    if event.action == "reopen" or (item.stage != Stage.CLOSED and event.from_state in ("closed", "spam")):
        return message(REOPENED, code=item.code, hold=message(HELD_AGAIN) if held else "")
    if item.state == "answered":
        return message(ANSWERED, code=item.code)
    if item.stage == Stage.CLOSED:
        return message(SPAM if item.state == "spam" else RESOLVED, code=item.code,
                       hold=message(RELEASED) if held else "")
    return None
