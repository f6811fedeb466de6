"""Words and rows every ``sweep`` format shares."""

from __future__ import annotations

from bottlecalc.report import timing
from bottlecalc.report.glossary import TERMS, Lang
from bottlecalc.report.numbers import fmt
from bottlecalc.report.timing import duration, times
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Axis, Sweep, SweepPoint
from bottlecalc.timed import Timing

# Axis titles with their unit, for tables and plots.
AXIS_LABELS = {
    Axis.IN: "input channels --in (channels)",
    Axis.MID: TERMS[Lang.EN]["mid_axis"],
    Axis.SIZE: "feature-map size --size (pixels per side)",
}

HEADER = ("basic params", "bottleneck params", "x fewer params",
          "basic MACs", "bottleneck MACs", "x fewer MACs")


TIMED_HEADER = ("basic time", "bottleneck time", "x faster (measured)")


def row(point: SweepPoint) -> list[str]:
    """The swept value, both blocks' parameters and MACs, the ratios (and --time's times)."""
    a, b, r = point.basic, point.bottleneck, point.result.ratios()
    cells = [str(point.value), fmt(a.total), fmt(b.total), f"{r['params']:.1f}",
             fmt(a.macs), fmt(b.macs), f"{r['macs']:.1f}"]
    return cells + timed_cells(point) if point.result.machine is not None else cells


def timed_cells(point: SweepPoint) -> list[str]:
    """[basic time, bottleneck time, how many times faster the bottleneck ran]."""
    speedup = point.result.speedup
    return [*(_seen(point.timing(kind)) for kind in BlockKind),
            times(speedup) if speedup is not None else "—"]


def _seen(timing: Timing | None) -> str:
    if timing is None:
        return "—"
    return duration(timing.median_s) + ("\nnoisy" if timing.noisy else "")


def time_notes(sweep: Sweep) -> list[str]:
    """--time: the machine, and whether it was busy or the times noisy."""
    if sweep.machine is None:
        return []
    blocks = [block for point in sweep.points for block in point.result.blocks]
    return timing.time_notes(blocks, sweep.machine)


def title(sweep: Sweep) -> str:
    c = sweep.config
    fixed = {"in": c.in_channels, "mid": c.mid, "out": c.out_channels, "stride": c.stride}
    shown = ", ".join(f"{k} {v}" for k, v in fixed.items()
                      if v is not None and k != str(sweep.axis))
    return f"Sweep of --{sweep.axis} ({shown}): basic vs bottleneck, analytic counts"
