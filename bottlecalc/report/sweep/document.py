"""``sweep``'s document: the table of both blocks at every swept value, a bar chart of
their MACs (and, with ``--time``, of their measured times), the legend. The table and
Markdown formats are this document drawn by the rich and Markdown writers."""

from __future__ import annotations

from bottlecalc.report import document as doc
from bottlecalc.report import extra, glossary, timing
from bottlecalc.report.numbers import fmt, human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.svg import AXIS_LABELS
from bottlecalc.report.timing import duration
from bottlecalc.report.writers import markdown, rich
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep, SweepPoint
from bottlecalc.timed import Timing

# (header, the terminal's narrower one) of the count columns
HEADER = (("basic params", "basic\nparams"), ("bottleneck params", "bottleneck\nparams"),
          ("x fewer params", "x\nfewer"), ("basic MACs", "basic\nMACs"),
          ("bottleneck MACs", "bottleneck\nMACs"), ("x fewer MACs", "x\nfewer"))
TIMED_HEADER = ("basic time", "bottleneck time", "x faster (measured)")  # --time


def title(sweep: Sweep) -> str:
    c = sweep.config
    fixed = {"in": c.in_channels, "mid": c.mid, "out": c.out_channels, "stride": c.stride}
    shown = ", ".join(f"{k} {v}" for k, v in fixed.items()
                      if v is not None and k != str(sweep.axis))
    return f"Sweep of --{sweep.axis} ({shown}): basic vs bottleneck, analytic counts"


def sheet(sweep: Sweep) -> doc.Sheet:
    names = list(HEADER)
    if sweep.machine is not None:
        names += [(name, name.replace(" ", "\n", 1)) for name in TIMED_HEADER]
    columns = (doc.Column(AXIS_LABELS[sweep.axis], short=sweep.axis.option),
               *(doc.Column(name, short=short) for name, short in names))
    return doc.Sheet(columns, tuple(tuple(row(point)) for point in sweep.points),
                     title=title(sweep), look=doc.Look.BOXED)


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
            timing.times(speedup) if speedup is not None else "—"]


def _seen(measured: Timing | None) -> str:
    if measured is None:
        return "—"
    return duration(measured.median_s) + ("\nnoisy" if measured.noisy else "")


def _seconds(point: SweepPoint, kind: BlockKind) -> float:
    measured = point.timing(kind)
    return measured.median_s if measured is not None else 0.0


def macs_chart(sweep: Sweep) -> extra.Chart:
    groups = tuple(extra.Bars(str(p.value), tuple(p.counts(k).macs for k in BlockKind),
                            tuple(human(p.counts(k).macs) for k in BlockKind))
                   for p in sweep.points)
    return extra.Chart(f"MACs (multiply-accumulates) by {sweep.axis.option}, linear scale",
                     tuple(map(str, BlockKind)), groups)


def time_chart(sweep: Sweep) -> extra.Chart:
    groups = tuple(extra.Bars(str(p.value), seconds, tuple(map(duration, seconds)))
                   for p in sweep.points
                   for seconds in [tuple(_seconds(p, k) for k in BlockKind)])
    return extra.Chart(f"measured time (median) by {sweep.axis.option}, linear scale",
                     tuple(map(str, BlockKind)), groups)


def build(sweep: Sweep) -> doc.Document:
    timed: list[doc.Block] = []
    if sweep.machine is not None:  # --time: the machine, and whether it was busy or noisy
        blocks = [block for point in sweep.points for block in point.result.blocks]
        timed = [time_chart(sweep), doc.Prose(glossary.TIME_LEGEND, doc.Kind.LEGEND),
                 doc.List(tuple(timing.time_notes(blocks, sweep.machine)))]
    return doc.Document((sheet(sweep), macs_chart(sweep), *timed,
                         doc.Prose(glossary.SWEEP_LEGEND, doc.Kind.LEGEND)))


def render_table(sweep: Sweep, options: RenderOptions) -> str:
    return rich.render(build(sweep), options)


def render_markdown(sweep: Sweep, options: RenderOptions) -> str:
    return markdown.render(build(sweep), options)
