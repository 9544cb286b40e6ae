"""What a print template sees of a posting (``hooks.print_doctypes`` "posting"): everything a commune's
list has (``cases.documents.case_list_context``: rows, commune, campaign, title, today) with the rows as
they were posted (the posting's own entries, in their order), plus the posting itself (code, kind,
period, place, village). The printed list is the paper on the notice board: the head of household's full
name, as the village meeting read it; the public web page shows only the masked name."""
from __future__ import annotations

from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.cases.documents import case_list_context
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.printing.contexts import in_vietnamese

from .models import Posting
from .selectors import postings_visible

FORMAT_CODE = "public_posting_list"


def _entries(posting):
    return list(posting.entries.select_related("case__household", "case__strand", "case__village")
                .order_by("number"))


@in_vietnamese
def posting_context(posting) -> dict:
    entries = _entries(posting)
    title = posting.village.name if posting.village_id else posting.commune.name
    context = case_list_context([e.case for e in entries], campaign=posting.campaign, commune=posting.commune,
                                title=title)
    # The rows as posted: the entry's number, village, source, support type and amount at the time.
    context["rows"] = [{**row, "no": e.number, "village": e.village_name, "strand": e.strand_name,
                        "support_type": e.support_type, "amount": e.amount, "public_name": e.public_name}
                       for row, e in zip(context["rows"], entries)]
    context["total"] = sum(r["amount"] for r in context["rows"])
    # The posted list is the commune's own document (not the approving body's).
    context["issuer"] = context["commune_body"]
    context["posting"] = {"code": posting.code, "kind": posting.kind, "kind_label": posting.get_kind_display(),
                          "starts_on": posting.starts_on, "ends_on": posting.ends_on, "location": posting.location,
                          "village": posting.village.name if posting.village_id else "",
                          "days": (posting.ends_on - posting.starts_on).days + 1}
    return context


def _posting_qs(qs):
    return qs.select_related("commune", "commune__parent", "village", "campaign")


def posting_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    """A posting by its code (NY-23344-2025-001), inside the actor's territory."""
    posting = _posting_qs(postings_visible(actor)).filter(code=reference[:40]).first() if reference else None
    if posting is None:
        raise ServiceError(gettext("Không tìm thấy đợt niêm yết mã “%(code)s” trong địa bàn của bạn.") % {
            "code": reference[:40]}, code=ErrorCode.NOT_FOUND)
    context = posting_context(posting)
    return {**context, "document_number": f"……/DS-{context['issuer']['symbol']}"}, posting.code


def posting_sample() -> dict | None:
    posting = _posting_qs(Posting.objects.order_by("id")).first()
    return posting_context(posting) if posting else None


def posting_example(*, actor: Actor) -> str:
    posting = postings_visible(actor).order_by("-id").first()
    return posting.code if posting else ""
