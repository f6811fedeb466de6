"""``check --format json`` (schema ``bottlecalc.check``, documented in docs/ci.md)."""

from __future__ import annotations

from typing import Any

from bottlecalc.budget.baseline import Change
from bottlecalc.budget.blame import TopModule
from bottlecalc.budget.model import ENGINES, CheckReport, Metric, Outcome, Status, Verdict
from bottlecalc.report.check.words import error_text, warning_texts
from bottlecalc.report.jsondoc import (
    dumps,
    header,
    modules_list,
    reconcile_dict,
    tensor_dict,
    unknown_ops,
)
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import Measured


def render(report: CheckReport, options: RenderOptions) -> str:
    return dumps(report_dict(report))


def report_dict(report: CheckReport) -> dict[str, Any]:
    return {
        **header("check"),
        "source": report.source,
        "exit_code": report.exit_code,
        "baseline": report.baseline,
        "summary": {str(s): report.count(s) for s in Status},
        "engines": {m.option: ENGINES[m] for m in Metric},
        "budgets": [outcome_dict(o) for o in report.outcomes],
    }


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    m = outcome.measurement
    return {
        "name": outcome.budget.name,
        "target": outcome.budget.target,
        "kind": outcome.kind,
        "input": list(outcome.input),
        "status": str(outcome.status),
        "tolerance_pct": float(outcome.budget.tolerance),
        "error": None if outcome.error is None else error_text(outcome.error),
        "checks": [verdict_dict(v) for v in outcome.verdicts],
        "inputs": [] if m is None else [tensor_dict(n, t) for n, t in m.inputs],
        "measured": None if m is None else measured_dict(m),
        "analytic": None if outcome.analytic is None else dict(outcome.analytic),
        "fvcore_unsupported": {} if m is None else dict(m.fvcore_unsupported),
        "reconcile": [] if m is None else [reconcile_dict(r) for r in m.reconcile],
        "top_modules": [top_dict(t) for t in outcome.top_modules],
        "baseline": baseline_dict(outcome),
        "changes": [change_dict(c) for c in outcome.changes],
        "modules": [] if m is None else modules_list(m),
        "warnings": warning_texts(outcome),
        "notes": [] if m is None else list(m.notes),
    }


def measured_dict(m: Measured) -> dict[str, Any]:
    return {
        "params": m.params, "trainable_params": m.trainable, "buffers": m.buffers,
        "macs_fvcore": m.fvcore, "flops_torch": m.torch_flops, "flops_device": m.torch_device,
        "macs": m.macs,
        "macs_routes": {"torch": None if m.torch_flops is None else m.torch_flops // 2,
                        "ops": m.macs_ops, "modules": m.macs_modules, "fvcore": m.fvcore},
        "params_unused": m.params_unused, "unused_modules": list(m.unused_modules),
        "unknown_ops": unknown_ops(m),
        "flops_train": m.train_flops,
        "decode_context": m.decode_context, "decode_macs": m.decode_macs,
        "kv_bytes": m.kv_bytes,
    }


def verdict_dict(v: Verdict) -> dict[str, Any]:
    return {
        "metric": str(v.metric),
        "option": v.metric.option,
        "engine": v.engine,
        "limit": v.limit,
        "actual": v.actual,
        "headroom_pct": v.headroom_pct,
        "status": str(v.status),
    }


def top_dict(top: TopModule) -> dict[str, Any]:
    return {"name": top.name, "metric": top.metric, "value": top.value,
            "share": round(top.share, 6)}


def change_dict(change: Change) -> dict[str, Any]:
    return {"module": change.module, "metric": change.metric, "before": change.before,
            "after": change.after, "delta": change.delta}


def baseline_dict(outcome: Outcome) -> dict[str, Any] | None:
    """The same budget's totals in the baseline, and now (null: no baseline, or the budget
    is not in it)."""
    if outcome.baseline is None or outcome.measurement is None:
        return None
    return {"totals": {c.metric: {"before": c.before, "after": c.after, "delta": c.delta}
                       for c in outcome.baseline_totals}}
