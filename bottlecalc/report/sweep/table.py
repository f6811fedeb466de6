"""``sweep --format table``: the rich table and a terminal bar chart of both blocks' MACs
(and, with ``--time``, of their measured times)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.report.console import to_str
from bottlecalc.report.glossary import SWEEP_LEGEND, TIME_LEGEND
from bottlecalc.report.layout import BOXED, Column, Prose, Sheet, fit
from bottlecalc.report.numbers import human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.words import TIMED_HEADER, row, time_notes, title
from bottlecalc.report.timing import duration
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep, SweepPoint

EIGHTHS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 40
STYLES = {BlockKind.BASIC: "yellow", BlockKind.BOTTLENECK: "cyan"}
HEADERS = ("basic\nparams", "bottleneck\nparams", "x\nfewer", "basic\nMACs",
           "bottleneck\nMACs", "x\nfewer")


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar, linear in ``value``, in eighths of a character."""
    eighths = round(8 * width * value / largest) if largest else 0
    if value and not eighths:
        eighths = 1  # a non-zero count never draws as nothing
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def sheet(sweep: Sweep) -> Sheet:
    heads = [*HEADERS]
    if sweep.machine is not None:
        heads += [h.replace(" ", "\n", 1) for h in TIMED_HEADER]
    columns = (Column(sweep.axis.option), *map(Column, heads))
    return Sheet(columns, tuple(tuple(row(point)) for point in sweep.points),
                 title=title(sweep),
                 style=BOXED)


def _macs(point: SweepPoint, kind: BlockKind) -> float:
    return point.counts(kind).macs


def _seconds(point: SweepPoint, kind: BlockKind) -> float:
    timing = point.timing(kind)
    return timing.median_s if timing is not None else 0.0


Value = Callable[[SweepPoint, BlockKind], float]


def _chart(sweep: Sweep, width: int | None, value: Value, show: Callable[[float], str]) -> Text:
    """Both blocks per point, bars on one linear scale, as wide as ``width`` allows (the
    numbers are never cut: at the narrowest, bars shrink to a character)."""
    largest = max(max(value(p, kind) for kind in BlockKind) for p in sweep.points)
    label_width = max(len(str(p.value)) for p in sweep.points)
    numbers = max(len(show(value(p, k))) for p in sweep.points for k in BlockKind)
    room = BAR_WIDTH if width is None else width - label_width - len(" basic      ") - 1 - numbers
    out = Text(no_wrap=True, overflow="ignore")
    for p in sweep.points:
        for kind in BlockKind:
            head = str(p.value) if kind is BlockKind.BASIC else ""
            out.append(f"{head:>{label_width}} {kind:<10} ")
            out.append(bar(value(p, kind), largest, max(1, min(BAR_WIDTH, room))),
                       style=STYLES[kind])
            out.append(f" {show(value(p, kind))}\n")
    return out


def _timed(sweep: Sweep, width: int | None) -> list[RenderableType]:
    if sweep.machine is None:
        return []
    heading = f"measured time (median) by {sweep.axis.option}, linear scale"
    return [Prose(heading, style="bold"), _chart(sweep, width, _seconds, duration),
            Prose(TIME_LEGEND, style="dim"),
            *(Prose(f"* {note}", style="yellow", hang=2) for note in time_notes(sweep))]


def render(sweep: Sweep, options: RenderOptions) -> str:
    heading = f"MACs (multiply-accumulates) by {sweep.axis.option}, linear scale"
    parts: list[RenderableType] = [
        fit(sheet(sweep), options.width), Prose(heading, style="bold"),
        _chart(sweep, options.width, _macs, lambda n: human(int(n))),
        *_timed(sweep, options.width), Prose(SWEEP_LEGEND, style="dim")]
    return to_str(Group(*parts), color=options.color, width=options.width)
