"""The rich tables for ``bottlecalc network`` (with report/table.py, the only rich users)."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bottlecalc.report import timing
from bottlecalc.report.console import rows_table, to_str
from bottlecalc.report.network import words
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.words import MARK
from bottlecalc.results import Depth, NetworkReport, NetworkResult

WIDTH = 132


def render(view: NetworkReport, options: RenderOptions) -> str:
    """Summary side by side, optional conventions view, per-depth breakdowns, footer."""
    parts: list[RenderableType] = [_summary(view)]
    parts.extend(Text(line, style="bold green") for line in words.comparison_lines(view))
    if view.conventions:
        parts.append(_conventions(view))
    if view.depth is not Depth.NETWORK:
        parts.extend(_breakdown(result, view) for result in view.results)
    parts.extend(_timed_layers(view))
    parts.append(_footer(view))
    width = max(options.width, 100) if options.width else WIDTH
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


def _summary(view: NetworkReport) -> Table:
    table = Table(title=words.title(view), box=box.ROUNDED, header_style="bold cyan",
                  title_style="bold", show_lines=True)
    table.add_column("", no_wrap=True)
    for result in view.results:
        table.add_column(result.name, justify="right")
    for label, cells in words.summary(view):
        table.add_row(Text(label, style="bold"), *map(_cell, cells))
    return table


def _conventions(view: NetworkReport) -> Table:
    table = Table(title="One count, four conventions", box=box.ROUNDED, show_lines=True,
                  header_style="bold cyan", title_style="bold",
                  caption="\n".join(words.convention_gaps(r) for r in view.results),
                  caption_justify="left")
    table.add_column("convention", no_wrap=True)
    for result in view.results:
        table.add_column(result.name, justify="right", no_wrap=True)
    table.add_column("what it is")
    columns = [words.convention_cells(r) for r in view.results]
    for i, (label, meaning) in enumerate(words.CONVENTIONS):
        cells = [_giga(column[i]) for column in columns]
        table.add_row(Text(label, style="bold"), *cells, Text(meaning, style="dim"))
    return table


def _giga(cell: words.Cell) -> Text:
    return _cell(words.Cell(cell.short, cell.exact, cell.mark))


def _breakdown(result: NetworkResult, view: NetworkReport) -> Table:
    table = Table(title=f"{result.name}: per {view.depth}", box=box.SIMPLE_HEAD,
                  title_justify="left", header_style="bold")
    header = words.breakdown_header(view.depth)
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i < len(header) - 6 else "right")
    rows = words.breakdown_rows(result, view)
    for row in rows[:-1]:
        table.add_row(*(_cell(c, two_lines=False) for c in row))
    table.add_section()
    table.add_row(*(_cell(c, two_lines=False) for c in rows[-1]), style="bold")
    return table


def _timed_layers(view: NetworkReport) -> list[RenderableType]:
    """--time --depth layer: each network layer by layer, roofline beside measured."""
    machine = view.machine
    if machine is None or view.depth is not Depth.LAYER:
        return []
    parts: list[RenderableType] = []
    for title, rows, notes in timing.layer_sections(view.results, machine):
        parts += [rows_table(title, timing.LAYER_HEADER, rows, text_columns=2), *map(Text, notes)]
    return parts


def _footer(view: NetworkReport) -> Group:
    verdict = Text(words.agreement_line(view), style="green" if view.all_agree else "bold red")
    lines: list[RenderableType] = [verdict, Text(words.LEGEND, style="dim")]
    if view.machine is not None:
        lines.append(Text(timing.TIME_LEGEND, style="dim"))
    lines.extend(Text(f"* {note}", style="yellow") for note in words.footnotes(view))
    return Group(*lines)
