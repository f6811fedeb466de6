"""``sweep --format table``: the rich table and a terminal bar chart of both blocks' MACs."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.report.console import to_str
from bottlecalc.report.layout import Column, Prose, Sheet, fit
from bottlecalc.report.numbers import human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.words import LEGEND, row, title
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep

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


HEADERS = ("basic\nparams", "bottleneck\nparams", "x\nfewer", "basic\nMACs",
           "bottleneck\nMACs", "x\nfewer")


def sheet(sweep: Sweep) -> Sheet:
    columns = (Column(sweep.axis.option), *map(Column, HEADERS))
    return Sheet(columns, tuple(tuple(row(point)) for point in sweep.points),
                 title=title(sweep),
                 style={"box": box.ROUNDED, "header_style": "bold cyan", "title_style": "bold"})


def _chart(sweep: Sweep, width: int | None) -> Text:
    """MACs of both blocks per point, bars on one linear scale, as wide as ``width`` allows
    (the numbers are never cut: at the narrowest, bars shrink to a character)."""
    largest = max(max(p.basic.macs, p.bottleneck.macs) for p in sweep.points)
    label_width = max(len(str(p.value)) for p in sweep.points)
    numbers = max(len(human(p.counts(k).macs)) for p in sweep.points for k in BlockKind)
    room = BAR_WIDTH if width is None else width - label_width - len(" basic      ") - 1 - numbers
    out = Text(no_wrap=True, overflow="ignore")
    for p in sweep.points:
        for kind in BlockKind:
            head = str(p.value) if kind is BlockKind.BASIC else ""
            macs = p.counts(kind).macs
            out.append(f"{head:>{label_width}} {kind:<10} ")
            out.append(bar(macs, largest, max(1, min(BAR_WIDTH, room))), style=STYLES[kind])
            out.append(f" {human(macs)}\n")
    return out


def render(sweep: Sweep, options: RenderOptions) -> str:
    heading = f"MACs (multiply-accumulates) by {sweep.axis.option}, linear scale"
    parts: list[RenderableType] = [fit(sheet(sweep), options.width),
                                   Prose(heading, style="bold"), _chart(sweep, options.width),
                                   Prose(LEGEND, style="dim")]
    return to_str(Group(*parts), color=options.color, width=options.width)
