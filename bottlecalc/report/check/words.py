"""Words every ``check`` format shares, so the table, annotations and JUnit agree."""

from __future__ import annotations

from bottlecalc.budget.baseline import Change
from bottlecalc.budget.blame import RANKED_BY, TopModule
from bottlecalc.budget.model import (
    CheckReport,
    Disagreement,
    Incomplete,
    Metric,
    Outcome,
    Status,
    Verdict,
)
from bottlecalc.budget.text import one_line
from bottlecalc.report.numbers import exact, fmt, shape_text
from bottlecalc.report.reasons import disagreement_text, incomplete_text, warning_lines
from bottlecalc.report.words import (
    complete_line,
    reconcile_lines,
    train_ratio_line,
    unused_line,
)
from bottlecalc.results import Measured

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
    return (f"{one_line(outcome.budget.name)} ({outcome.kind} {one_line(outcome.budget.target)}, "
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
    parts.extend(line for line in (train_ratio_line(m), _decode_text(m)) if line is not None)
    return "measured: " + "; ".join(parts)


def _decode_text(m: Measured) -> str | None:
    """'a decoding step at context 100: 177,920 MACs, KV cache 25,600 bytes'."""
    if m.decode_context is None or m.decode_macs is None or m.kv_bytes is None:
        return None
    return (f"a decoding step at context {fmt(m.decode_context)}: {fmt(m.decode_macs)} MACs, "
            f"KV cache {fmt(m.kv_bytes)} bytes")


def detail_lines(outcome: Outcome) -> list[str]:
    """How the routes differ, unused parameters, warnings and notes: a fact a line."""
    m = outcome.measurement
    if m is None:
        return [f"warning: {w}" for w in outcome.warnings]
    lines = reconcile_lines(m)
    if (unused := unused_line(m)) is not None:
        lines.append(unused)
    lines.extend(f"warning: {w}" for w in warning_texts(outcome))
    lines.extend(f"note: {n}" for n in m.notes)
    return lines


def error_text(error: str | Disagreement | Incomplete) -> str:
    """A budget's error as a sentence: a tool's message as it is, a gap in the count worded."""
    if isinstance(error, str):
        return error
    return disagreement_text(error) if isinstance(error, Disagreement) else incomplete_text(error)


def warning_texts(outcome: Outcome) -> list[str]:
    """The measurement's warnings, worded from its data, then the closed form's."""
    m = outcome.measurement
    return [*([] if m is None else warning_lines(m)), *outcome.warnings]


SHOWN_CHANGES = 10  # text formats list this many moved modules; JSON lists them all


def top_lines(outcome: Outcome, metric: Metric | None = None) -> list[str]:
    """'most params: layer4.1.conv2 2,359,296 (20.2%), ...': what carries each exceeded
    quantity (or only ``metric``'s), one line per quantity."""
    by_metric: dict[str, list[TopModule]] = {}
    for top in outcome.top_modules:
        if metric is None or top.metric == RANKED_BY.get(metric):
            by_metric.setdefault(top.metric, []).append(top)
    return [f"most {metric}: " + ", ".join(f"{t.name} {fmt(t.value)} ({t.share:.1%})"
                                          for t in tops)
            for metric, tops in by_metric.items()]


def change_text(change: Change) -> str:
    """'layer4.2.conv2 +2,359,296 params (0 -> 2,359,296)'."""
    return (f"{change.module} {change.delta:+,} {change.metric} "
            f"({fmt(change.before)} -> {fmt(change.after)})")


def baseline_lines(outcome: Outcome, source: str | None) -> list[str]:
    """The totals before and after, then the modules whose counts moved (largest first)."""
    if source is None or outcome.measurement is None:
        return []
    if outcome.baseline is None:
        return [f"baseline: no budget named {one_line(repr(outcome.budget.name))} in "
                f"{one_line(source)} (new)"]
    totals = "; ".join(f"{c.metric} {fmt(c.before)} -> {fmt(c.after)} ({c.delta:+,})"
                       for c in outcome.baseline_totals)
    lines = [f"against {one_line(source)}: {totals or 'no totals to compare'}"]
    shown = outcome.changes[:SHOWN_CHANGES]
    if shown:
        more = len(outcome.changes) - len(shown)
        lines.append("changed: " + "; ".join(map(change_text, shown))
                     + (f"; and {more} more (see --format json)" if more else ""))
    elif outcome.baseline.modules:
        lines.append("changed: no module's parameters or MACs")
    else:
        lines.append(f"changed: {source} has totals only for it, no per-module counts")
    return lines


def facts(outcome: Outcome, baseline: str | None = None) -> list[str]:
    """Why it was not measured, what carries an exceeded limit, what moved since the
    baseline, what was measured, and the details: a fact a line."""
    error = [] if outcome.error is None else [
        f"could not be measured: {one_line(error_text(outcome.error))}"]
    measured = measured_line(outcome)
    return [*error, *top_lines(outcome), *baseline_lines(outcome, baseline),
            *([] if measured is None else [measured]), *detail_lines(outcome)]


def outcome_text(outcome: Outcome, baseline: str | None = None) -> str:
    """The budget's :func:`title`, its verdicts, then the :func:`facts`: a line each (a
    GitHub annotation's message, a JUnit case's details)."""
    verdicts = [verdict_line(v) for v in outcome.verdicts]
    return "\n".join([title(outcome), *verdicts, *facts(outcome, baseline)])


def summary(report: CheckReport) -> str:
    """The stderr line: 'bottlecalc check: 3 budgets: 2 within, 1 exceeded (resnet50)'."""
    n = len(report.outcomes)
    parts = [f"{report.count(Status.PASS)} within"]
    for status, word in ((Status.TOLERATED, "tolerated"), (Status.FAIL, "exceeded"),
                         (Status.ERROR, "not measured")):
        names = [one_line(o.budget.name) for o in report.outcomes if o.status is status]
        if names:
            parts.append(f"{len(names)} {word} ({', '.join(names)})")
    verdict = "FAILED" if report.exit_code else "ok"
    return f"bottlecalc check: {verdict}: {n} budget{'s' if n != 1 else ''}: {', '.join(parts)}"
