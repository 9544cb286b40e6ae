"""The catalogues: English for every Vietnamese msgid of the code and templates, compiled files that match
their .po, and Vietnamese for the Django admin strings Django ships none for.

Source strings are Vietnamese; ``locale/en`` is extracted by ``make messages`` (makemessages + compilemessages);
``locale/vi`` is kept by hand and holds only Django's own strings."""
from __future__ import annotations

import ast
import gettext as gettext_module
import re
from pathlib import Path

import django
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parent.parent / "apps" / "housing_campaign" / "housing_campaign"
LOCALE = PACKAGE / "locale"
CATALOGUES = [LOCALE / "en/LC_MESSAGES/django.po", LOCALE / "vi/LC_MESSAGES/django.po",
              LOCALE / "vi/LC_MESSAGES/djangojs.po"]
MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


# ---------------------------------------------------------------------------- a small .po reader
def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (or msgstr[n]) and flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None,
                                                 "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$', line)
        if match:
            name, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            key = ("msgstr", int(index or 0)) if name == "msgstr" else name
        else:
            value = ast.literal_eval(line)
        if isinstance(key, tuple):
            entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + value
        else:
            entry[key] = (entry[key] or "") + value
    return entries


def _key(entry: dict) -> str:
    return f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


# ---------------------------------------------------------------------------- what the code marks
def _python_msgids() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in MARKERS:
                continue
            literals = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                        for a in node.args[:2]]
            if name.startswith("pgettext"):
                if len(literals) == 2 and all(literals):
                    found.add(f"{literals[0]}\x04{literals[1]}")  # the catalogue's key for a msgid in a context
            elif literals and literals[0]:
                found.add(literals[0])
    return found


_TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\((u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\")")


def _template_msgids() -> set[str]:
    found = set()
    for path in (PACKAGE / "templates").rglob("*.html"):
        for match in _TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"))):
            found.add(ast.literal_eval(match.group(2).lstrip("u")))
    return found


# ---------------------------------------------------------------------------- tests
def test_every_vietnamese_msgid_of_the_code_has_english():
    english = {_key(e): e for e in read_po(LOCALE / "en/LC_MESSAGES/django.po") if e["msgid"]}
    wanted = _python_msgids() | _template_msgids()
    missing = sorted(m for m in wanted if m not in english)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
    untranslated = sorted(k for k, e in english.items() if not all(e["msgstr"].values()) or not e["msgstr"])
    assert not untranslated, f"msgids without English in locale/en/LC_MESSAGES/django.po: {untranslated[:20]}"
    fuzzy = sorted(k for k, e in english.items() if "fuzzy" in e["flags"])
    assert not fuzzy, f"fuzzy entries (check and remove the flag): {fuzzy[:20]}"


def test_english_keeps_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")
    wrong = [e["msgid"] for e in read_po(LOCALE / "en/LC_MESSAGES/django.po") if e["msgid"] and
             sorted(placeholder.findall(e["msgid"])) != sorted(placeholder.findall(e["msgstr"].get(0, "")))]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_compiled_catalogue_matches_its_po(po_path):
    """The committed .mo says exactly what the .po says (`make messages` compiles it)."""
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = dict(gettext_module.GNUTranslations(handle)._catalog)
    expected = {}
    for entry in read_po(po_path):
        if not entry["msgid"] or "fuzzy" in entry["flags"]:
            continue
        if entry["msgid_plural"] is not None:
            for index, text in entry["msgstr"].items():
                expected[(_key(entry), index)] = text
        else:
            expected[_key(entry)] = entry["msgstr"].get(0, "")
    compiled.pop("", None)
    assert compiled == expected


# Django's strings with no place in this product's pages: language names, the debug "it worked" page,
# and the explanations of Django's CSRF page (the project shows its own 403 page).
NOT_SHOWN = re.compile(r"^(Algerian Arabic|Central Kurdish|Lower Sorbian|Colombian Spanish|Scottish Gaelic|"
                       r"Upper Sorbian|Armenian|Igbo|Kabyle|Kyrgyz|Malay|Norwegian Bokmål|Tajik|Turkmen|Uyghur|"
                       r"Uzbek)|DEBUG=True|Django (Documentation|Community)|Tutorial: A Polling App|"
                       r"Get started with Django|Connect, get help|Topics, references|install worked|release notes|"
                       r"Referer|referrer|CSRF cookie|disable cookies")


def test_django_admin_strings_are_vietnamese():
    """Every msgid of Django's admin, auth, contenttypes and core catalogues has Vietnamese: Django's own vi
    catalogue, or this project's locale/vi for what Django lacks (e.g. “Show counts”)."""
    django_dir = Path(django.__file__).parent
    missing = []
    with translation.override("vi"):
        catalogues = {"django": translation.trans_real.translation("vi")}
        from django.views.i18n import JavaScriptCatalog

        js = JavaScriptCatalog()
        js.domain = "djangojs"
        catalogues["djangojs"] = translation.trans_real.DjangoTranslation(
            "vi", domain="djangojs", localedirs=js.get_paths(["django.contrib.admin"]))
        for part in ("contrib/admin", "contrib/auth", "contrib/contenttypes", "conf"):
            for domain, catalogue in catalogues.items():
                source = django_dir / part / "locale/en/LC_MESSAGES" / f"{domain}.po"
                if not source.exists():
                    continue
                known = catalogue._catalog
                for entry in read_po(source):
                    if not entry["msgid"] or NOT_SHOWN.search(entry["msgid"]):
                        continue
                    key = (_key(entry), 0) if entry["msgid_plural"] is not None else _key(entry)
                    if key not in known:
                        missing.append(f"{part}/{domain}: {entry['msgid']}")
    assert not missing, "add Vietnamese to locale/vi/LC_MESSAGES: " + "; ".join(missing[:15])
