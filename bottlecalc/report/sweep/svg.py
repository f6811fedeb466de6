"""A sweep chart drawn as plain SVG (no matplotlib): the handout's inline chart.

Two panels, parameters and MACs, both blocks, log-scale y. Axis ticks are decades; each
data point carries its exact value in ``data-value`` and a ``<title>`` tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from bottlecalc.analytic import Counts
from bottlecalc.report.glossary import TERMS, Lang
from bottlecalc.report.numbers import fmt
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Axis, Sweep

# Axis titles with their unit, for the sweep's table and plots.
AXIS_LABELS = {
    Axis.IN: "input channels --in (channels)",
    Axis.MID: TERMS[Lang.EN]["mid_axis"],
    Axis.SIZE: "feature-map size --size (pixels per side)",
}

COLORS = {BlockKind.BASIC: "#d95f02", BlockKind.BOTTLENECK: "#1b7a9e"}
PANEL_W, PANEL_H = 380, 270
LEFT, RIGHT, TOP, BOTTOM = 64, 14, 34, 50
MAX_TICKS = 12
UNITS = ("", "k", "M", "G", "T", "P", "E")


@dataclass(frozen=True)
class ChartText:
    """Words on the chart (translated by the handout)."""

    x_label: str
    params: str = "parameters (count)"
    macs: str = "MACs (multiply-accumulates)"
    basic: str = "basic block"
    bottleneck: str = "bottleneck block"
    tips: tuple[str, str] = ("basic", "bottleneck")  # a point's tooltip: its block's name


def decade(k: int) -> str:
    """10**k written short: 1, 10, 100, 1k, 10k, ..., 1G; past the last unit (exa), 1e21."""
    unit, power = divmod(k, 3)
    if unit >= len(UNITS):  # a 65,536-wide map of 13,979-wide convs reaches 10**22 MACs
        return f"1e{k}"
    return f"{10**power}{UNITS[unit]}"


def _scale_x(values: list[int]) -> Callable[[float], float]:
    """Position on [0, 1]: log2 for geometric-looking sweeps, else linear."""
    lo, hi = min(values), max(values)
    if lo == hi:
        return lambda v: 0.5
    if geometric(values):
        return lambda v: math.log2(v / lo) / math.log2(hi / lo)
    return lambda v: (v - lo) / (hi - lo)


def geometric(values: Sequence[int]) -> bool:
    """Three or more values spanning 16x or more: a log2 axis reads them best."""
    return len(values) > 2 and max(values) / min(values) >= 16


def _decades(values: list[int]) -> tuple[int, int]:
    lo = math.floor(math.log10(min(values)))
    hi = math.ceil(math.log10(max(values)))
    return lo, hi if hi > lo else lo + 1


def _x_ticks(values: list[int]) -> list[int]:
    if len(values) <= MAX_TICKS:
        return values
    step = math.ceil(len(values) / MAX_TICKS)
    return values[::step]


def _text(x: float, y: float, s: str, *, anchor: str = "middle", size: int = 11,
          extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="#222"{extra}>{escape(s)}</text>')


def _axes(x0: float, values: list[int], lo: int, hi: int, labels: tuple[str, str],
          sx: Callable[[float], float]) -> list[str]:
    w, h = PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM
    out = [f'<rect x="{x0 + LEFT}" y="{TOP}" width="{w}" height="{h}" fill="#fff" '
           f'stroke="#888"/>']
    for k in range(lo, hi + 1):
        y = TOP + h - (k - lo) / (hi - lo) * h
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + w}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e3e3e3"/>')
        out.append(_text(x0 + LEFT - 5, y + 4, decade(k), anchor="end"))
    for v in _x_ticks(values):
        x = x0 + LEFT + sx(v) * w
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + h}" y2="{TOP + h + 4}" '
                   f'stroke="#888"/>')
        out.append(_text(x, TOP + h + 16, str(v)))
    out.append(_text(x0 + LEFT + w / 2, PANEL_H - 10, labels[0]))
    cy = TOP + h / 2
    out.append(_text(x0 + 14, cy, labels[1], extra=f' transform="rotate(-90 {x0 + 14} {cy})"'))
    return out


def _series(x0: float, kind: BlockKind, points: list[tuple[int, int]], lo: int, hi: int,
            sx: Callable[[float], float], name: str) -> list[str]:
    w, h = PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM
    xy = [(x0 + LEFT + sx(v) * w, TOP + h - (math.log10(n) - lo) / (hi - lo) * h)
          for v, n in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    out = [f'<polyline class="series" data-block="{kind}" points="{path}" fill="none" '
           f'stroke="{COLORS[kind]}" stroke-width="2"/>']
    for (x, y), (v, n) in zip(xy, points, strict=True):
        out.append(f'<circle class="point" data-block="{kind}" data-x="{v}" data-value="{n}" '
                   f'cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS[kind]}">'
                   f'<title>{escape(f"{name}, {v}: {fmt(n)}")}</title></circle>')
    return out


def _legend(x0: float, text: ChartText) -> list[str]:
    out = []
    for i, (kind, label) in enumerate(((BlockKind.BASIC, text.basic),
                                       (BlockKind.BOTTLENECK, text.bottleneck))):
        x = x0 + LEFT + 8 + i * 150
        out.append(f'<line x1="{x}" x2="{x + 18}" y1="18" y2="18" stroke="{COLORS[kind]}" '
                   f'stroke-width="3"/>')
        out.append(_text(x + 23, 22, label, anchor="start"))
    return out


def _panel(x0: float, sweep: Sweep, key: str, y_label: str, text: ChartText) -> list[str]:
    values = [p.value for p in sweep.points]
    series = {kind: [(p.value, count_of(p.counts(kind), key)) for p in sweep.points]
              for kind in COLORS}
    lo, hi = _decades([n for pts in series.values() for _, n in pts])
    sx = _scale_x(values)
    out = _axes(x0, values, lo, hi, (text.x_label, y_label), sx) + _legend(x0, text)
    tips = dict(zip((BlockKind.BASIC, BlockKind.BOTTLENECK), text.tips, strict=True))
    for kind, points in series.items():
        out += _series(x0, kind, points, lo, hi, sx, tips[kind])
    return out


def count_of(counts: Counts, key: str) -> int:
    """A panel's number: 'params' (all parameters) or 'macs'."""
    return counts.total if key == "params" else counts.macs


def render_chart(sweep: Sweep, text: ChartText) -> str:
    """Both panels as one inline ``<svg>``."""
    panels = ((0, "params", text.params), (PANEL_W, "macs", text.macs))
    body = [f'<g class="panel" data-measure="{key}">'
            + "".join(_panel(x0, sweep, key, label, text)) + "</g>"
            for x0, key, label in panels]
    width = 2 * PANEL_W
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="sweep-chart" width="{width}" '
            f'height="{PANEL_H}" viewBox="0 0 {width} {PANEL_H}" role="img" '
            f'font-family="DejaVu Sans, Helvetica, Arial, \'Noto Sans CJK SC\', sans-serif">'
            f'{"".join(body)}</svg>')
