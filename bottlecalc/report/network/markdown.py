"""Markdown for ``bottlecalc network``: the same tables as pipes, legend and notes, for
presets side by side or a user's model module by module."""

from __future__ import annotations

from bottlecalc.breakdown import ModelReport
from bottlecalc.report import glossary, timing
from bottlecalc.report.markdown import document, ending, table
from bottlecalc.report.network import modules, words
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
            for i, (label, meaning) in enumerate(glossary.NETWORK_CONVENTION_ROWS)]
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


def render(view: NetworkReport | ModelReport, options: RenderOptions) -> str:
    if isinstance(view, ModelReport):
        return _model(view)
    lines = [f"## {words.title(view)}", "", *_summary(view), ""]
    lines += [f"**{line}**" for line in words.comparison_lines(view)]
    if view.conventions:
        lines += _conventions(view)
    for result in view.results if view.depth is not Depth.NETWORK else ():
        lines += _breakdown(result, view)
    lines += _timed_layers(view)
    legends = words.legends(view)
    return document(lines + ending(words.agreement_line(view), legends, words.footnotes(view)))


# --- A user's model: the breakdown and conventions as pipe tables, then the totals, the
# agreement line, the legends and the notes ---


def _model_breakdown(report: ModelReport) -> list[str]:
    rows = modules.rows(report)
    rows[-1] = [f"**{value}**" if value else "" for value in rows[-1]]
    return table(list(modules.header(report)), rows)


def _model_conventions(report: ModelReport) -> list[str]:
    rows = [[label, count if short == count else f"{count} ({short})", meaning]
            for label, count, short, meaning in modules.convention_rows(report)]
    gaps = [f"- {line}" for line in modules.convention_gaps(report)]
    return ["", "### One model, every convention", "",
            *table(["convention", "count", "what it is"], rows), "", *gaps]


def _model(report: ModelReport) -> str:
    lines = [f"## {modules.title(report)}", "", *_model_breakdown(report), "",
             modules.totals_line(report)]
    lines += [f"\n{line}" for line in modules.time_lines(report)]
    if report.conventions:
        lines += _model_conventions(report)
    return document(lines + ending(modules.agreement_line(report), modules.legends(report),
                                   modules.footnotes(report)))
