"""Drawings of a workflow, made on the server (no JavaScript, nothing from a CDN).

``workflow_dot`` writes the definition in Graphviz's DOT language: states grouped by stage as
clusters, the initial state marked by a start dot, terminal states with a double border, return and
stop transitions styled apart from forward ones, each state and transition a link (``URL``) that
selects it in the builder, problems outlined in red. ``render_svg`` lays it out with Debian's ``dot``
(no overlapping labels: dot places edge labels as part of the layout), run without a shell, with a
time limit, and caches the result by the DOT text. Where ``dot`` is missing or fails, the simple
layered drawing below (``layered_svg``) is used and the page says so.
"""
from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import textwrap
from collections import deque
from html import escape

from django.utils.translation import gettext as _

from housing_campaign.core.i18n import localized_label

from .models import Stage

logger = logging.getLogger(__name__)

BOX_W, BOX_H, GAP_X, GAP_Y = 190, 46, 60, 70
STAGE_COLOURS = {"survey": "#e3f2fd", "confirmation": "#e8f5e9", "review": "#fff8e1", "funding": "#f3e5f5",
                 "construction": "#fbe9e7", "acceptance": "#e0f7fa", "handover": "#f1f8e9", "posting": "#ede7f6",
                 "commendation": "#fffde7", "closed": "#eceff1"}
DOT_TIMEOUT_SECONDS = 10
FONT = "DejaVu Sans"
# Colours: the kind of a transition (forward / return / stop), problems, warnings, the selection.
KIND_STYLE = {"forward": ("solid", "#37474f"), "return": ("dashed", "#e65100"), "stop": ("dotted", "#6d4c41")}
PROBLEM, WARNING, SELECTED = "#c62828", "#ef6c00", "#1565c0"
ADDED_FILL, CHANGED_FILL = "#e8f5e9", "#e3f2fd"
_PT_SIZE = re.compile(r'\b(width|height)="([0-9.]+)pt"')


# ---------------------------------------------------------------------------- DOT
def dot_string(text) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks flattened."""
    text = " ".join(str(text).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html_lines(text: str, width: int) -> str:
    """Text for a DOT HTML-like label: escaped, wrapped at ``width`` characters."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=width, break_long_words=True) or [""]
    return "<br/>".join(escape(line, quote=True) for line in lines)


def _attrs(**attrs) -> str:
    out = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, HtmlLabel):
            out.append(f"{key}=<{value}>")
        else:
            out.append(f"{key}={dot_string(value)}")
    return "[" + ", ".join(out) + "]"


class HtmlLabel(str):
    """A label already written in DOT's HTML-like syntax, every text in it escaped."""


def workflow_dot(data: dict, *, state_urls: dict | None = None, transition_urls: dict | None = None,
                 state_ids: dict | None = None, transition_ids: dict | None = None, selected=None,
                 problems: dict | None = None, changes: dict | None = None, role_names: dict | None = None) -> str:
    """The definition as a DOT graph.

    ``state_urls``/``state_ids`` map a state code, ``transition_urls``/``transition_ids`` a transition's
    (source, action), to the link that selects it and the SVG id it gets. ``selected`` is a state
    code or a (source, action). ``problems`` maps those keys to "problem" or "warning"; ``changes``
    to "added" or "changed" (against the active version)."""
    state_urls, transition_urls = state_urls or {}, transition_urls or {}
    state_ids, transition_ids = state_ids or {}, transition_ids or {}
    problems, changes, role_names = problems or {}, changes or {}, role_names or {}
    states = data.get("states") or []
    node = {s.get("code"): f"n{i}" for i, s in enumerate(states)}
    lines = [
        "digraph workflow {",
        f'graph [rankdir=TB, fontname="{FONT}", fontsize=13, nodesep=0.3, ranksep=0.42, newrank=true, '
        'pad=0.15, bgcolor="transparent", labeljust=l];',
        f'node [shape=box, style="rounded,filled", fillcolor="white", color="#455a64", fontname="{FONT}", '
        'fontsize=13, margin="0.16,0.07", penwidth=1.2];',
        f'edge [fontname="{FONT}", fontsize=11, arrowsize=0.7, penwidth=1.1];',
    ]
    by_stage: dict[str, list[dict]] = {}
    for s in states:
        by_stage.setdefault(s.get("stage"), []).append(s)
    stage_names = dict(Stage.choices)
    ordered = [v for v in Stage.values if v in by_stage] + [v for v in by_stage if v not in Stage.values]
    for i, stage in enumerate(ordered):
        lines.append(f"subgraph cluster_{i} {{")
        title = HtmlLabel(f"<b>{_html_lines(stage_names.get(stage, stage or '?'), 40)}</b>")
        lines.append("graph " + _attrs(label=title, style="rounded,filled", color="#b0bec5", fontcolor="#37474f",
                                       fillcolor=STAGE_COLOURS.get(stage, "#f5f5f5"), fontsize=12) + ";")
        for s in by_stage[stage]:
            attrs = _state_attrs(s, data, state_urls, state_ids, selected, problems, changes, role_names)
            lines.append(f"{node[s.get('code')]} {attrs};")
        lines.append("}")
    if data.get("initial_state") in node:
        # gettext outside the f-strings: `make messages` (xgettext) does not look inside them.
        starts_here, initial = dot_string(_("Hồ sơ mới bắt đầu ở đây")), dot_string(_("Trạng thái đầu"))
        lines.append('start [shape=circle, width=0.18, height=0.18, fixedsize=true, style=filled, '
                     'fillcolor="#263238", color="#263238", label="", '
                     f'tooltip={starts_here}];')
        lines.append(f'start -> {node[data["initial_state"]]} [color="#263238", tooltip={initial}];')
    # Each transition is drawn as a small box of its own between its two states: dot never overlaps
    # nodes, so button labels never sit on each other or on an arrow, and the box is easy to click.
    for i, t in enumerate(data.get("transitions") or []):
        src, tgt = t.get("source"), t.get("target")
        if src not in node or tgt not in node:
            continue
        box = f"t{i}"
        attrs, edge_style = _transition_attrs(t, transition_urls, transition_ids, selected, problems, changes,
                                              role_names)
        lines.append(f"{box} {attrs};")
        lines.append(f"{node[src]} -> {box} {edge_style[0]};")
        lines.append(f"{box} -> {node[tgt]} {edge_style[1]};")
    lines.append("}")
    return "\n".join(lines)


def _state_attrs(s, data, urls, ids, selected, problems, changes, role_names) -> str:
    code = s.get("code")
    notes = []
    if code == data.get("initial_state"):
        notes.append(_("bắt đầu"))
    if s.get("is_terminal"):
        notes.append(_("kết thúc"))
    if s.get("sla_days"):
        notes.append(_("%(days)s ngày") % {"days": s["sla_days"]})
    change = changes.get(code)
    if change:
        notes.append(_("mới") if change == "added" else _("đã sửa"))
    problem = problems.get(code)
    if problem:
        notes.insert(0, "⚠ " + (_("có lỗi") if problem == "problem" else _("cảnh báo")))
    label = f"<b>{_html_lines(localized_label(s) or code, 24)}</b>"
    if notes:
        label += f'<br/><font point-size="10" color="#546e7a">{escape(" · ".join(notes))}</font>'
    color, penwidth = "#455a64", 1.2
    if problem:
        color, penwidth = (PROBLEM if problem == "problem" else WARNING), 2.6
    if selected == code:
        color, penwidth = SELECTED, 3.2
    fill = {"added": ADDED_FILL, "changed": CHANGED_FILL}.get(change, "white")
    roles = ", ".join(role_names.get(r, r) for r in s.get("edit_roles") or [])
    return _attrs(label=HtmlLabel(label), id=ids.get(code), URL=urls.get(code), target="_top",
                  tooltip=f"{localized_label(s) or code}" + (" — " + _("sửa hồ sơ: %(roles)s") % {"roles": roles}
                                                              if roles else ""),
                  color=color, penwidth=penwidth, fillcolor=fill,
                  peripheries=2 if s.get("is_terminal") else None)


def _transition_attrs(t, urls, ids, selected, problems, changes, role_names) -> tuple[str, tuple[str, str]]:
    """(the attributes of the transition's box, those of the arrows into and out of it)."""
    key = (t.get("source"), t.get("action"))
    kind = t.get("kind") or "forward"
    style, color = KIND_STYLE.get(kind, KIND_STYLE["forward"])
    fontcolor, penwidth, box_pen = color, 1.1, 1
    problem = problems.get(key)
    if problem:
        color = fontcolor = PROBLEM if problem == "problem" else WARNING
        penwidth, box_pen = 2.2, 2.4
    if selected == key:
        color = fontcolor = SELECTED
        penwidth, box_pen = 2.6, 3
    prefix = {"added": "✚ ", "changed": "✎ "}.get(changes.get(key), "")
    if problem:
        prefix = "⚠ " + prefix
    if t.get("automatic"):
        prefix += "⚙ "
    roles = ", ".join(role_names.get(r, r) for r in t.get("roles") or [])
    if t.get("automatic"):
        roles = _("hệ thống tự thực hiện khi đạt điều kiện, hoặc %(roles)s") % {"roles": roles}
    tooltip = f"{localized_label(t) or t.get('action')} — {roles}" + (
        " — " + _("điều kiện: %(condition)s") % {"condition": t["condition"]} if t.get("condition") else "")
    fill = {"added": ADDED_FILL, "changed": CHANGED_FILL}.get(changes.get(key), "#fafafa")
    box = _attrs(label=HtmlLabel(_html_lines(prefix + (localized_label(t) or t.get("action") or ""), 22)),
                 id=ids.get(key), URL=urls.get(key), target="_top", tooltip=tooltip,
                 shape="box", style=f"rounded,filled,{style}", fillcolor=fill, color=color, fontcolor=fontcolor,
                 fontsize=11, penwidth=box_pen, height=0.2, margin="0.1,0.04")
    line = {"style": style, "color": color, "penwidth": penwidth, "URL": urls.get(key), "target": "_top",
            "tooltip": tooltip}
    return box, (_attrs(arrowhead="none", **line), _attrs(**line))


# ---------------------------------------------------------------------------- running dot
def dot_available() -> bool:
    return shutil.which("dot") is not None


@functools.lru_cache(maxsize=64)
def render_svg(dot_text: str) -> str | None:
    """The SVG ``dot`` lays out for ``dot_text`` (inline: no XML prolog), or None when dot is missing,
    fails or takes longer than ``DOT_TIMEOUT_SECONDS``."""
    executable = shutil.which("dot")
    if executable is None:
        return None
    try:
        done = subprocess.run([executable, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.warning("Graphviz dot failed: %s", exc)
        return None
    if done.returncode != 0:
        logger.warning("Graphviz dot exited %s: %s", done.returncode, done.stderr[:500])
        return None
    svg = done.stdout.decode("utf-8", "replace")
    start = svg.find("<svg")
    if start < 0:
        return None
    # dot sizes the drawing in points; drawn with one pixel per point it fits beside the form at
    # 1366 px (text stays at 11–13 px). CSS may shrink it to the column's width, but never below 80 %:
    # on a narrower screen the drawing scrolls rather than becoming unreadable.
    svg = _PT_SIZE.sub(r'\1="\2px"', svg[start:], count=2)
    width = re.search(r'width="([0-9.]+)px"', svg)
    if width:
        svg = svg.replace("<svg ", f'<svg style="min-width:{float(width.group(1)) * 0.8:.0f}px" ', 1)
    return svg


def workflow_svg(data: dict, **options) -> str:
    """The drawing for a page: laid out by dot when it is installed, else the simple layered one."""
    svg = render_svg(workflow_dot(data, **options))
    if svg is None:
        return layered_svg(data)
    return f'<div class="wf-diagram" style="overflow:auto;max-width:100%">{svg}</div>'


# ---------------------------------------------------------------------------- without dot
def layered_svg(data: dict) -> str:
    """States in layers by distance from the initial state, transitions as arrows with their labels
    (labels may overlap: only used when Graphviz is not installed)."""
    states = data["states"]
    codes = [s["code"] for s in states]
    edges = [(t["source"], t["target"], localized_label(t) or t["action"]) for t in data["transitions"]
             if t["source"] in codes and t["target"] in codes]
    depth = {data["initial_state"]: 0} if data["initial_state"] in codes else {}
    queue = deque(depth)
    while queue:
        cur = queue.popleft()
        for src, tgt, _label in edges:
            if src == cur and tgt not in depth:
                depth[tgt] = depth[cur] + 1
                queue.append(tgt)
    unreachable_row = max(depth.values(), default=0) + 1
    layers: dict[int, list[str]] = {}
    for code in codes:
        layers.setdefault(depth.get(code, unreachable_row), []).append(code)
    if not layers:
        return ""
    pos = {}
    width = max(len(v) for v in layers.values()) * (BOX_W + GAP_X) + GAP_X + 160
    for row, members in sorted(layers.items()):
        offset = (width - len(members) * (BOX_W + GAP_X)) / 2
        for i, code in enumerate(members):
            pos[code] = (offset + i * (BOX_W + GAP_X), 20 + row * (BOX_H + GAP_Y))
    height = (max(layers) + 1) * (BOX_H + GAP_Y) + 20
    by_code = {s["code"]: s for s in states}
    title = escape(_("Sơ đồ quy trình"))
    parts = [f'<div style="overflow-x:auto;max-width:100%"><svg xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}" '
             f'role="img" aria-label="{title}" font-family="sans-serif" font-size="12">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#455a64"/></marker></defs>']
    for n, (src, tgt, label) in enumerate(edges):
        (x1, y1), (x2, y2) = pos[src], pos[tgt]
        sx, sy = x1 + BOX_W / 2, y1 + BOX_H
        ex, ey = x2 + BOX_W / 2, y2
        if y2 <= y1:  # back or sideways edge: curve around the right side
            sx, sy = x1 + BOX_W, y1 + BOX_H / 2
            ex, ey = x2 + BOX_W, y2 + BOX_H / 2
            bend = 60 + (n % 4) * 18
            path = f"M {sx:.0f} {sy:.0f} C {sx + bend:.0f} {sy:.0f}, {ex + bend:.0f} {ey:.0f}, {ex:.0f} {ey:.0f}"
            lx, ly = max(sx, ex) + bend * 0.8, (sy + ey) / 2
        else:
            path = f"M {sx:.0f} {sy:.0f} L {ex:.0f} {ey:.0f}"
            lx, ly = (sx + ex) / 2 + 4, (sy + ey) / 2
        colour = "#b71c1c" if y2 <= y1 else "#455a64"
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.3" marker-end="url(#arrow)"/>')
        parts.append(f'<text x="{lx:.0f}" y="{ly:.0f}" fill="{colour}" font-size="10">{escape(label)}</text>')
    for code, (x, y) in pos.items():
        state = by_code[code]
        fill = STAGE_COLOURS.get(state.get("stage"), "#fff")
        stroke_w = 3 if state.get("is_terminal") else 1.5
        border = "#1b5e20" if code == data["initial_state"] else "#263238"
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
                     f'stroke="{border}" stroke-width="{stroke_w}"/>')
        parts.append(f'<text x="{x + BOX_W / 2:.0f}" y="{y + 19:.0f}" text-anchor="middle" font-weight="bold">'
                     f'{escape(localized_label(state) or code)}</text>')
        sla = " · " + _("%(days)s ngày") % {"days": state["sla_days"]} if state.get("sla_days") else ""
        parts.append(f'<text x="{x + BOX_W / 2:.0f}" y="{y + 35:.0f}" text-anchor="middle" fill="#546e7a" '
                     f'font-size="10">{escape(code)}{sla}</text>')
    parts.append("</svg></div>")
    return "".join(parts)
