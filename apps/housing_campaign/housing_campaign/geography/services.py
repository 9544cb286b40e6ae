"""Load Vietnam's administrative units from the ``vietnamadminunits`` package.

Both systems are loaded: legacy (province → district → commune, until 30/06/2025) and 2025
(province → commune). Each legacy commune gets its ``successor``: the 2025 commune it was merged
into (for a commune split between several, the package's default one).
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path

from django.db import transaction

from .models import AdminUnit, DatasetVersion

logger = logging.getLogger(__name__)
LOADER_VERSION = "2"
DATASET_NAME = "vietnamadminunits"


def _dataset_dir() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent / "data"


def _checksum(folder: Path) -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for name in ("dataset.db", "converter_2025.json"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def _rows(db: Path, sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def admin_units_sync(*, force: bool = False) -> dict[str, int]:
    """Create or refresh every unit. Idempotent: a dataset already loaded is skipped in one query."""
    folder = _dataset_dir()
    checksum = _checksum(folder)
    loaded = DatasetVersion.objects.filter(name=DATASET_NAME).first()
    if loaded and loaded.checksum == checksum and not force:
        return {"skipped": AdminUnit.objects.count()}

    db = folder / "dataset.db"
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    legacy = _rows(db, "SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode")
    current = _rows(db, "SELECT * FROM admin_units ORDER BY provinceCode, wardCode")

    with transaction.atomic():
        existing = {(u.system, u.code): u for u in AdminUnit.objects.all()}
        created = updated = 0

        def upsert(system, level, code, name, short, unit_type, key, parent, lat, lon):
            nonlocal created, updated
            path = (parent.path if parent else ("L." if system == AdminUnit.System.LEGACY else "N.")) + f"{code}."
            unit = existing.get((system, code))
            values = dict(level=level, name=name, short_name=short, unit_type=unit_type, key=key,
                          parent=parent, path=path, latitude=lat, longitude=lon)
            if unit is None:
                unit = AdminUnit.objects.create(system=system, code=code, **values)
                existing[(system, code)] = unit
                created += 1
            elif any(getattr(unit, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(unit, f, v)
                unit.save()
                updated += 1
            return unit

        units_to_create: list[AdminUnit] = []
        # 2025 system first, so legacy communes can point at their successors.
        new_by_key: dict[tuple[str, str], AdminUnit] = {}
        new_provinces: dict[str, AdminUnit] = {}
        for r in current:
            prov = new_provinces.get(r["provinceCode"])
            if prov is None:
                prov = upsert("2025", "province", r["provinceCode"], r["province"], r["provinceShort"],
                              r["province"].split(" ")[0], r["provinceKey"], None, r["provinceLat"], r["provinceLon"])
                new_provinces[r["provinceCode"]] = prov
            ward = upsert("2025", "commune", r["wardCode"], r["ward"], r["wardShort"], r["wardType"], r["wardKey"],
                          prov, r["wardLat"], r["wardLon"])
            new_by_key[(r["provinceKey"], r["wardKey"])] = ward

        # Legacy key "province_district_ward" -> (new province key, new ward key).
        successor_key: dict[str, tuple[str, str]] = {}
        for new_prov, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for new_ward, old_keys in wards.items():
                for old in old_keys:
                    successor_key[old] = (new_prov, new_ward)
        for new_prov, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old, options in olds.items():
                default = next((o for o in options if o.get("isDefaultNewWard")), options[0] if options else None)
                if default and old not in successor_key:
                    successor_key[old] = (new_prov, default["newWardKey"])

        old_provinces: dict[str, AdminUnit] = {}
        districts: dict[str, AdminUnit] = {}
        for r in legacy:
            prov = old_provinces.get(r["provinceCode"])
            if prov is None:
                prov = upsert("legacy", "province", r["provinceCode"], r["province"], r["provinceShort"],
                              r["province"].split(" ")[0], r["provinceKey"], None, r["provinceLat"], r["provinceLon"])
                old_provinces[r["provinceCode"]] = prov
            dist = districts.get(r["districtCode"])
            if dist is None:
                dist = upsert("legacy", "district", r["districtCode"], r["district"], r["districtShort"],
                              r["districtType"] or "", r["districtKey"], prov, r["districtLat"], r["districtLon"])
                districts[r["districtCode"]] = dist
            if not r["wardCode"]:
                continue
            ward = upsert("legacy", "commune", r["wardCode"], r["ward"], r["wardShort"], r["wardType"], r["wardKey"],
                          dist, r["wardLat"], r["wardLon"])
            target = successor_key.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}")
            successor = new_by_key.get(target) if target else None
            if successor and ward.successor_id != successor.id:
                ward.successor = successor
                units_to_create.append(ward)
        AdminUnit.objects.bulk_update(units_to_create, ["successor"], batch_size=1000)
        DatasetVersion.objects.update_or_create(name=DATASET_NAME, defaults={"checksum": checksum})
    logger.info("Administrative units: %s created, %s updated", created, updated)
    return {"created": created, "updated": updated, "successors": len(units_to_create)}
