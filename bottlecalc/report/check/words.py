"""Words every ``check`` format shares, so the table, annotations and JUnit agree."""

from __future__ import annotations

from bottlecalc.analytic import fmt
from bottlecalc.budget.model import CheckReport, Outcome, Status, Verdict
from bottlecalc.report.numbers import exact, shape_text
from bottlecalc.report.words import complete_line, reconcile_lines, unused_line

WORD = {
    Status.PASS: "within budget",
    Status.TOLERATED: "over budget, within tolerance",
    Status.FAIL: "BUDGET EXCEEDED",
    Status.ERROR: "NOT MEASURED",
}


def headroom_text(verdict: Verdict) -> str:
    """'14.81% headroom' or '2.79% over'."""
    pct = verdict.headroom_pct
    return f"{pct:.2f}% headroom" if pct >= 0 else f"{-pct:.2f}% over"


def verdict_line(verdict: Verdict) -> str:
    """'MACs (fvcore, 1 per multiply-add) 4,111,512,576 vs max-macs 4,000,000,000: 2.79% over'."""
    line = (f"{verdict.engine} {fmt(verdict.actual)} vs {verdict.metric.option} "
            f"{fmt(verdict.limit)}: {headroom_text(verdict)}")
    if verdict.status is Status.TOLERATED:
        line += f" (tolerance {float(verdict.tolerance):g}%)"
    return line


def title(outcome: Outcome) -> str:
    """'resnet50 (preset resnet50, input 1x3x224x224)'."""
    return (f"{outcome.budget.name} ({outcome.kind} {outcome.budget.target}, "
            f"input {shape_text(outcome.input)})")


def measured_line(outcome: Outcome) -> str | None:
    """'measured: 1,570 parameters (1,354 trainable); complete 514,336 MACs = ...; fvcore
    536,736 MACs'."""
    m = outcome.measurement
    if m is None:
        return None
    parts = [f"{exact(m.params)} parameters ({exact(m.trainable)} trainable)"]
    if (complete := complete_line(m)) is not None:
        parts.append(complete)
    if m.fvcore is not None:
        parts.append(f"fvcore {fmt(m.fvcore)} MACs")
    return "measured: " + "; ".join(parts)


def detail_lines(outcome: Outcome) -> list[str]:
    """How the routes differ, unused parameters, warnings and notes: a fact a line."""
    m = outcome.measurement
    if m is None:
        return [f"warning: {w}" for w in outcome.warnings]
    lines = reconcile_lines(m)
    if (unused := unused_line(m)) is not None:
        lines.append(unused)
    lines.extend(f"warning: {w}" for w in outcome.warnings)
    lines.extend(f"note: {n}" for n in m.notes)
    return lines


def outcome_lines(outcome: Outcome) -> list[str]:
    """The verdicts and any error, what was measured, and the details: a fact a line."""
    lines = [verdict_line(v) for v in outcome.verdicts]
    if outcome.error is not None:
        lines.append(f"could not be measured: {outcome.error}")
    if (measured := measured_line(outcome)) is not None:
        lines.append(measured)
    return lines + detail_lines(outcome)


def summary(report: CheckReport) -> str:
    """The stderr line: 'bottlecalc check: 3 budgets: 2 within, 1 exceeded (resnet50)'."""
    n = len(report.outcomes)
    parts = [f"{report.count(Status.PASS)} within"]
    for status, word in ((Status.TOLERATED, "tolerated"), (Status.FAIL, "exceeded"),
                         (Status.ERROR, "not measured")):
        names = [o.budget.name for o in report.outcomes if o.status is status]
        if names:
            parts.append(f"{len(names)} {word} ({', '.join(names)})")
    verdict = "FAILED" if report.exit_code else "ok"
    return f"bottlecalc check: {verdict}: {n} budget{'s' if n != 1 else ''}: {', '.join(parts)}"
