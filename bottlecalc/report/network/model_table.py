"""The rich table for ``network TARGET`` (a user's model): its modules at ``--depth``, the
totals they sum to, ``--conventions`` and the notes, each fitted to the width given."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.breakdown import By, ModelReport
from bottlecalc.report.console import to_str
from bottlecalc.report.layout import Column, Prose, Sheet, fit
from bottlecalc.report.network import model_words as words
from bottlecalc.report.network.table import BOXED, PLAIN
from bottlecalc.report.render import RenderOptions


def render(report: ModelReport, options: RenderOptions) -> str:
    return to_str(parts(report, options.width), color=options.color, width=options.width)


def parts(report: ModelReport, width: int | None) -> Group:
    """Breakdown and totals, the conventions view when asked, then the footer, fitted to
    ``width`` (``bottlecalc.count`` shows the same at its console's width)."""
    out: list[RenderableType] = [Prose(words.title(report), style="bold", hang=2),
                                 fit(breakdown(report), width),
                                 Prose(words.totals_line(report), hang=2)]
    out.extend(Prose(line, hang=2) for line in words.time_lines(report))
    if report.conventions:
        out.append(fit(conventions(report), width))
        out.extend(Prose(line, hang=2) for line in words.convention_gaps(report))
    out.append(_footer(report))
    return Group(*out)


def breakdown(report: ModelReport) -> Sheet:
    """The rows and the total; the title is printed above, as prose (a long target path
    wraps between words, never inside one)."""
    named = 1 if report.by is By.KIND else words.NAMED  # a kind's instances: a number
    columns = tuple(Column(name, right=i >= named)
                    for i, name in enumerate(words.header(report)))
    rows = [tuple(cells) for cells in words.rows(report)]
    return Sheet(columns, tuple(rows[:-1]), total=rows[-1], keys=words.NAMED, style=PLAIN)


def conventions(report: ModelReport) -> Sheet:
    columns = (Column("convention", right=False), Column("count"),
               Column("what it is", right=False))
    rows = tuple((Text(label, style="bold"), _count(count, short), Text(meaning, style="dim"))
                 for label, count, short, meaning in words.convention_rows(report))
    return Sheet(columns, rows, title="One model, every convention", style=BOXED)


def _count(count: str, short: str) -> Text:
    out = Text(count)
    if short and short != count.split(" ")[0]:
        out.append(f"\n{short}", style="dim")
    return out


def _footer(report: ModelReport) -> Group:
    agree = not report.result.measured.unexplained
    lines: list[RenderableType] = [
        Prose(words.agreement_line(report), style="green" if agree else "bold red"),
        *(Prose(legend, style="dim") for legend in words.legends(report)),
    ]
    lines.extend(Prose(f"* {note}", style="yellow", hang=2) for note in words.footnotes(report))
    return Group(*lines)
