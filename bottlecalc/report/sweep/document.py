"""``sweep``'s document: the table of both blocks at every swept value, a bar chart of
their MACs (and, with ``--time``, of their measured times), the legend. The table and
Markdown formats are this document drawn by the rich and Markdown writers."""

from __future__ import annotations

from bottlecalc.report import document as doc
from bottlecalc.report import extra, glossary
from bottlecalc.report.numbers import human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.words import AXIS_LABELS, HEADER, TIMED_HEADER, row, time_notes, title
from bottlecalc.report.timing import duration
from bottlecalc.report.writers import markdown, rich
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep, SweepPoint

# The terminal's headers, narrower than HEADER's (same order)
SHORT = ("basic\nparams", "bottleneck\nparams", "x\nfewer", "basic\nMACs", "bottleneck\nMACs",
         "x\nfewer")


def sheet(sweep: Sweep) -> doc.Sheet:
    names = [*zip(HEADER, SHORT, strict=True)]
    if sweep.machine is not None:
        names += [(name, name.replace(" ", "\n", 1)) for name in TIMED_HEADER]
    columns = (doc.Column(AXIS_LABELS[sweep.axis], short=sweep.axis.option),
               *(doc.Column(name, short=short) for name, short in names))
    return doc.Sheet(columns, tuple(tuple(row(point)) for point in sweep.points),
                     title=title(sweep), look=doc.Look.BOXED)


def _seconds(point: SweepPoint, kind: BlockKind) -> float:
    timing = point.timing(kind)
    return timing.median_s if timing is not None else 0.0


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
    timed: list[doc.Block] = [] if sweep.machine is None else [
        time_chart(sweep), doc.Prose(glossary.TIME_LEGEND, doc.Kind.LEGEND),
        doc.List(tuple(time_notes(sweep)))]
    return doc.Document((sheet(sweep), macs_chart(sweep), *timed,
                         doc.Prose(glossary.SWEEP_LEGEND, doc.Kind.LEGEND)))


def render_table(sweep: Sweep, options: RenderOptions) -> str:
    return rich.render(build(sweep), options)


def render_markdown(sweep: Sweep, options: RenderOptions) -> str:
    return markdown.render(build(sweep), options)
