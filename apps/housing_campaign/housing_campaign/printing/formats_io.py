"""Print formats as files: ``print_formats/<code>.html`` = a metadata comment, a <style> block, the body.
Export writes the same layout, so an unedited format exports byte-identical to its file."""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.conf import settings

META_RE = re.compile(r"\A\{#---\n(?P<meta>.*?)\n---#\}\n", re.S)
STYLE_RE = re.compile(r"\A<style>\n(?P<css>.*?)</style>\n", re.S)
META_KEYS = ("code", "doctype", "name", "name_en", "description", "document_kind")


def formats_dir() -> Path:
    return Path(settings.PROJECT_ROOT) / "print_formats"


def parse_format_file(text: str) -> dict:
    match = META_RE.match(text)
    if not match:
        raise ValueError("Tệp mẫu in phải bắt đầu bằng khối {#--- ... ---#} mô tả mẫu.")
    meta = yaml.safe_load(match.group("meta")) or {}
    rest = text[match.end():]
    css = ""
    style = STYLE_RE.match(rest)
    if style:
        css = style.group("css")
        rest = rest[style.end():]
    return {**{k: meta.get(k, "") for k in META_KEYS}, "css": css, "html": rest}


def format_file_text(data: dict) -> str:
    meta = {k: data[k] for k in META_KEYS if data.get(k)}
    head = "{#---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=4096).rstrip("\n") + "\n---#}\n"
    css = f"<style>\n{data['css']}</style>\n" if data.get("css") else ""
    return head + css + data["html"]
