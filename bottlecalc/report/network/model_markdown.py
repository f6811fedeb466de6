"""Markdown for ``network TARGET`` (a user's model): the breakdown and conventions as pipe
tables, then the totals, the agreement line, the legend and the notes."""

from __future__ import annotations

from bottlecalc.breakdown import ModelReport
from bottlecalc.report.markdown import document, ending, table
from bottlecalc.report.network import model_words as words
from bottlecalc.report.render import RenderOptions


def _breakdown(report: ModelReport) -> list[str]:
    rows = words.rows(report)
    rows[-1] = [f"**{value}**" if value else "" for value in rows[-1]]
    return table(list(words.header(report)), rows)


def _conventions(report: ModelReport) -> list[str]:
    rows = [[label, count if short == count else f"{count} ({short})", meaning]
            for label, count, short, meaning in words.convention_rows(report)]
    gaps = [f"- {line}" for line in words.convention_gaps(report)]
    return ["", "### One model, every convention", "",
            *table(["convention", "count", "what it is"], rows), "", *gaps]


def render(report: ModelReport, options: RenderOptions) -> str:
    lines = [f"## {words.title(report)}", "", *_breakdown(report), "",
             words.totals_line(report)]
    lines += [f"\n{line}" for line in words.time_lines(report)]
    if report.conventions:
        lines += _conventions(report)
    return document(lines + ending(words.agreement_line(report), words.legends(report),
                                   words.footnotes(report)))
