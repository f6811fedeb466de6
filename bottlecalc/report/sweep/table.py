"""``sweep --format table``: the rich table and a terminal bar chart of both blocks' MACs."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bottlecalc.report.console import to_str
from bottlecalc.report.numbers import human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.words import LEGEND, row, title
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep

WIDTH = 120
EIGHTHS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 40
STYLES = {BlockKind.BASIC: "yellow", BlockKind.BOTTLENECK: "cyan"}


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar, linear in ``value``, in eighths of a character."""
    eighths = round(8 * width * value / largest) if largest else 0
    if value and not eighths:
        eighths = 1  # a non-zero count never draws as nothing
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def _table(sweep: Sweep) -> Table:
    table = Table(title=title(sweep), box=box.ROUNDED, header_style="bold cyan",
                  title_style="bold")
    table.add_column(sweep.axis.option, justify="right")
    for head in ("basic\nparams", "bottleneck\nparams", "x\nfewer", "basic\nMACs",
                 "bottleneck\nMACs", "x\nfewer"):
        table.add_column(head, justify="right")
    for point in sweep.points:
        table.add_row(*row(point))
    return table


def _chart(sweep: Sweep) -> Text:
    """MACs of both blocks per point, bars on one linear scale."""
    largest = max(max(p.basic.macs, p.bottleneck.macs) for p in sweep.points)
    label_width = max(len(str(p.value)) for p in sweep.points)
    out = Text(f"MACs (multiply-accumulates) by {sweep.axis.option}, linear scale\n",
               style="bold")
    for p in sweep.points:
        for kind in BlockKind:
            head = str(p.value) if kind is BlockKind.BASIC else ""
            macs = p.counts(kind).macs
            out.append(f"{head:>{label_width}} {kind:<10} ")
            out.append(bar(macs, largest), style=STYLES[kind])
            out.append(f" {human(macs)}\n")
    return out


def render(sweep: Sweep, options: RenderOptions) -> str:
    parts: list[RenderableType] = [_table(sweep), _chart(sweep), Text(LEGEND, style="dim")]
    width = max(options.width, 100) if options.width else WIDTH
    return to_str(Group(*parts), color=options.color, width=width)
