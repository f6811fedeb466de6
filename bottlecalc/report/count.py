"""What ``bottlecalc.count(model, x)`` shows: its breakdown as a rich renderable that fits
any width, as plain text, and as an HTML table for Jupyter.

Every form comes from one :class:`~bottlecalc.breakdown.ModelReport`: :func:`sheet` (the
rows at the depth asked for, ``(other)`` and the total) and :func:`lines` (FLOPs, the
routes, notes and warnings). Numbers are exact integers with thousands separators, never
cut: at a narrow width the table is stacked or turned into records
(:func:`~bottlecalc.report.layout.fit`), never cropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement

from bottlecalc.analytic import fmt
from bottlecalc.breakdown import ModelReport, ModuleRow
from bottlecalc.report.console import to_str
from bottlecalc.report.layout import Prose, Sheet, fit, plain_sheet
from bottlecalc.report.numbers import exact
from bottlecalc.report.words import complete_line, reconcile_lines, unused_line

HEADER = ("module", "type", "params", "MACs", "MACs share")


def title(report: ModelReport) -> str:
    """'TinyNet: input 1x3x32x32, depth 1'."""
    inputs = ", ".join(t.text for _, t in report.result.measured.inputs) or "no tensors"
    return f"{report.result.name}: input {inputs}, depth {report.depth}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def cells(row: ModuleRow, macs: int, *, fvcore: bool) -> tuple[str, ...]:
    """One row's cells: name, type, exact counts, share of the MACs (and fvcore's count)."""
    out = (row.name, row.kind, fmt(row.params), fmt(row.macs), _percent(row.macs, macs))
    return (*out, exact(row.fvcore)) if fvcore else out


def table_rows(report: ModelReport) -> tuple[tuple[str, ...], list[tuple[str, ...]],
                                              tuple[str, ...]]:
    """(header, rows, total): fvcore's column only when fvcore ran."""
    result, fvcore = report.result, report.result.measured.fvcore
    ran = fvcore is not None
    rows = [cells(row, result.macs, fvcore=ran) for row in report.rows]
    total = ModuleRow("total", "", result.params, result.macs, fvcore)
    header = (*HEADER, "fvcore") if ran else HEADER
    return header, rows, cells(total, result.macs, fvcore=ran)


def sheet(report: ModelReport) -> Sheet:
    header, rows, total = table_rows(report)
    return replace(plain_sheet(title(report), header, rows, keys=2), total=total)


def lines(report: ModelReport) -> list[str]:
    """FLOPs forward (and for a training step), every route's MACs, notes and warnings."""
    m = report.result.measured
    out = [f"FLOPs: {exact(m.torch_flops)} (FlopCounterMode, 2 per multiply-accumulate)"]
    if report.train:
        out.append(f"training step FLOPs: {exact(m.train_flops)} (forward + backward on "
                   "meta: a gradient for every parameter, none for the inputs)")
    out.extend(x for x in (complete_line(m), unused_line(m)) if x)
    out.extend(reconcile_lines(m))
    out.extend(f"note: {note}" for note in m.notes)
    out.extend(f"warning: {warning}" for warning in m.warnings)
    return out


def _parts(report: ModelReport, width: int | None) -> Group:
    prose = (Prose(line, hang=2) for line in lines(report))
    return Group(fit(sheet(report), width), *prose)


class Fitted:
    """A rich renderable laid out at the width the console gives it (never cropped)."""

    def __init__(self, report: ModelReport) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield _parts(self.report, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, _parts(self.report, None))


def text(report: ModelReport, *, width: int | None = None) -> str:
    """The table and its lines as plain text (``width=None``: as wide as the table needs)."""
    return to_str(_parts(report, width), color=False, width=width)


def _html_row(values: Sequence[str], tag: str) -> str:
    items = (f'<{tag} style="text-align:{"left" if i < 2 else "right"}">{escape(v)}</{tag}>'
             for i, v in enumerate(values))
    return f"<tr>{''.join(items)}</tr>"


def html(report: ModelReport) -> str:
    """An HTML ``<table>`` (every name and note escaped), then the lines as paragraphs."""
    header, rows, total = table_rows(report)
    body = "\n".join(_html_row(row, "td") for row in rows)
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in lines(report))
    return (f'<table class="bottlecalc">\n<caption>{escape(title(report))}</caption>\n'
            f"<thead>{_html_row(header, 'th')}</thead>\n<tbody>\n{body}\n</tbody>\n"
            f"<tfoot>{_html_row(total, 'th')}</tfoot>\n</table>\n{paragraphs}\n")
