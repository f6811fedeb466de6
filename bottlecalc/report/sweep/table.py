"""``sweep --format table``: the rich table and a terminal bar chart of both blocks' MACs."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bottlecalc.report.console import to_str
from bottlecalc.report.numbers import human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.words import LEGEND, TIMED_HEADER, row, time_notes, title
from bottlecalc.report.timing import TIME_LEGEND, duration
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep, SweepPoint

WIDTH = 120
EIGHTHS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 40
STYLES = {BlockKind.BASIC: "yellow", BlockKind.BOTTLENECK: "cyan"}


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
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
    heads = ["basic\nparams", "bottleneck\nparams", "x\nfewer", "basic\nMACs",
             "bottleneck\nMACs", "x\nfewer"]
    if sweep.machine is not None:
        heads += [h.replace(" ", "\n", 1) for h in TIMED_HEADER]
    for head in heads:
        table.add_column(head, justify="right", no_wrap=True)
    for point in sweep.points:
        table.add_row(*row(point))
    return table


def _macs(point: SweepPoint, kind: BlockKind) -> float:
    return point.counts(kind).macs


def _seconds(point: SweepPoint, kind: BlockKind) -> float:
    timing = point.timing(kind)
    return timing.median_s if timing is not None else 0.0


def _chart(sweep: Sweep, *, timed: bool = False) -> Text:
    """MACs (or, timed, the measured time) of both blocks per point, on one linear scale."""
    value, show = (_seconds, duration) if timed else (_macs, lambda n: human(int(n)))
    largest = max(max(value(p, kind) for kind in BlockKind) for p in sweep.points)
    label_width = max(len(str(p.value)) for p in sweep.points)
    what = "measured time (median)" if timed else "MACs (multiply-accumulates)"
    out = Text(f"{what} by {sweep.axis.option}, linear scale\n", style="bold")
    for p in sweep.points:
        for kind in BlockKind:
            head = str(p.value) if kind is BlockKind.BASIC else ""
            out.append(f"{head:>{label_width}} {kind:<10} ")
            out.append(bar(value(p, kind), largest), style=STYLES[kind])
            out.append(f" {show(value(p, kind))}\n")
    return out


def _timed(sweep: Sweep) -> list[RenderableType]:
    if sweep.machine is None:
        return []
    return [_chart(sweep, timed=True), Text(TIME_LEGEND, style="dim"),
            *(Text(f"* {note}", style="yellow") for note in time_notes(sweep))]


def render(sweep: Sweep, options: RenderOptions) -> str:
    parts: list[RenderableType] = [_table(sweep), _chart(sweep), *_timed(sweep),
                                   Text(LEGEND, style="dim")]
    width = max(options.width, 100) if options.width else WIDTH
    return to_str(Group(*parts), color=options.color, width=width)
