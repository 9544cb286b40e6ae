"""A server-drawn SVG of a workflow: states in layers by distance from the initial state,
transitions as arrows with their action labels. No JavaScript, nothing from a CDN."""
from __future__ import annotations

from collections import deque
from html import escape

BOX_W, BOX_H, GAP_X, GAP_Y = 190, 46, 60, 70
STAGE_COLOURS = {"survey": "#e3f2fd", "confirmation": "#e8f5e9", "review": "#fff8e1", "funding": "#f3e5f5",
                 "construction": "#fbe9e7", "acceptance": "#e0f7fa", "handover": "#f1f8e9", "posting": "#ede7f6",
                 "commendation": "#fffde7", "closed": "#eceff1"}


def workflow_svg(data: dict) -> str:
    states = data["states"]
    codes = [s["code"] for s in states]
    edges = [(t["source"], t["target"], t.get("label_vi") or t["action"]) for t in data["transitions"]
             if t["source"] in codes and t["target"] in codes]
    depth = {data["initial_state"]: 0} if data["initial_state"] in codes else {}
    queue = deque(depth)
    while queue:
        cur = queue.popleft()
        for src, tgt, _ in edges:
            if src == cur and tgt not in depth:
                depth[tgt] = depth[cur] + 1
                queue.append(tgt)
    unreachable_row = max(depth.values(), default=0) + 1
    layers: dict[int, list[str]] = {}
    for code in codes:
        layers.setdefault(depth.get(code, unreachable_row), []).append(code)
    pos = {}
    width = max(len(v) for v in layers.values()) * (BOX_W + GAP_X) + GAP_X + 160
    for row, members in sorted(layers.items()):
        offset = (width - len(members) * (BOX_W + GAP_X)) / 2
        for i, code in enumerate(members):
            pos[code] = (offset + i * (BOX_W + GAP_X), 20 + row * (BOX_H + GAP_Y))
    height = (max(layers) + 1) * (BOX_H + GAP_Y) + 20
    by_code = {s["code"]: s for s in states}
    parts = [f'<div style="overflow-x:auto;max-width:100%"><svg xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}" '
             f'role="img" aria-label="Sơ đồ quy trình" font-family="sans-serif" font-size="12">',
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
                     f'{escape(state.get("label_vi") or code)}</text>')
        sla = f" · {state['sla_days']} ngày" if state.get("sla_days") else ""
        parts.append(f'<text x="{x + BOX_W / 2:.0f}" y="{y + 35:.0f}" text-anchor="middle" fill="#546e7a" '
                     f'font-size="10">{escape(code)}{sla}</text>')
    parts.append("</svg></div>")
    return "".join(parts)
