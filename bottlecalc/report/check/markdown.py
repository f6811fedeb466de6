"""``check --format markdown``: a summary to post as a pull-request comment.

A headline, one table row per limit (with the change since ``--baseline``), then for each
budget the modules that carry an exceeded limit and the modules whose counts moved, and
the details in a collapsed block. Numbers are exact; module names are code spans.
"""

from __future__ import annotations

from bottlecalc.budget.model import CheckReport, Outcome, Status, Verdict
from bottlecalc.budget.text import one_line
from bottlecalc.report.check.words import WORD, detail_lines, headroom_text, measured_line
from bottlecalc.report.glossary import CHECK_LEGEND
from bottlecalc.report.markdown import table
from bottlecalc.report.numbers import fmt, shape_text
from bottlecalc.report.render import RenderOptions

ICON = {Status.PASS: "✅", Status.TOLERATED: "⚠️", Status.FAIL: "❌", Status.ERROR: "❌"}
SHOWN_CHANGES = 20  # rows of a budget's change table; the JSON lists them all
HEADER = ["budget", "option", "counted as", "limit", "actual", "headroom", "verdict"]


MARKER = "<!-- bottlecalc check -->"  # lets a workflow find and update its own comment


def render(report: CheckReport, options: RenderOptions) -> str:
    lines = [MARKER, headline(report), ""]
    header = HEADER + (["change since baseline"] if report.baseline else [])
    rows = [row for o in report.outcomes for row in rows_of(o, report.baseline is not None)]
    lines += table(header, rows)
    for outcome in report.outcomes:
        lines += sections(outcome, report.baseline)
    lines += ["", f"<sub>{CHECK_LEGEND}</sub>"]
    return "\n".join(lines) + "\n"


def headline(report: CheckReport) -> str:
    n = len(report.outcomes)
    failed = [one_line(o.budget.name) for o in report.outcomes
              if o.status in (Status.FAIL, Status.ERROR)]
    if failed:
        return f"### ❌ bottlecalc check: {len(failed)} of {n} budgets failed ({', '.join(failed)})"
    return f"### ✅ bottlecalc check: {n} budget{'s' if n != 1 else ''} within budget"


def rows_of(outcome: Outcome, with_baseline: bool) -> list[list[str]]:
    name = f"`{one_line(outcome.budget.name)}`"
    if outcome.error is not None:
        row = [name, "—", "—", "—", "—", "—", f"{ICON[Status.ERROR]} {WORD[Status.ERROR]}"]
        return [row + (["—"] if with_baseline else [])]
    return [[name, f"`{v.metric.option}`", v.metric.label, fmt(v.limit), fmt(v.actual),
             headroom_text(v), f"{ICON[v.status]} {WORD[v.status]}"]
            + ([delta_cell(outcome, v)] if with_baseline else []) for v in outcome.verdicts]


def delta_cell(outcome: Outcome, verdict: Verdict) -> str:
    """'+2,359,296 (11,689,512 before)', or why there is nothing to compare."""
    if outcome.baseline is None:
        return "new budget"
    before = outcome.baseline.totals.get(str(verdict.metric))
    if before is None:
        return "not in baseline"
    delta = verdict.actual - before
    return f"{delta:+,} (was {fmt(before)})" if delta else "no change"


def sections(outcome: Outcome, baseline: str | None) -> list[str]:
    """What carries each exceeded quantity, what moved, and the details of one budget."""
    lines = ["", f"**{one_line(outcome.budget.name)}** — {outcome.kind} "
             f"`{one_line(outcome.budget.target)}`, "
             f"input {shape_text(outcome.input)}"]
    if outcome.error is not None:
        lines += ["", f"Could not be measured: {outcome.error}"]
    lines += top_table(outcome) + change_table(outcome, baseline)
    details = [line for line in (measured_line(outcome), *detail_lines(outcome)) if line]
    if details:
        lines += ["", "<details><summary>details</summary>", "",
                  *(f"- {line}" for line in details), "", "</details>"]
    return lines


def top_table(outcome: Outcome) -> list[str]:
    if not outcome.top_modules:
        return []
    rows = [[f"`{t.name}`", t.metric, fmt(t.value), f"{t.share:.1%}"]
            for t in outcome.top_modules]
    return ["", "Modules that carry the exceeded counts:", "",
            *table(["module", "count", "value", "share of total"], rows)]


def change_table(outcome: Outcome, baseline: str | None) -> list[str]:
    changes = outcome.changes
    if baseline is None or outcome.baseline is None or not outcome.baseline.modules:
        return []
    if not changes:
        return ["", f"No module's parameters or MACs changed since `{baseline}`."]
    rows = [[f"`{c.module}`", c.metric, fmt(c.before), fmt(c.after), f"{c.delta:+,}"]
            for c in changes[:SHOWN_CHANGES]]
    more = len(changes) - len(rows)
    tail = ["", f"… and {more} more (see `--format json`)"] if more else []
    return ["", f"Modules whose counts changed since `{baseline}`:", "",
            *table(["module", "count", "before", "after", "change"], rows), *tail]
