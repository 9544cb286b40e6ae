"""Charts drawn on the server as SVG: no script, no library, no CDN; every text escaped; each chart has a
``<title>`` and a ``<desc>`` named by ``aria-labelledby`` (the figures themselves are in the table under it).

The SVG scales to its container (``viewBox``, width 100%), so its labels sit above the bars rather than
beside them: at 390 px a label beside a bar would leave the bar no room.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)
WIDTH = 640
PALETTE = ("#c9d9ec", "#8fb3da", "#3d7cc0", "#0b5394", "#1b5e20")  # light → dark: later milestones darker
TARGET_COLOUR = "#a4161a"
LINE_COLOUR = "#0b5394"


@dataclass
class Bar:
    label: str
    values: tuple[int, ...]   # nested cumulative figures, largest first (e.g. surveyed ⊇ approved ⊇ … ⊇ finished)
    target: int | None = None
    note: str = ""            # shown after the label (e.g. "42% of the target")


def _number(n: int | float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def _open(title: str, desc: str, height: int) -> tuple[str, list[str]]:
    uid = f"chart{next(_ids)}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-labelledby="{uid}-t {uid}-d" class="chart" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>')
    return uid, [head]


def bar_chart(*, title: str, desc: str, bars: list[Bar], series: list[str], target_label: str) -> SafeString:
    """Horizontal bars, one per territory: the nested figures overlaid (darkest = furthest along), the
    target as a red tick; a legend above. ``series`` names the values of each bar, in order."""
    row_h, top = 46, 8 + 18 * ((len(series) + 3) // 3)
    height = top + row_h * max(len(bars), 1) + 10
    _uid, out = _open(title, desc, height)
    # legend
    for i, name in enumerate([*series, target_label]):
        x, y = 4 + (i % 3) * (WIDTH // 3), 14 + 18 * (i // 3)
        if i < len(series):
            out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        else:
            out.append(f'<rect x="{x + 5}" y="{y - 12}" width="3" height="16" fill="{TARGET_COLOUR}"/>')
        out.append(f'<text x="{x + 17}" y="{y}" font-size="12" fill="#1a1a1a">{escape(name)}</text>')
    scale_max = max([1, *(max(b.values or (0,)) for b in bars), *(b.target or 0 for b in bars)])
    plot_w = WIDTH - 12
    for n, bar in enumerate(bars):
        y = top + n * row_h
        label = bar.label + (f" — {bar.note}" if bar.note else "")
        out.append(f'<text x="4" y="{y + 12}" font-size="13" fill="#1a1a1a">{escape(label)}</text>')
        out.append(f'<rect x="4" y="{y + 18}" width="{plot_w}" height="18" fill="#f1f3f5"/>')
        for i, value in enumerate(bar.values):
            w = round(plot_w * value / scale_max, 1)
            if w > 0:
                out.append(f'<rect x="4" y="{y + 18}" width="{w}" height="18" fill="{PALETTE[i % len(PALETTE)]}">'
                           f'<title>{escape(series[i])}: {_number(value)}</title></rect>')
        if bar.target:
            x = 4 + round(plot_w * bar.target / scale_max, 1)
            out.append(f'<rect x="{min(x, WIDTH - 4) - 1.5}" y="{y + 14}" width="3" height="26" fill="{TARGET_COLOUR}">'
                       f'<title>{escape(target_label)}: {_number(bar.target)}</title></rect>')
    if not bars:
        out.append(f'<text x="4" y="{top + 14}" font-size="13" fill="#4a4f55">—</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()


def line_chart(*, title: str, desc: str, labels: list[str], values: list[int],
               levels: list[tuple[str, float]] | None = None, series_label: str = "") -> SafeString:
    """A line of ``values`` over ``labels`` (weeks), with horizontal dashed ``levels`` ((name, value): the
    pace each deadline needs). The y axis starts at 0."""
    levels = [(name, v) for name, v in (levels or []) if v is not None]
    height, left, right, top, bottom = 300, 44, 10, 24 + 18 * len(levels), 40
    _uid, out = _open(title, desc, height)
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max([1, *values, *(v for _n, v in levels)])
    step = _nice_step(peak)
    peak = step * -(-peak // step)

    def y_of(v: float) -> float:
        return round(top + plot_h - plot_h * v / peak, 1)

    def x_of(i: int) -> float:
        return round(left + (plot_w * i / max(len(values) - 1, 1)), 1)

    # legend
    out.append(f'<line x1="4" y1="12" x2="22" y2="12" stroke="{LINE_COLOUR}" stroke-width="3"/>'
               f'<text x="26" y="16" font-size="12" fill="#1a1a1a">{escape(series_label)}</text>')
    for i, (name, _v) in enumerate(levels):
        out.append(f'<line x1="4" y1="{30 + 18 * i}" x2="22" y2="{30 + 18 * i}" stroke="{TARGET_COLOUR}" '
                   f'stroke-width="2" stroke-dasharray="5 3"/>'
                   f'<text x="26" y="{34 + 18 * i}" font-size="12" fill="#1a1a1a">{escape(name)}</text>')
    # grid and y labels
    v = 0
    while v <= peak:
        out.append(f'<line x1="{left}" y1="{y_of(v)}" x2="{WIDTH - right}" y2="{y_of(v)}" stroke="#dde2e7"/>'
                   f'<text x="{left - 6}" y="{y_of(v) + 4}" font-size="11" text-anchor="end" '
                   f'fill="#4a4f55">{_number(v)}</text>')
        v += step
    # x labels: about six
    every = max(1, -(-len(labels) // 6))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            anchor = "end" if i == len(labels) - 1 and i else "start" if i == 0 else "middle"
            out.append(f'<text x="{x_of(i)}" y="{height - bottom + 16}" font-size="11" text-anchor="{anchor}" '
                       f'fill="#4a4f55">{escape(label)}</text>')
    for name, level in levels:
        out.append(f'<line x1="{left}" y1="{y_of(level)}" x2="{WIDTH - right}" y2="{y_of(level)}" '
                   f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="5 3">'
                   f'<title>{escape(name)}</title></line>')
    if values:
        points = " ".join(f"{x_of(i)},{y_of(v)}" for i, v in enumerate(values))
        out.append(f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="3"/>')
        for i, v in enumerate(values):
            out.append(f'<circle cx="{x_of(i)}" cy="{y_of(v)}" r="3" fill="{LINE_COLOUR}">'
                       f'<title>{escape(labels[i])}: {_number(v)}</title></circle>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()


def _nice_step(peak: float) -> int:
    """A round grid step giving four to eight lines up to ``peak``."""
    for step in itertools.chain.from_iterable((m, 2 * m, 5 * m) for m in (10 ** e for e in range(0, 12))):
        if peak / step <= 6:
            return step
    return int(peak)
