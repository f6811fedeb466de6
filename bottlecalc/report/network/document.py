"""``network``'s document, for presets side by side (:func:`presets`) or a user's model module
by module (:func:`model`); the table and Markdown formats are this document drawn by the rich
and Markdown writers, and ``bottlecalc.count`` shows the model's at its console's width.

Presets: the summary sheet, the comparison lines, the conventions sheet, a breakdown sheet
per network at ``--depth``, with ``--time --depth layer`` each network layer by layer, then
the agreement line, the legends and the notes. A model: its title, the breakdown sheet (the
total as its footer), the totals and time lines, the conventions, then the same ending.
"""

from __future__ import annotations

from dataclasses import replace

from bottlecalc.breakdown import By, Depth, NetworkReport
from bottlecalc.report import document as doc
from bottlecalc.report import glossary, timing
from bottlecalc.report.network import modules, words
from bottlecalc.report.words import MARK, routes_line
from bottlecalc.results import NetworkResult


def stacked(cell: words.Cell) -> str:
    """A summary cell as the terminal shows it: the exact number and its mark, what was
    measured when it disagrees, then the short form on a line of its own."""
    out = cell.exact + (f" {MARK[cell.mark]}" if cell.mark is not None else "")
    if cell.measured:
        out += f"\nmeasured {cell.measured}"
    return out + (f"\n{cell.short}" if cell.short and cell.short != cell.exact else "")


def summary(view: NetworkReport) -> doc.Sheet:
    columns = (doc.Column("", right=False, detail=True),  # the label: bold, as in the terminal
               *(doc.Column(r.name, detail=True) for r in view.results))
    rows = words.summary(view)
    return doc.Sheet(columns, tuple((label, *map(stacked, cells)) for label, cells in rows),
                     title=words.title(view), look=doc.Look.BOXED_RULED, heading=2)


def conventions(view: NetworkReport) -> list[doc.Block]:
    """The four conventions side by side (the short form first), then why they differ."""
    columns = (doc.Column("convention", right=False),
               *(doc.Column(r.name, detail=True) for r in view.results),
               doc.Column("what it is", right=False))
    cells = [[words.Cell(c.short, c.exact, c.mark) for c in words.convention_cells(r)]
             for r in view.results]
    labels = glossary.NETWORK_CONVENTION_ROWS
    rows = tuple((label, *(stacked(column[i]) for column in cells), meaning)
                 for i, (label, meaning) in enumerate(labels))
    return [doc.Sheet(columns, rows, title="One count, four conventions", heading=3,
                      look=doc.Look.BOXED_RULED),
            doc.List(tuple(words.convention_gaps(r) for r in view.results), doc.Kind.TEXT)]


def breakdown(result: NetworkResult, view: NetworkReport) -> doc.Sheet:
    """The rows at ``--depth`` and their total, exact numbers only (with --cross-check, a
    count the complete route disagrees with is marked ✗ with what it measured)."""
    header = words.LAYER_HEADER if view.depth is Depth.LAYER else words.BREAKDOWN_HEADER
    named = len(header) - 6  # the name columns (row, or layer, op, output); then counts
    columns = tuple(doc.Column(name, right=i >= named) for i, name in enumerate(header))
    *rows, total = (tuple(stacked(replace(c, short="")) for c in row)  # exact, and any ✗
                    for row in words.breakdown_rows(result, view))
    return doc.Sheet(columns, tuple(rows), title=f"{result.name}: per {view.depth}",
                     footer=total, heading=3)


def timed_layers(view: NetworkReport) -> list[doc.Block]:
    """--time --depth layer: each network layer by layer, roofline beside measured."""
    if view.machine is None or view.depth is not Depth.LAYER:
        return []
    columns = tuple(doc.Column(name, right=i >= 2) for i, name in enumerate(timing.LAYER_HEADER))
    return [part for title, rows, notes in timing.layer_sections(view.results, view.machine)
            for part in (doc.Sheet(columns, tuple(map(tuple, rows)), title=title, keys=2,
                                   look=doc.Look.PLAIN_FLUSH, heading=3),
                         doc.List(tuple(notes), doc.Kind.TEXT))]


def ending(agreement: str, *, agree: bool, legends: list[str],
           notes: list[str]) -> list[doc.Block]:
    """Whether the routes agree, what the counts mean, the notes on this run."""
    return [doc.Prose(agreement, doc.Kind.VERDICT, good=agree),
            *(doc.Prose(legend, doc.Kind.LEGEND) for legend in legends),
            doc.List(tuple(notes))]


def presets(view: NetworkReport) -> doc.Document:
    parts: list[doc.Block] = [summary(view)]
    parts += [doc.Prose(line, doc.Kind.RATIO) for line in words.comparison_lines(view)]
    parts += conventions(view) if view.conventions else []
    parts += [breakdown(r, view) for r in view.results if view.depth is not Depth.NETWORK]
    parts += timed_layers(view)
    parts += ending(routes_line(view.results, measured=view.measured), agree=view.all_agree,
                    legends=words.legends(view), notes=words.footnotes(view))
    return doc.Document(tuple(parts))


def model_breakdown(report: NetworkReport) -> doc.Sheet:
    """The rows and their total (a kind's instances: a number, so right-aligned)."""
    named = 1 if report.by is By.KIND else modules.NAMED
    columns = tuple(doc.Column(name, right=i >= named)
                    for i, name in enumerate(modules.header(report)))
    *rows, total = (tuple(cells) for cells in modules.rows(report))
    return doc.Sheet(columns, tuple(rows), footer=total, keys=modules.NAMED)


def model_conventions(report: NetworkReport) -> list[doc.Block]:
    """Every convention's count for the model, then why they differ."""
    columns = (doc.Column("convention", right=False), doc.Column("count", detail=True),
               doc.Column("what it is", right=False))
    found = modules.convention_rows(report)
    rows = tuple((label, count + (f"\n{short}" if short and short != count.split(" ")[0]
                                  else ""), meaning)
                 for label, count, short, meaning in found)
    return [doc.Sheet(columns, rows, title="One model, every convention", heading=3,
                      look=doc.Look.BOXED_RULED),
            doc.List(tuple(modules.convention_gaps(report)), doc.Kind.TEXT)]


def model(report: NetworkReport) -> doc.Document:
    parts: list[doc.Block] = [model_breakdown(report), doc.Prose(modules.totals_line(report))]
    parts += map(doc.Prose, modules.time_lines(report))
    parts += model_conventions(report) if report.conventions else []
    parts += ending(modules.agreement_line(report),
                    agree=not (report.result.measured.unexplained
                               or report.result.measured.unknown_ops),  # INCOMPLETE: red
                    legends=modules.legends(report), notes=modules.footnotes(report))
    return doc.Document(tuple(parts), title=modules.title(report))
