"""``network TARGET --format json`` for a user's model (schema ``bottlecalc.network``).

The document has the presets' shape: a header, the routes, ``conventions`` and one entry
in ``networks``, whose ``kind`` is ``"model"``. Its ``breakdown`` holds the rows asked for
(``--depth``, ``--sort``, ``--top``) and ``(other)``, which sum to the totals; its
``modules`` holds every module's own counts, what ``check --baseline`` compares.
``bottlecalc.count(model).to_dict()`` returns this same document.
"""

from __future__ import annotations

from typing import Any

from bottlecalc.breakdown import ModelReport, ModelResult, ModuleRow
from bottlecalc.report.conventions import MODEL_CONVENTIONS
from bottlecalc.report.jsondoc import (
    dumps,
    header,
    modules_list,
    reconcile_dict,
    roofline_or_null,
    routes_dict,
    share,
    tensor_dict,
    time_dict,
    timed_header,
    unknown_ops,
)
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import Machine, Roofline, Timing


def render(report: ModelReport, options: RenderOptions) -> str:
    return dumps(report_dict(report))


def report_dict(report: ModelReport) -> dict[str, Any]:
    """The whole document for one model."""
    measured = report.result.measured
    return {
        **header("network"),
        "depth": report.depth,
        "sort": str(report.sort),
        "top": report.top,
        "pass": "train" if report.train else "forward",
        **routes_dict(measured=True, cross_checked=True, all_agree=measured.unexplained == 0),
        **timed_header(report.machine, report.speedup),
        "conventions": MODEL_CONVENTIONS,
        "networks": [model_dict(report)],
    }


def model_dict(report: ModelReport) -> dict[str, Any]:
    """The model's entry of ``networks``: totals by every route, rows, modules, reasons."""
    result, m = report.result, report.result.measured
    flops: dict[str, Any] = {"torch": m.torch_flops, "torch_device": m.torch_device}
    if report.train:
        flops["train"] = {"torch": m.train_flops}
    return {
        "name": result.name,
        "kind": "model",
        "inputs": [tensor_dict(name, t) for name, t in m.inputs],
        "params": {"total": m.params, "trainable": m.trainable, "buffers": m.buffers,
                   "unused": m.params_unused},
        "macs": {"complete": m.macs, **macs_routes(result)},
        "flops": flops,
        "breakdown": [row_dict(row, result, report.machine) for row in report.rows],
        "modules": modules_list(m),
        "unused_modules": list(m.unused_modules),
        "unknown_ops": unknown_ops(m),
        "fvcore_unsupported": dict(m.fvcore_unsupported),
        "reconcile": [reconcile_dict(r) for r in m.reconcile],
        "notes": list(m.notes),
        "warnings": list(m.warnings),
        **timed_keys(result.timed.total if result.timed else None, result.roofline,
                     report.machine),
    }


def timed_keys(time: Timing | None, roofline: Roofline | None,
               machine: Machine | None) -> dict[str, Any]:
    """--time: ``time`` and ``roofline`` of the model or a row (null: not timed); without
    --time (no ``machine``) neither key."""
    if machine is None:
        return {}
    return {"time": time_dict(time), "roofline": roofline_or_null(roofline)}


def macs_routes(result: ModelResult) -> dict[str, int | None]:
    m = result.measured
    torch = None if m.torch_flops is None else m.torch_flops // 2
    return {"torch": torch, "ops": m.macs_ops, "modules": m.macs_modules, "fvcore": m.fvcore}


def row_dict(row: ModuleRow, result: ModelResult,
             machine: Machine | None = None) -> dict[str, Any]:
    """One breakdown row: its subtree's counts and their share of the model's totals; with
    --time (a ``machine``) its calls' time and roofline."""
    roofline = None if machine is None else row.roofline(machine)
    return {
        "name": row.name, "kind": row.kind, "params": row.params, "macs": row.macs,
        "flops": row.flops, "fvcore": row.fvcore,
        "share": {"params": share(row.params, result.params),
                  "macs": share(row.macs, result.macs)},
        **timed_keys(row.time, roofline, machine),
    }
