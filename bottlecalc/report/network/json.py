"""``network --format json`` (schema ``bottlecalc.network``, docs/network.md).

Presets: the networks side by side. A user's model: the presets' document shape, a header,
the routes, ``conventions`` and one entry in ``networks``, whose ``kind`` is ``"model"``. Its
``breakdown`` holds the rows asked for (``--depth``, ``--sort``, ``--top``) and ``(other)``,
which sum to the totals; its ``modules`` holds every module's own counts, what ``check
--baseline`` compares. ``bottlecalc.count(model).to_dict()`` returns this same document.
"""

from __future__ import annotations

from typing import Any

from bottlecalc.analytic import DType, Traffic
from bottlecalc.breakdown import (
    By,
    Depth,
    KindRow,
    ModelResult,
    ModuleRow,
    NetworkReport,
    preset_rows,
)
from bottlecalc.report import jsondoc
from bottlecalc.report.glossary import MODEL_CONVENTIONS, NETWORK_CONVENTIONS
from bottlecalc.report.jsondoc import (
    header,
    input_dict,
    layer_dict,
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
from bottlecalc.report.reasons import warning_lines
from bottlecalc.results import NetworkResult
from bottlecalc.spec import NetworkSpec, StrideOn
from bottlecalc.timed import Machine, Roofline, Timing


def networks_dict(view: NetworkReport) -> dict[str, Any]:
    """The whole ``bottlecalc network --format json`` document for presets; ``--depth
    block|layer`` adds a ``breakdown`` list to each network."""
    return {
        **header("network"),
        "input": input_dict(view.shape),
        "dtype": str(view.dtype),
        "depth": str(view.depth),
        **routes_dict(measured=view.measured, cross_checked=view.cross_checked,
                      all_agree=view.all_agree),
        **jsondoc.timed_header(view.machine, view.speedup),
        "conventions": NETWORK_CONVENTIONS,
        "networks": [network_dict(r, view) for r in view.results],
    }


def network_dict(result: NetworkResult, view: NetworkReport) -> dict[str, Any]:
    """One entry of ``networks``; with ``--time`` (a ``machine``) also ``time`` and
    ``roofline``, and at ``--depth layer`` both for every layer of ``breakdown``; with
    ``--pass train`` also ``flops.train``."""
    c, m, dtype = result.counts, result.measured, view.dtype
    complete = bool(m.modules)  # --cross-check: each row's count by the complete route too
    entry: dict[str, Any] = {
        "name": result.name,
        "spec": spec_dict(result.spec),
        "params": {"total": c.total, "buffers": c.buffers, "instantiated": m.params},
        "macs": {"conv": c.macs, "analytic": c.fvcore, "fvcore": m.fvcore,
                 "v1": result.v1_macs},
        "flops": {"analytic": c.flops, "torch": m.torch_flops, "torch_device": m.torch_device},
        "agree": {"params": result.params_agree, "fvcore": result.fvcore_agree,
                  "torch": result.torch_agree},
        "fvcore_unsupported": dict(m.fvcore_unsupported),
        "memory": traffic_dict(result.traffic(dtype)),
        "notes": list(m.notes),
        "stages": [group_dict(row, dtype, complete)
                   for row in preset_rows(result, Depth.STAGE)],
    }
    if view.depth in (Depth.BLOCK, Depth.LAYER):
        entry["breakdown"] = [group_dict(row, dtype, complete) for row in view.rows(result)]
    if view.train:
        jsondoc.add_train(entry, result)
    entry.update(jsondoc.timed_dict(result, view.machine))
    if view.depth is Depth.LAYER:
        jsondoc.add_timed_layers(entry["breakdown"], result, view.machine)
    return entry


def spec_dict(spec: NetworkSpec) -> dict[str, Any]:
    return {
        "block": str(spec.block), "layers": list(spec.layers), "width": spec.width,
        "groups": spec.groups, "width_per_group": spec.width_per_group,
        "expansion": spec.block_expansion, "num_classes": spec.num_classes,
        "variant": "v1" if spec.stride_on is StrideOn.CONV1X1 else "v1.5",
    }


def traffic_dict(t: Traffic) -> dict[str, Any]:
    return {
        "weight_bytes": t.weight_bytes, "input_bytes": t.input_bytes,
        "output_bytes": t.output_bytes, "intensity": round(t.intensity, 4),
    }


def group_dict(row: ModuleRow, dtype: DType, complete: bool = False) -> dict[str, Any]:
    """A preset's row: the closed-form counts of its layers (one layer: its op and shapes);
    with the ``complete`` count, what it found in the row's modules (null: no module)."""
    c = row.counts
    entry: dict[str, Any] = {
        "name": row.name,
        "params": {"total": c.total, "buffers": c.buffers},
        "macs": {"conv": c.macs, "analytic": c.fvcore},
        "flops": {"analytic": c.flops},
        "memory": traffic_dict(row.traffic(dtype)),
    }
    if row.layer is not None:
        layer = layer_dict(row.layer)
        entry.update({key: layer[key] for key in ("op", "in_shape", "out_shape", "formula")})
    if complete:
        entry["measured"] = None if row.measured is None else \
            {"params": row.measured[0], "macs": row.measured[1]}
    return entry


# --- A user's model ---


def report_dict(report: NetworkReport) -> dict[str, Any]:
    """The whole document for one model."""
    measured = report.result.measured
    return {
        **header("network"),
        "depth": report.depth,
        "sort": str(report.sort),
        "top": report.top,
        "pass": "train" if report.train else "forward",
        **routes_dict(measured=True, cross_checked=True, all_agree=measured.unexplained == 0),
        **timed_header(report.machine, None),  # one model: no speedup
        "conventions": MODEL_CONVENTIONS,
        "networks": [model_dict(report)],
    }


def model_dict(report: NetworkReport) -> dict[str, Any]:
    """The model's entry of ``networks``: totals by every route, rows, modules, reasons."""
    result, m = report.result, report.result.measured
    torch = None if m.torch_flops is None else m.torch_flops // 2
    flops: dict[str, Any] = {"torch": m.torch_flops, "torch_device": m.torch_device}
    if report.train:
        flops["train"] = {"torch": m.train_flops}
    return {
        "name": result.name,
        "kind": "model",
        "inputs": [tensor_dict(name, t) for name, t in m.inputs],
        "params": {"total": m.params, "trainable": m.trainable, "buffers": m.buffers,
                   "unused": m.params_unused},
        "macs": {"complete": m.macs, "torch": torch, "ops": m.macs_ops,
                 "modules": m.macs_modules, "fvcore": m.fvcore},
        "flops": flops,
        "breakdown": [row_dict(row, result, report.machine) for row in report.rows(result)],
        **({"by_kind": [kind_dict(row, result) for row in result.by_kind()]}
           if report.by is By.KIND else {}),
        "modules": modules_list(m),
        "unused_modules": list(m.unused_modules),
        "unknown_ops": unknown_ops(m),
        "fvcore_unsupported": dict(m.fvcore_unsupported),
        "reconcile": [reconcile_dict(r) for r in m.reconcile],
        "notes": list(m.notes),
        "warnings": warning_lines(m),
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
        **marks(row),
    }


def marks(row: ModuleRow) -> dict[str, Any]:
    """Only where they apply: ``instances`` (identical siblings in one row), ``tied`` (the
    modules sharing its parameters), ``parents`` (parents holding its module object)."""
    return {**({"instances": row.instances} if row.instances > 1 else {}),
            **({"tied": list(row.tied)} if row.tied else {}),
            **({"parents": row.parents} if row.parents > 1 else {})}


def kind_dict(row: KindRow, result: ModelResult) -> dict[str, Any]:
    """One module class (--by kind): its instances and their counts, shares of the totals."""
    return {"kind": row.kind, "instances": row.instances, "params": row.params,
            "macs": row.macs, "flops": row.flops, "fvcore": row.fvcore,
            "share": {"params": share(row.params, result.params),
                      "macs": share(row.macs, result.macs)}}
