"""Words and rows every ``sweep`` format shares."""

from __future__ import annotations

from bottlecalc.analytic import fmt
from bottlecalc.sweep import Axis, Sweep, SweepPoint

# Axis titles with their unit, for tables and plots.
AXIS_LABELS = {
    Axis.IN: "input channels --in (channels)",
    Axis.MID: "bottleneck width --mid (channels)",
    Axis.SIZE: "feature-map size --size (pixels per side)",
}

HEADER = ("basic params", "bottleneck params", "x fewer params",
          "basic MACs", "bottleneck MACs", "x fewer MACs")
LEGEND = ("MAC = one multiply-accumulate (papers' and fvcore's \"FLOP\"); FLOPs = 2 x "
          "MACs. Parameters include BN and any projection shortcut.")


def row(point: SweepPoint) -> list[str]:
    """The swept value, both blocks' parameters and MACs, and the ratios."""
    a, b, r = point.basic, point.bottleneck, point.result.ratios()
    return [str(point.value), fmt(a.total), fmt(b.total), f"{r['params']:.1f}",
            fmt(a.macs), fmt(b.macs), f"{r['macs']:.1f}"]


def title(sweep: Sweep) -> str:
    c = sweep.config
    fixed = {"in": c.in_channels, "mid": c.mid, "out": c.out_channels, "stride": c.stride}
    shown = ", ".join(f"{k} {v}" for k, v in fixed.items()
                      if v is not None and k != str(sweep.axis))
    return f"Sweep of --{sweep.axis} ({shown}): basic vs bottleneck, analytic counts"
