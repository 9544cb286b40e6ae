"""``manage.py sync``: load reference data from ``fixtures/``, ``workflows/`` and ``print_formats/``.
Idempotent: a second run changes nothing (a test proves it)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

DOMAIN_LABELS = [app.rsplit(".", 1)[1] for app in settings.DOMAIN_APPS]


def fixtures_dir() -> Path:
    return Path(settings.PROJECT_ROOT) / "fixtures"


def _load(name: str):
    return yaml.safe_load((fixtures_dir() / name).read_text(encoding="utf-8"))


def _update(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed:
        obj.save()
    return changed


def role_permission_ids(role_code: str) -> set[int]:
    """The Django permissions a role's group carries: exactly what ``accounts.permissions.MODEL_ACCESS``
    grants the role (a model missing from the table grants nothing). Only the administrator and the
    auditor use the admin site; the other roles act through the desk, whose services check the roles."""
    from housing_campaign.accounts.permissions import MODEL_ACCESS

    wanted: set[tuple[str, str]] = set()
    for label, access in MODEL_ACCESS.items():
        app_label, model_name = label.split(".")
        for action in ("view", "add", "change", "delete"):
            if access.allows(role_code, action):
                wanted.add((app_label, f"{action}_{model_name}"))
    if not wanted:
        return set()
    apps_wanted = {app_label for app_label, _ in wanted}
    return {pk for pk, app_label, codename in Permission.objects.filter(
        content_type__app_label__in=apps_wanted).values_list("pk", "content_type__app_label", "codename")
        if (app_label, codename) in wanted}


@transaction.atomic
def sync_roles() -> int:
    from housing_campaign.accounts.models import Role

    changes = 0
    for item in _load("roles.yaml"):
        group, created = Group.objects.get_or_create(name=item["name_vi"])
        role = Role.objects.filter(code=item["code"]).first()
        values = {"name_vi": item["name_vi"], "name_en": item["name_en"],
                  "description": item.get("description", ""), "read_only": item.get("read_only", False)}
        if role is None:
            Role.objects.create(code=item["code"], group=group, **values)
            changes += 1
        else:
            changes += _update(role, values)
        # Admin-site rights come from the declared table (administrators manage data, auditors view).
        wanted = role_permission_ids(item["code"])
        current = set(group.permissions.values_list("id", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
            changes += 1
    return changes


@transaction.atomic
def sync_simple(model_label: str, filename: str) -> int:
    model = apps.get_model(model_label)
    changes = 0
    for item in _load(filename):
        obj = model.objects.filter(code=item["code"]).first()
        values = {k: v for k, v in item.items() if k != "code"}
        if obj is None:
            model.objects.create(**item)
            changes += 1
        else:
            changes += _update(obj, values)
    return changes


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@transaction.atomic
def sync_campaigns() -> int:
    from housing_campaign.campaigns.models import Campaign, CategoryDeadline, Strand, SupportNorm, SurveyRound
    from housing_campaign.geography.models import AdminUnit

    changes = 0
    for path in sorted((fixtures_dir() / "campaigns").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        province = AdminUnit.objects.get(system=data["province"]["system"], code=data["province"]["code"])
        province_2025 = None
        if data.get("province_2025"):
            province_2025 = AdminUnit.objects.get(system=data["province_2025"]["system"],
                                                  code=data["province_2025"]["code"])
        values = {
            "name": data["name"], "province": province, "province_2025": province_2025,
            "starts_on": _as_date(data["starts_on"]), "ends_on": _as_date(data["ends_on"]),
            "legal_basis": data.get("legal_basis", ""), "issuing_body": data.get("issuing_body", ""),
            "issuing_place": data.get("issuing_place", ""),
            "admitted_categories": data.get("admitted_categories", []),
            **{k: Decimal(str(data[k])) for k in ("min_area_single", "min_area_family", "min_area_per_person",
                                                   "finished_min_area", "repaired_min_area") if k in data},
            **{k: int(data[k]) for k in ("min_years_split", "min_unstable_parts", "short_lifespan_years",
                                          "finished_min_lifespan", "repaired_min_lifespan") if k in data},
        }
        campaign = Campaign.objects.filter(code=data["code"]).first()
        if campaign is None:
            campaign = Campaign.objects.create(code=data["code"], **values)
            changes += 1
        # An existing campaign belongs to its administrators: the file only seeds it.
        for strand_data in data.get("strands", []):
            strand, created = Strand.objects.get_or_create(campaign=campaign, code=strand_data["code"],
                                                           defaults={"name": strand_data["name"]})
            changes += created
            for norm in strand_data.get("norms", []):
                _, created = SupportNorm.objects.get_or_create(
                    strand=strand, support_type=norm["support_type"], valid_from=_as_date(norm["valid_from"]),
                    defaults={"amount": int(norm["amount"]), "basis": norm.get("basis", "")})
                changes += created
        for item in data.get("deadlines", []):
            _, created = CategoryDeadline.objects.get_or_create(
                campaign=campaign, category=item.get("category") or "",
                defaults={"deadline": _as_date(item["deadline"]), "note": item.get("note", "")})
            changes += created
        for item in data.get("rounds", []):
            _, created = SurveyRound.objects.get_or_create(
                campaign=campaign, number=item["number"],
                defaults={"name": item["name"], "started_on": _as_date(item["started_on"])})
            changes += created
    return changes


def sync_award_forms() -> int:
    return sync_simple("commendations.AwardForm", "award_forms.yaml")


def sync_document_kinds() -> int:
    return sync_simple("printing.DocumentKind", "document_kinds.yaml")


@transaction.atomic
def sync_competence_bases() -> int:
    """The laws each organ's competence rests on, by period (``fixtures/competence_bases.yaml``): reference
    data kept in the repository, so the file is followed (keyed by organ and start date)."""
    from housing_campaign.printing.models import CompetenceBasis

    changes = 0
    for item in _load("competence_bases.yaml"):
        values = {"valid_to": _as_date(item["valid_to"]) if item.get("valid_to") else None,
                  "text": item["text"].strip()}
        basis = CompetenceBasis.objects.filter(organ=item["organ"], valid_from=_as_date(item["valid_from"])).first()
        if basis is None:
            CompetenceBasis.objects.create(organ=item["organ"], valid_from=_as_date(item["valid_from"]), **values)
            changes += 1
        else:
            changes += _update(basis, values)
    return changes


def sync_all(*, stdout=None) -> dict[str, object]:
    """Run every loader listed in ``hooks.fixtures``, in order."""
    from housing_campaign.core.hookspec import fixture_loaders

    report: dict[str, object] = {}
    for name, loader in fixture_loaders().items():
        report[name] = loader()
    if stdout:
        for key, value in report.items():
            stdout.write(f"  {key}: {value}\n")
    return report
