"""What ``bottlecalc.count(model, x)`` shows: the table of ``bottlecalc network TARGET``
(the same rows, totals, notes and words), as a rich renderable that fits any width, as
plain text, and as an HTML table for Jupyter (the HTML writer, drawing :func:`document`).

Numbers are exact integers with thousands separators, never cut: at a narrow width the
table is stacked or turned into records (:func:`~bottlecalc.report.layout.fit`).
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement

from bottlecalc.breakdown import ModelReport
from bottlecalc.report import document as doc
from bottlecalc.report.network import document as network
from bottlecalc.report.network import modules as words
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html as writers_html
from bottlecalc.report.writers import rich


class Fitted:
    """A rich renderable laid out at the width the console gives it (never cropped)."""

    def __init__(self, report: ModelReport) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield rich.renderable(network.model(self.report), options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options,
                               rich.renderable(network.model(self.report), None))


def text(report: ModelReport, *, width: int | None = None) -> str:
    """The table and its lines as plain text (``width=None``: as wide as the table needs)."""
    return network.render_table(report, RenderOptions(width=width))


def lines(report: ModelReport) -> list[str]:
    """The words below the table: totals, conventions, agreement and footnotes."""
    gaps = words.convention_gaps(report) if report.conventions else []
    return [words.totals_line(report), *gaps, words.agreement_line(report),
            *words.footnotes(report)]


def document(report: ModelReport) -> doc.Document:
    """The breakdown as a sheet (its total as the footer), then the lines as paragraphs."""
    *rows, total = words.rows(report)
    columns = tuple(doc.Column(name, right=i >= words.NAMED)
                    for i, name in enumerate(words.header(report)))
    sheet = doc.Sheet(columns, tuple(map(tuple, rows)), title=words.title(report),
                      footer=tuple(total), keys=words.NAMED)
    return doc.Document((sheet, *map(doc.Prose, lines(report))))


def html(report: ModelReport) -> str:
    """An HTML ``<table>`` (every name and note escaped), then the lines as paragraphs."""
    return writers_html.render(document(report), RenderOptions())
