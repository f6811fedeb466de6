"""The rich table for ``check``: budget vs actual vs headroom, one row per limit."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.budget.model import CheckReport, Outcome, Status, Verdict
from bottlecalc.budget.text import one_line
from bottlecalc.report.check.words import (
    WORD,
    baseline_lines,
    detail_lines,
    headroom_text,
    measured_line,
    top_lines,
)
from bottlecalc.report.console import to_str
from bottlecalc.report.glossary import CHECK_LEGEND, HEADROOM_FORMULA
from bottlecalc.report.layout import GLUE, PLAIN, Column, Prose, Sheet, fit
from bottlecalc.report.numbers import fmt, shape_text
from bottlecalc.report.render import RenderOptions

STYLE = {Status.PASS: "green", Status.TOLERATED: "yellow", Status.FAIL: "bold red",
         Status.ERROR: "bold red"}
HEADERS = ("budget", "target", "input", "held against", "limit", "actual", "headroom",
           "verdict")


def render(report: CheckReport, options: RenderOptions) -> str:
    columns = tuple(Column(header, right=False) for header in HEADERS)
    body = tuple(row for outcome in report.outcomes for row in rows(outcome))
    sheet = Sheet(columns, body, title="bottlecalc check",
                  style=PLAIN)
    parts: list[RenderableType] = [fit(sheet, options.width)]
    parts.append(Prose(CHECK_LEGEND.replace(HEADROOM_FORMULA, HEADROOM_FORMULA.replace(" ", GLUE))))
    parts.extend(Prose(line, hang=2) for line in footnotes(report))
    return to_str(Group(*parts), color=options.color, width=options.width)


def rows(outcome: Outcome) -> list[tuple[str | Text, ...]]:
    budget = outcome.budget
    shown = "" if budget.target == budget.name else one_line(budget.target)  # CLI: name=target
    head = (one_line(budget.name), shown, shape_text(outcome.input))
    if outcome.error is not None:
        verdict = Text(WORD[Status.ERROR], style=STYLE[Status.ERROR])
        return [(*head, "—", "—", "—", "—", verdict)]
    return [(*(head if i == 0 else ("", "", "")), *cells(v))
            for i, v in enumerate(outcome.verdicts)]


def cells(verdict: Verdict) -> tuple[str | Text, ...]:
    return (verdict.metric.label, fmt(verdict.limit), fmt(verdict.actual), headroom_text(verdict),
            Text(WORD[verdict.status], style=STYLE[verdict.status]))


def footnotes(report: CheckReport) -> list[str]:
    lines = []
    for outcome in report.outcomes:
        name = one_line(outcome.budget.name)
        if outcome.error is not None:
            lines.append(f"{name}: could not be measured: {one_line(outcome.error)}")
        lines.extend(f"{name}: {line}" for line in [*top_lines(outcome),
                                                     *baseline_lines(outcome, report.baseline)])
        if (measured := measured_line(outcome)) is not None:
            lines.append(f"{name}: {measured}")  # the routes, and the trainable count
        lines.extend(f"{name}: {line}" for line in detail_lines(outcome))
    return lines
