"""What ``bottlecalc.count(model, x)`` shows: the table of ``bottlecalc network TARGET``
(the same rows, totals, notes and words), as a rich renderable that fits any width, as
plain text, and as an HTML table for Jupyter.

Numbers are exact integers with thousands separators, never cut: at a narrow width the
table is stacked or turned into records (:func:`~bottlecalc.report.layout.fit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement

from bottlecalc.breakdown import ModelReport
from bottlecalc.report.network import modules as words
from bottlecalc.report.network import table
from bottlecalc.report.render import RenderOptions


class Fitted:
    """A rich renderable laid out at the width the console gives it (never cropped)."""

    def __init__(self, report: ModelReport) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield table.model_parts(self.report, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, table.model_parts(self.report, None))


def text(report: ModelReport, *, width: int | None = None) -> str:
    """The table and its lines as plain text (``width=None``: as wide as the table needs)."""
    return table.render(report, RenderOptions(width=width))


def _html_row(values: Sequence[str], tag: str) -> str:
    items = (f'<{tag} style="text-align:{"left" if i < words.NAMED else "right"}">'
             f"{escape(v)}</{tag}>" for i, v in enumerate(values))
    return f"<tr>{''.join(items)}</tr>"


def lines(report: ModelReport) -> list[str]:
    """The words below the table: totals, conventions, agreement and footnotes."""
    gaps = words.convention_gaps(report) if report.conventions else []
    return [words.totals_line(report), *gaps, words.agreement_line(report),
            *words.footnotes(report)]


def html(report: ModelReport) -> str:
    """An HTML ``<table>`` (every name and note escaped), then the lines as paragraphs."""
    *rows, total = words.rows(report)
    body = "\n".join(_html_row(row, "td") for row in rows)
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in lines(report))
    return (f'<table class="bottlecalc">\n<caption>{escape(words.title(report))}</caption>\n'
            f"<thead>{_html_row(words.header(report), 'th')}</thead>\n<tbody>\n{body}\n</tbody>\n"
            f"<tfoot>{_html_row(total, 'th')}</tfoot>\n</table>\n{paragraphs}\n")
