"""What ``bottlecalc.count(model, x)`` shows: the document of ``bottlecalc network TARGET``
(:mod:`bottlecalc.report.network.document`: the same rows, totals, notes and words) as a rich
renderable that fits any width, as plain text, and as HTML for Jupyter.

Numbers are exact integers with thousands separators, never cut: at a narrow width the
table is stacked or turned into records (:func:`~bottlecalc.report.layout.fit`).
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement

from bottlecalc.breakdown import NetworkReport
from bottlecalc.report.network.document import model
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html as writers_html
from bottlecalc.report.writers import rich


class Fitted:
    """A rich renderable laid out at the width the console gives it (never cropped)."""

    def __init__(self, report: NetworkReport) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield rich.renderable(model(self.report), options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, rich.renderable(model(self.report), None))


def text(report: NetworkReport, *, width: int | None = None) -> str:
    """The table and its lines as plain text (``width=None``: as wide as the table needs)."""
    return rich.render(model(report), RenderOptions(width=width))


def html(report: NetworkReport) -> str:
    """The title, the breakdown as a ``<table>``, the lines as paragraphs, the notes as a
    list: every name and note escaped."""
    return writers_html.render(model(report), RenderOptions())
