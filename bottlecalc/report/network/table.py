"""The rich tables for ``bottlecalc network``: each laid out to fit the width it is given."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.report import timing
from bottlecalc.report.console import to_str
from bottlecalc.report.layout import Column, Prose, Sheet, fit, plain_sheet
from bottlecalc.report.network import words
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.words import MARK
from bottlecalc.results import Depth, NetworkReport, NetworkResult

BOXED = {"box": box.ROUNDED, "header_style": "bold cyan", "title_style": "bold",
         "show_lines": True}
PLAIN = {"box": box.SIMPLE_HEAD, "title_justify": "left", "header_style": "bold"}


def render(view: NetworkReport, options: RenderOptions) -> str:
    """Summary side by side, optional conventions view, per-depth breakdowns, footer."""
    width = options.width
    parts: list[RenderableType] = [fit(summary(view), width)]
    parts.extend(Prose(line, style="bold green") for line in words.comparison_lines(view))
    if view.conventions:
        parts.extend(_conventions(view, width))
    if view.depth is not Depth.NETWORK:
        parts.extend(fit(breakdown(result, view), width) for result in view.results)
    parts.extend(_timed_layers(view, width))
    parts.append(_footer(view))
    return to_str(Group(*parts), color=options.color, width=width)


def _cell(cell: words.Cell, *, two_lines: bool = True) -> Text:
    out = Text(cell.exact, style="bold" if cell.short else "")
    if cell.mark is not None:
        out.append(f" {MARK[cell.mark]}", style="green" if cell.mark else "bold red")
    if cell.measured:
        out.append(f"\nmeasured {cell.measured}", style="bold red")
    if two_lines and cell.short and cell.short != cell.exact:
        out.append(f"\n{cell.short}", style="dim")
    return out


def summary(view: NetworkReport) -> Sheet:
    columns = (Column("", right=False), *(Column(r.name) for r in view.results))
    rows = tuple((Text(label, style="bold"), *map(_cell, cells))
                 for label, cells in words.summary(view))
    return Sheet(columns, rows, title=words.title(view), style=BOXED)


def conventions(view: NetworkReport) -> Sheet:
    columns = (Column("convention", right=False), *(Column(r.name) for r in view.results),
               Column("what it is", right=False))
    cells = [words.convention_cells(r) for r in view.results]
    rows = tuple(
        (Text(label, style="bold"), *(_giga(column[i]) for column in cells),
         Text(meaning, style="dim"))
        for i, (label, meaning) in enumerate(words.CONVENTIONS)
    )
    return Sheet(columns, rows, title="One count, four conventions", style=BOXED)


def _conventions(view: NetworkReport, width: int | None) -> list[RenderableType]:
    gaps = [Prose(words.convention_gaps(r), hang=2) for r in view.results]
    return [fit(conventions(view), width), *gaps]


def _giga(cell: words.Cell) -> Text:
    return _cell(words.Cell(cell.short, cell.exact, cell.mark))


def breakdown(result: NetworkResult, view: NetworkReport) -> Sheet:
    header = words.breakdown_header(view.depth)
    named = len(header) - 6  # the name columns (row, or layer, op, output); then counts
    columns = tuple(Column(name, right=i >= named) for i, name in enumerate(header))
    rows = [tuple(_cell(c, two_lines=False) for c in row)
            for row in words.breakdown_rows(result, view)]
    return Sheet(columns, tuple(rows[:-1]), total=rows[-1],
                 title=f"{result.name}: per {view.depth}", style=PLAIN)


def _timed_layers(view: NetworkReport, width: int | None) -> list[RenderableType]:
    """--time --depth layer: each network layer by layer, roofline beside measured."""
    machine = view.machine
    if machine is None or view.depth is not Depth.LAYER:
        return []
    parts: list[RenderableType] = []
    for title, rows, notes in timing.layer_sections(view.results, machine):
        parts.append(fit(plain_sheet(title, timing.LAYER_HEADER, rows, keys=2), width))
        parts.extend(Prose(note, hang=2) for note in notes)
    return parts


def _footer(view: NetworkReport) -> Group:
    verdict = Prose(words.agreement_line(view),
                    style="green" if view.all_agree else "bold red")
    lines: list[RenderableType] = [verdict, Prose(words.LEGEND, style="dim")]
    if view.machine is not None:
        lines.append(Prose(timing.TIME_LEGEND, style="dim"))
    lines.extend(Prose(f"* {note}", style="yellow", hang=2) for note in words.footnotes(view))
    return Group(*lines)
