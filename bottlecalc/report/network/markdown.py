"""Markdown for ``bottlecalc network``: the same tables as pipes, legend and notes."""

from __future__ import annotations

from bottlecalc.report import timing
from bottlecalc.report.markdown import document, ending, table
from bottlecalc.report.network import words
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import Depth, NetworkReport, NetworkResult


def _summary(view: NetworkReport) -> list[str]:
    header = ["", *(f"**{r.name}**" for r in view.results)]
    rows = [[f"**{label}**", *(c.flat for c in cells)] for label, cells in words.summary(view)]
    return table(header, rows)


def _conventions(view: NetworkReport) -> list[str]:
    header = ["convention", *(r.name for r in view.results), "what it is"]
    columns = [words.convention_cells(r) for r in view.results]
    rows = [[label, *(_giga(column[i]) for column in columns), meaning]
            for i, (label, meaning) in enumerate(words.CONVENTIONS)]
    gaps = [f"- {words.convention_gaps(r)}" for r in view.results]
    return ["", "### One count, four conventions", "", *table(header, rows), "", *gaps]


def _giga(cell: words.Cell) -> str:
    return words.Cell(cell.short, cell.exact, cell.mark).flat


def _breakdown(result: NetworkResult, view: NetworkReport) -> list[str]:
    rows = [[c.exact for c in row] for row in words.breakdown_rows(result, view)]
    rows[-1] = [f"**{value}**" if value else "" for value in rows[-1]]
    header = words.breakdown_header(view.depth)
    return ["", f"### {result.name}: per {view.depth}", "", *table(header, rows)]


def _timed_layers(view: NetworkReport) -> list[str]:
    """--time --depth layer: each network layer by layer, roofline beside measured."""
    if view.machine is None or view.depth is not Depth.LAYER:
        return []
    lines: list[str] = []
    for title, rows, notes in timing.layer_sections(view.results, view.machine):
        lines += ["", f"### {title}", "", *table(timing.LAYER_HEADER, rows), ""]
        lines += [f"- {line}" for line in notes]
    return lines


def render(view: NetworkReport, options: RenderOptions) -> str:
    lines = [f"## {words.title(view)}", "", *_summary(view), ""]
    lines += [f"**{line}**" for line in words.comparison_lines(view)]
    if view.conventions:
        lines += _conventions(view)
    for result in view.results if view.depth is not Depth.NETWORK else ():
        lines += _breakdown(result, view)
    lines += _timed_layers(view)
    legends = [words.LEGEND, *([timing.TIME_LEGEND] if view.machine is not None else [])]
    return document(lines + ending(words.agreement_line(view), legends, words.footnotes(view)))
