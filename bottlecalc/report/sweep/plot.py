"""Sweep plots with matplotlib (the optional ``plot`` extra), drawn off-screen.

matplotlib is imported inside the functions, and only its object-oriented API with the
Agg canvas is used: no pyplot, no global backend switch, nothing shown on screen.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from bottlecalc.errors import BottlecalcError
from bottlecalc.report.sweep.svg import AXIS_LABELS, COLORS, count_of, geometric
from bottlecalc.report.timing import machine_line
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep, SweepPoint

PANELS = (("params", "parameters (count)"), ("macs", "MACs (multiply-accumulates)"))
TIME_PANEL = ("time", "measured time, median (seconds)")  # --time adds it
# Past this spread a linear axis squashes the smaller block onto zero.
LOG_SPREAD = 20
MAX_TICKS = 12


def _figure(panels: int) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise BottlecalcError(
            "--plot needs matplotlib: pip install 'bottlecalc[plot]'"
        ) from exc
    fig = Figure(figsize=(5 * panels, 4.2), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def spread(values: Sequence[float]) -> float:
    low = min(values)
    return max(values) / low if low else float("inf")


def _panel(ax: Any, sweep: Sweep, key: str, ylabel: str, xlabel: str) -> None:
    xs = [p.value for p in sweep.points]
    series = {kind: [value_of(p, kind, key) for p in sweep.points] for kind in COLORS}
    for kind, ys in series.items():
        ax.plot(xs, ys, marker="o", color=COLORS[kind], label=f"{kind} block")
    if spread([n for ys in series.values() for n in ys]) > LOG_SPREAD:
        ax.set_yscale("log")
    if geometric(xs):
        ax.set_xscale("log", base=2)
    if len(xs) <= MAX_TICKS:  # label the swept values themselves: 16, 32, 64, not 2^4
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()


def value_of(point: SweepPoint, kind: BlockKind, key: str) -> float:
    """A panel's number: a count, or with --time the measured median in seconds."""
    if key != TIME_PANEL[0]:
        return count_of(point.counts(kind), key)
    timing = point.timing(kind)
    return timing.median_s if timing is not None else float("nan")


def draw(sweep: Sweep) -> Any:
    """A figure with parameters (left) and MACs (right) of both blocks over the sweep;
    with --time a third panel of measured time, the machine named in the title."""
    panels = PANELS if sweep.machine is None else (*PANELS, TIME_PANEL)
    fig = _figure(len(panels))
    for ax, (key, ylabel) in zip(fig.subplots(1, len(panels)), panels, strict=True):
        _panel(ax, sweep, key, ylabel, AXIS_LABELS[sweep.axis])
    title = "Basic vs bottleneck block (analytic counts; FLOPs = 2 x MACs)"
    if sweep.machine is None:
        fig.suptitle(title)
    else:
        fig.suptitle(f"{title}\n{machine_line(sweep.machine)}", fontsize="medium")
    return fig


def sweep_png(sweep: Sweep) -> bytes:
    buffer = io.BytesIO()
    draw(sweep).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def sweep_svg(sweep: Sweep) -> str:
    """SVG text, byte-for-byte the same for the same sweep (no date, fixed id salt)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "bottlecalc", "svg.fonttype": "none"}):
        draw(sweep).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
