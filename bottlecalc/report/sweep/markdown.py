"""Markdown for ``sweep``: the table a teacher pastes into course notes."""

from __future__ import annotations

from typing import Any

from bottlecalc.analytic import fmt
from bottlecalc.sweep import Sweep, sweep_dict

HEADER = ("basic params", "bottleneck params", "x fewer params",
          "basic MACs", "bottleneck MACs", "x fewer MACs")


def _row(point: dict[str, Any]) -> list[str]:
    a, b, r = point["basic"], point["bottleneck"], point["ratios"]
    return [str(point["value"]), fmt(a["params"]), fmt(b["params"]), f"{r['params']:.1f}",
            fmt(a["macs"]), fmt(b["macs"]), f"{r['macs']:.1f}"]


def render(sweep: Sweep) -> str:
    data = sweep_dict(sweep)
    lines = [f"| {sweep.axis.label} | " + " | ".join(HEADER) + " |",
             "|" + "---:|" * (len(HEADER) + 1)]
    lines += ["| " + " | ".join(_row(p)) + " |" for p in data["points"]]
    lines += ["", "MACs = multiply-accumulates (conv, shortcut included); FLOPs = 2 x MACs. "
              "Parameters include BN and any projection shortcut. Analytic counts."]
    return "\n".join(lines) + "\n"
