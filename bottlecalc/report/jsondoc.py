"""What every JSON document shares: its schema name and version (one place), the JSON Schema
that describes it (shipped in ``bottlecalc/schemas/``), the dump, and the per-layer record
``compare`` and ``network`` both print. Keys are a public contract (docs/json.md)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from bottlecalc.analytic import Layer
from bottlecalc.breakdown import ROOT
from bottlecalc.findings import Reconcile
from bottlecalc.report.reasons import reason
from bottlecalc.results import Counted, Measured, Routes, S
from bottlecalc.spec import InputShape, TensorSpec
from bottlecalc.timed import Machine, Roofline, Timing

# The version changes only when a key is removed or changes meaning (check 2: a max-macs
# check is held against the complete MAC count, no longer fvcore's).
SCHEMA_VERSIONS = {"compare": 1, "network": 1, "check": 2, "sweep": 1, "scaling": 1}


def header(command: str) -> dict[str, Any]:
    """``{"schema": "bottlecalc.<command>", "version": N}``: every document starts so."""
    return {"schema": f"bottlecalc.{command}", "version": SCHEMA_VERSIONS[command]}


def schema_file(command: str) -> str:
    """The JSON Schema's file name in ``bottlecalc/schemas/``: ``compare.v1.schema.json``."""
    return f"{command}.v{SCHEMA_VERSIONS[command]}.schema.json"


def schema_text(command: str) -> str:
    """The JSON Schema (draft 2020-12) of ``bottlecalc.<command>``, as shipped in the package."""
    path = resources.files("bottlecalc").joinpath("schemas", schema_file(command))
    return path.read_text(encoding="utf-8")


def input_dict(shape: InputShape) -> dict[str, int]:
    return {"batch": shape.batch, "height": shape.height, "width": shape.width}


def routes_dict(*, measured: bool, cross_checked: bool, all_agree: bool) -> dict[str, bool]:
    """Which routes ran, and whether every one that ran gave the analytic integer."""
    return {"measured": measured, "cross_checked": cross_checked, "all_agree": all_agree}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def layer_dict(layer: Layer) -> dict[str, Any]:
    return {
        "name": layer.name,
        "op": str(layer.op),
        "in_shape": list(layer.in_shape),
        "out_shape": list(layer.out_shape),
        "params": layer.params,
        "buffers": layer.buffers,
        "macs": layer.macs,
        "fvcore": layer.fvcore,
        "shortcut": layer.shortcut,
        "formula": layer.formula,
        "macs_formula": layer.macs_formula,
    }


def time_dict(timing: Timing | None) -> dict[str, Any] | None:
    """``--time``: one timed forward pass (null: not timed on its own)."""
    if timing is None:
        return None
    return {
        "median_s": timing.median_s, "iqr_s": timing.iqr_s, "runs": timing.runs,
        "threads": timing.threads, "device": timing.device, "dtype": timing.dtype,
        "gflops_per_s": timing.gflops_per_s, "noisy": timing.noisy,
    }


def roofline_or_null(roofline: Roofline | None) -> dict[str, Any] | None:
    return None if roofline is None else roofline_dict(roofline)


def roofline_dict(roofline: Roofline) -> dict[str, Any]:
    return {"intensity": roofline.intensity, "bound": str(roofline.bound),
            "predicted_s": roofline.predicted_s}


def machine_dict(machine: Machine) -> dict[str, Any]:
    """Where ``--time`` ran and the roofs it probed there."""
    return {
        "cpu": machine.cpu, "gpu": machine.gpu, "device": machine.device,
        "dtype": str(machine.dtype), "threads": machine.threads, "torch": machine.torch,
        "load_average": machine.load_average, "cpus": machine.cpus,
        "peak_gflops": machine.peak_gflops, "matmul_gflops": machine.matmul_gflops,
        "conv_gflops": machine.conv_gflops, "bandwidth_gbs": machine.bandwidth_gbs,
        "ridge_intensity": machine.ridge,
    }


def timed_header(machine: Machine | None, speedup: float | None) -> dict[str, Any]:
    """The document's ``machine`` and ``speedup``, only when something was timed."""
    return {} if machine is None else {"machine": machine_dict(machine), "speedup": speedup}


def timed_dict(result: Counted[S], machine: Machine | None) -> dict[str, Any]:
    """A block's or network's ``time`` and ``roofline``, only when it was timed."""
    if machine is None or result.timed is None:
        return {}
    return {"time": time_dict(result.timed.total),
            "roofline": roofline_dict(machine.roofline(result.layers))}


def add_timed_layers(rows: list[dict[str, Any]], result: Counted[S],
                     machine: Machine | None) -> None:
    """Give each per-layer row (one per layer of ``result``, in order) its ``time`` (null
    when not timed alone) and ``roofline``; nothing when not timed."""
    if machine is None or result.timed is None:
        return
    timings = result.layer_times or (None,) * len(result.layers)
    for row, layer, t in zip(rows, result.layers, timings, strict=True):
        row.update(time=time_dict(t), roofline=roofline_dict(machine.roofline((layer,))))


def add_train(entry: dict[str, Any], result: Routes) -> None:
    """``--pass train``: a training step's FLOPs beside the forward figures, and whether
    FlopCounterMode's count of it agrees with the closed form."""
    entry["flops"]["train"] = {"analytic": result.counts.train_flops,
                               "torch": result.measured.train_flops}
    entry["agree"]["train"] = result.train_agree


def tensor_dict(name: str, tensor: TensorSpec) -> dict[str, Any]:
    """One tensor fed to a model: its position ('0') or keyword, shape and dtype."""
    return {"name": name, "shape": list(tensor.shape), "dtype": tensor.dtype}


def reconcile_dict(r: Reconcile) -> dict[str, Any]:
    return {"engine": r.engine, "op": r.op, "macs": r.macs, "reason": reason(r),
            "count": r.count, "modules": list(r.modules), "explained": r.explained}


def unknown_ops(measured: Measured) -> list[dict[str, Any]]:
    """The ops no formula counts: each with its module and the parameters it read."""
    return [{"op": u.op, "module": u.module, "params": list(u.params), "count": u.count}
            for u in measured.unknown_ops]


def modules_list(measured: Measured) -> list[dict[str, Any]]:
    """Every module that holds parameters or does MACs itself (not in a child): the
    per-module record a later ``--baseline`` compares against."""
    return [{"name": m.name or ROOT, "kind": m.kind, "params": m.params, "macs": m.macs}
            for m in measured.modules if m.params or m.macs]


def share(part: int, whole: int | None) -> float:
    """``part`` as a fraction of ``whole``, to 6 places (0 when the whole is 0)."""
    return round(part / whole, 6) if whole else 0.0
