"""The public honour roll speaks the reader's language like the other public pages: every sentence of its
templates is a msgid. Rendered in English with every msgid of the two templates translated, nothing Vietnamese
is left but the data (names, units, award forms, the campaign's name)."""
import ast
import html as html_module
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from housing_campaign.commendations import services as s
from tests.commendations.helpers import nominate, participant, to_council_decision

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "apps/housing_campaign/housing_campaign/templates/public"
CALL = re.compile(r"\bgettext\((u?'(?:[^'\\]|\\.)*')")
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def _msgids(name: str) -> set[str]:
    return {ast.literal_eval(m.group(1).lstrip("u"))
            for m in CALL.finditer(templatize((TEMPLATES / name).read_text(encoding="utf-8")))}


@pytest.fixture
def english_marked():
    """Every msgid of the honour roll's templates given an English stand-in (“EN[n]”, placeholders kept)."""
    catalog = trans_real.translation("en")._catalog
    added = {}
    for n, msgid in enumerate(sorted(_msgids("honour_roll.html") | _msgids("honour_roll_missing.html"))):
        if msgid not in catalog:
            added[msgid] = f"EN{n} " + " ".join(re.findall(r"%\(\w+\)s", msgid))
            catalog[msgid] = added[msgid]
    yield
    for msgid in added:
        for part in catalog._catalogs:
            part.pop(msgid, None)


def _visible(html: str, data: list[str]) -> str:
    text = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", text))
    for value in data:
        text = text.replace(value, " ")
    return text


def test_every_sentence_of_the_honour_roll_is_translated(people, campaign, english_marked):
    official = participant(campaign, kind="official", name="Nguyễn Văn Minh", code="62",
                           workplace="Sở Xây dựng tỉnh Kon Tum")
    decided = to_council_decision(people, nominate(people, campaign, official))
    document = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[decided.pk],
                                   signer_name="Nguyễn Văn Hòa")
    cache.clear()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("public:honour_roll", args=[campaign.code]))
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="en"' in html
    data = [campaign.name, "Nguyễn Văn Minh", "Sở Xây dựng tỉnh Kon Tum", decided.award_form.name, document.number]
    left = VIETNAMESE.findall(_visible(html, data) + " ".join(re.findall(r'data-l="([^"]*)"', html)))
    assert not left, _visible(html, data)
    missing = Client(HTTP_ACCEPT_LANGUAGE="en")
    missing.cookies["django_language"] = "en"
    response = missing.get(reverse("public:honour_roll", args=["khong-co"]))
    assert response.status_code == 404 and not VIETNAMESE.findall(_visible(response.content.decode(), []))


def test_the_cached_roll_is_kept_per_language(people, campaign, english_marked):
    """The rows are cached with the kind of nominee in the reader's language: another language is another
    entry."""
    official = participant(campaign, kind="official", name="Nguyễn Văn Minh", code="62",
                           workplace="Sở Xây dựng tỉnh Kon Tum")
    decided = to_council_decision(people, nominate(people, campaign, official))
    s.nomination_decide(actor=people.actor(people.office), nomination_ids=[decided.pk], signer_name="Nguyễn Văn Hòa")
    cache.clear()
    url = reverse("public:honour_roll", args=[campaign.code])
    vietnamese = Client().get(url).content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    text = english.get(url).content.decode()
    with translation.override("vi"):
        kind = decided.get_nominee_kind_display()
    assert kind in vietnamese and kind not in text
