"""``check``'s documents, drawn by the writers: the terminal's (``--format table``) and
the pull-request comment (``--format markdown``).

The terminal's is a table of the limits, the legend, then a line per fact of each budget
(what carries an exceeded limit, what moved since ``--baseline``, what was measured, how
the routes differ). The comment is what a CI bot posts and later finds by its first line:
the marker, a verdict heading, the same limits (with the change since the baseline), then
per budget tables of the modules that carry an exceeded limit and of the modules whose
counts moved, the details folded, and the legend in small print. Numbers are exact; in the
comment, names and options are code spans.
"""

from __future__ import annotations

from bottlecalc.budget.model import CheckReport, Outcome, Status, Verdict
from bottlecalc.budget.text import one_line
from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.check.words import (
    WORD,
    detail_lines,
    error_text,
    facts,
    headroom_text,
    measured_line,
)
from bottlecalc.report.glossary import CHECK_LEGEND, HEADROOM_FORMULA
from bottlecalc.report.numbers import fmt, shape_text
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import markdown, rich

TONE = {Status.PASS: doc.Tone.GOOD, Status.TOLERATED: doc.Tone.WARNING,
        Status.FAIL: doc.Tone.BAD, Status.ERROR: doc.Tone.BAD}
ICON = {Status.PASS: "✅", Status.TOLERATED: "⚠️", Status.FAIL: "❌", Status.ERROR: "❌"}
HEADERS = ("budget", "target", "input", "held against", "limit", "actual", "headroom",
           "verdict")
COMMENT_HEADERS = ("budget", "option", "counted as", "limit", "actual", "headroom", "verdict")
MARKER = "bottlecalc check"  # the first line, as <!-- ... -->: a workflow finds its comment by it
COMMENT_CHANGES = 20  # rows of a budget's change table in the comment; the JSON lists them all
NO_BREAK = "\u00a0"  # a space a terminal never breaks a line at: the formula stays whole


def _columns(headers: tuple[str, ...]) -> tuple[doc.Column, ...]:
    return tuple(doc.Column(header, right=False) for header in headers)


def terminal(report: CheckReport) -> doc.Document:
    rows = [row for outcome in report.outcomes for row in terminal_rows(outcome)]
    tones = tuple((doc.Tone.PLAIN,) * (len(HEADERS) - 1) + (TONE[status],) for _, status in rows)
    sheet = doc.Sheet(_columns(HEADERS), tuple(cells for cells, _ in rows),
                      title="bottlecalc check", tones=tones)
    legend = CHECK_LEGEND.replace(HEADROOM_FORMULA, HEADROOM_FORMULA.replace(" ", NO_BREAK))
    return doc.Document((sheet,
                         doc.Prose(legend, doc.Kind.LEGEND),
                         doc.List(tuple(footnotes(report)), doc.Kind.TEXT)))


def terminal_rows(outcome: Outcome) -> list[tuple[tuple[str, ...], Status]]:
    budget = outcome.budget
    shown = "" if budget.target == budget.name else one_line(budget.target)  # CLI: name=target
    head = (one_line(budget.name), shown, shape_text(outcome.input))
    if outcome.error is not None:
        return [((*head, "—", "—", "—", "—", WORD[Status.ERROR]), Status.ERROR)]
    return [((*(head if i == 0 else ("", "", "")), v.metric.label, fmt(v.limit),
              fmt(v.actual), headroom_text(v), WORD[v.status]), v.status)
            for i, v in enumerate(outcome.verdicts)]


def footnotes(report: CheckReport) -> list[str]:
    """Each budget's facts (what carries an exceeded limit, what moved, what was
    measured...), a line each, named."""
    return [f"{one_line(outcome.budget.name)}: {fact}"
            for outcome in report.outcomes for fact in facts(outcome, report.baseline)]


def comment(report: CheckReport) -> doc.Document:
    with_baseline = report.baseline is not None
    headers = COMMENT_HEADERS + (("change since baseline",) if with_baseline else ())
    rows = [row for o in report.outcomes for row in comment_rows(o, with_baseline)]
    sections = [part for o in report.outcomes for part in section(o, report.baseline)]
    return doc.Document((extra.Comment(MARKER),
                         headline(report), doc.Sheet(_columns(headers), tuple(rows)), *sections,
                         doc.Prose(CHECK_LEGEND, doc.Kind.FOOTNOTE)))


def headline(report: CheckReport) -> extra.Heading:
    n = len(report.outcomes)
    failed = [one_line(o.budget.name) for o in report.outcomes
              if o.status in (Status.FAIL, Status.ERROR)]
    if failed:
        return extra.Heading(f"bottlecalc check: {len(failed)} of {n} budgets failed "
                           f"({', '.join(failed)})", level=3, good=False)
    return extra.Heading(f"bottlecalc check: {n} budget{'s' if n != 1 else ''} within budget",
                       level=3, good=True)


def comment_rows(outcome: Outcome, with_baseline: bool) -> list[tuple[str, ...]]:
    name = f"`{one_line(outcome.budget.name)}`"
    if outcome.error is not None:
        cells = (name, "—", "—", "—", "—", "—", f"{ICON[Status.ERROR]} {WORD[Status.ERROR]}")
        return [(*cells, *(("—",) if with_baseline else ()))]
    return [(name, f"`{v.metric.option}`", v.metric.label, fmt(v.limit), fmt(v.actual),
             headroom_text(v), f"{ICON[v.status]} {WORD[v.status]}",
             *((delta_cell(outcome, v),) if with_baseline else ()))
            for v in outcome.verdicts]


def delta_cell(outcome: Outcome, verdict: Verdict) -> str:
    """'+2,359,296 (was 11,689,512)', or why there is nothing to compare."""
    if outcome.baseline is None:
        return "new budget"
    before = outcome.baseline.totals.get(str(verdict.metric))
    if before is None:
        return "not in baseline"
    delta = verdict.actual - before
    return f"{delta:+,} (was {fmt(before)})" if delta else "no change"


def section(outcome: Outcome, baseline: str | None) -> list[doc.Block]:
    """One budget: what carries each exceeded quantity, what moved, the details."""
    parts: list[doc.Block] = [doc.Prose(
        f"**{one_line(outcome.budget.name)}** — {outcome.kind} "
        f"`{one_line(outcome.budget.target)}`, input {shape_text(outcome.input)}")]
    if outcome.error is not None:
        parts.append(doc.Prose(f"Could not be measured: {error_text(outcome.error)}"))
    parts += top_table(outcome) + change_table(outcome, baseline)
    details = [line for line in (measured_line(outcome), *detail_lines(outcome)) if line]
    if details:
        parts.append(extra.Details("details", (doc.List(tuple(details)),)))
    return parts


def top_table(outcome: Outcome) -> list[doc.Block]:
    if not outcome.top_modules:
        return []
    rows = tuple((f"`{t.name}`", t.metric, fmt(t.value), f"{t.share:.1%}")
                 for t in outcome.top_modules)
    return [doc.Prose("Modules that carry the exceeded counts:"),
            doc.Sheet(_columns(("module", "count", "value", "share of total")), rows)]


def change_table(outcome: Outcome, baseline: str | None) -> list[doc.Block]:
    changes = outcome.changes
    if baseline is None or outcome.baseline is None or not outcome.baseline.modules:
        return []
    if not changes:
        return [doc.Prose(f"No module's parameters or MACs changed since `{baseline}`.")]
    rows = tuple((f"`{c.module}`", c.metric, fmt(c.before), fmt(c.after), f"{c.delta:+,}")
                 for c in changes[:COMMENT_CHANGES])
    more = len(changes) - len(rows)
    tail = [doc.Prose(f"… and {more} more (see `--format json`)")] if more else []
    return [doc.Prose(f"Modules whose counts changed since `{baseline}`:"),
            doc.Sheet(_columns(("module", "count", "before", "after", "change")), rows), *tail]


def render_table(report: CheckReport, options: RenderOptions) -> str:
    return rich.render(terminal(report), options)


def render_markdown(report: CheckReport, options: RenderOptions) -> str:
    return markdown.render(comment(report), options)
