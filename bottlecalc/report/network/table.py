"""The rich tables for ``bottlecalc network``, presets side by side or a user's model module
by module (also what ``bottlecalc.count`` shows): each laid out to fit the width it is given."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.breakdown import By, ModelReport
from bottlecalc.report import glossary, timing
from bottlecalc.report.console import to_str
from bottlecalc.report.layout import BOXED_RULED, PLAIN, Column, Prose, Sheet, fit, plain_sheet
from bottlecalc.report.network import modules, words
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.words import MARK
from bottlecalc.results import Depth, NetworkReport, NetworkResult


def render(view: NetworkReport | ModelReport, options: RenderOptions) -> str:
    """Presets: summary side by side, optional conventions view, per-depth breakdowns,
    footer. A model: :func:`model_parts`."""
    if isinstance(view, ModelReport):
        return to_str(model_parts(view, options.width), color=options.color,
                      width=options.width)
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
    return Sheet(columns, rows, title=words.title(view), style=BOXED_RULED)


def conventions(view: NetworkReport) -> Sheet:
    columns = (Column("convention", right=False), *(Column(r.name) for r in view.results),
               Column("what it is", right=False))
    cells = [words.convention_cells(r) for r in view.results]
    rows = tuple(
        (Text(label, style="bold"), *(_giga(column[i]) for column in cells),
         Text(meaning, style="dim"))
        for i, (label, meaning) in enumerate(glossary.NETWORK_CONVENTION_ROWS)
    )
    return Sheet(columns, rows, title="One count, four conventions", style=BOXED_RULED)


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
    legends = words.legends(view)
    return footer(words.agreement_line(view), agree=view.all_agree, legends=legends,
                  notes=words.footnotes(view))


def footer(agreement: str, *, agree: bool, legends: list[str], notes: list[str]) -> Group:
    """The agreement line (green, or red when routes disagree), the legends, the notes."""
    lines: list[RenderableType] = [Prose(agreement, style="green" if agree else "bold red")]
    lines.extend(Prose(legend, style="dim") for legend in legends)
    lines.extend(Prose(f"* {note}", style="yellow", hang=2) for note in notes)
    return Group(*lines)


# --- A user's model, module by module ---


def model_parts(report: ModelReport, width: int | None) -> Group:
    """Breakdown and totals, the conventions view when asked, then the footer, fitted to
    ``width`` (``bottlecalc.count`` shows the same at its console's width)."""
    out: list[RenderableType] = [Prose(modules.title(report), style="bold", hang=2),
                                 fit(model_breakdown(report), width),
                                 Prose(modules.totals_line(report), hang=2)]
    out.extend(Prose(line, hang=2) for line in modules.time_lines(report))
    if report.conventions:
        out.append(fit(model_conventions(report), width))
        out.extend(Prose(line, hang=2) for line in modules.convention_gaps(report))
    out.append(footer(modules.agreement_line(report),
                      agree=not report.result.measured.unexplained,
                      legends=modules.legends(report), notes=modules.footnotes(report)))
    return Group(*out)


def model_breakdown(report: ModelReport) -> Sheet:
    """The rows and the total; the title is printed above, as prose (a long target path
    wraps between words, never inside one)."""
    named = 1 if report.by is By.KIND else modules.NAMED  # a kind's instances: a number
    columns = tuple(Column(name, right=i >= named)
                    for i, name in enumerate(modules.header(report)))
    rows = [tuple(cells) for cells in modules.rows(report)]
    return Sheet(columns, tuple(rows[:-1]), total=rows[-1], keys=modules.NAMED, style=PLAIN)


def model_conventions(report: ModelReport) -> Sheet:
    columns = (Column("convention", right=False), Column("count"),
               Column("what it is", right=False))
    rows = tuple((Text(label, style="bold"), _count(count, short), Text(meaning, style="dim"))
                 for label, count, short, meaning in modules.convention_rows(report))
    return Sheet(columns, rows, title="One model, every convention", style=BOXED_RULED)


def _count(count: str, short: str) -> Text:
    out = Text(count)
    if short and short != count.split(" ")[0]:
        out.append(f"\n{short}", style="dim")
    return out
