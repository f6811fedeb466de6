"""The rich table and terminal bar chart for ``sweep`` (this format imports rich)."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from bottlecalc.report import text
from bottlecalc.sweep import Sweep, sweep_dict

EIGHTHS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 40
STYLES = {"basic": "yellow", "bottleneck": "cyan"}


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar, linear in ``value``, in eighths of a character."""
    eighths = round(8 * width * value / largest) if largest else 0
    if value and not eighths:
        eighths = 1  # a non-zero count never draws as nothing
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def _table(sweep: Sweep, data: dict[str, Any]) -> Table:
    table = Table(title=_title(data), box=box.ROUNDED, header_style="bold cyan",
                  title_style="bold")
    table.add_column(sweep.axis.option, justify="right")
    for head in ("basic\nparams", "bottleneck\nparams", "x\nfewer", "basic\nMACs",
                 "bottleneck\nMACs", "x\nfewer"):
        table.add_column(head, justify="right")
    for p in data["points"]:
        a, b, r = p["basic"], p["bottleneck"], p["ratios"]
        table.add_row(str(p["value"]), text.exact(a["params"]), text.exact(b["params"]),
                      f"{r['params']:.1f}", text.exact(a["macs"]), text.exact(b["macs"]),
                      f"{r['macs']:.1f}")
    return table


def _title(data: dict[str, Any]) -> str:
    fixed = {k: v for k, v in data["fixed"].items() if k in ("in", "mid", "out", "stride")}
    shown = ", ".join(f"{k} {v}" for k, v in fixed.items() if v is not None)
    return f"Sweep of --{data['axis']} ({shown}): basic vs bottleneck, analytic counts"


def _chart(data: dict[str, Any]) -> Text:
    """MACs of both blocks per point, bars on one linear scale."""
    largest = max(max(p["basic"]["macs"], p["bottleneck"]["macs"]) for p in data["points"])
    label_width = max(len(str(p["value"])) for p in data["points"])
    out = Text(f"MACs (multiply-accumulates) by --{data['axis']}, linear scale\n", style="bold")
    for p in data["points"]:
        for kind in ("basic", "bottleneck"):
            head = str(p["value"]) if kind == "basic" else ""
            out.append(f"{head:>{label_width}} {kind:<10} ")
            out.append(bar(p[kind]["macs"], largest), style=STYLES[kind])
            out.append(f" {text.human(p[kind]['macs'])}\n")
    return out


def render(sweep: Sweep, *, color: bool = False, width: int = 120) -> str:
    data = sweep_dict(sweep)
    legend = Text("MAC = one multiply-accumulate (papers' and fvcore's \"FLOP\"); FLOPs = 2 x "
                  "MACs. Parameters include BN and any projection shortcut.", style="dim")
    parts: list[RenderableType] = [_table(sweep, data), _chart(data), legend]
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False)
    console.print(Group(*parts))
    return buffer.getvalue()
