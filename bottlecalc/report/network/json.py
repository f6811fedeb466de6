"""``network --format json`` (schema ``bottlecalc.network``, docs/network.md)."""

from __future__ import annotations

from typing import Any

from bottlecalc.analytic import DType, Traffic, traffic, v1_macs
from bottlecalc.report import jsondoc
from bottlecalc.report.conventions import NETWORK_CONVENTIONS
from bottlecalc.report.jsondoc import dumps, header, input_dict, layer_dict, routes_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import Depth, LayerGroup, Machine, NetworkReport, NetworkResult, breakdown
from bottlecalc.spec import NetworkSpec, StrideOn


def render(view: NetworkReport, options: RenderOptions) -> str:
    """Pretty JSON; ``--depth block|layer`` adds a ``breakdown`` list to each network."""
    return dumps(networks_dict(view))


def networks_dict(view: NetworkReport) -> dict[str, Any]:
    """The whole ``bottlecalc network --format json`` document."""
    return {
        **header("network"),
        "input": input_dict(view.shape),
        "dtype": str(view.dtype),
        "depth": str(view.depth),
        **routes_dict(measured=view.measured, cross_checked=view.cross_checked,
                      all_agree=view.all_agree),
        **jsondoc.timed_header(view.machine, view.speedup),
        "conventions": NETWORK_CONVENTIONS,
        "networks": [network_dict(r, dtype=view.dtype, depth=view.depth, machine=view.machine,
                                  train=view.train) for r in view.results],
    }


def network_dict(result: NetworkResult, *, dtype: DType, depth: Depth,
                 machine: Machine | None = None, train: bool = False) -> dict[str, Any]:
    """One entry of ``networks``; with ``--time`` (a ``machine``) also ``time`` and
    ``roofline``, and at ``--depth layer`` both for every layer of ``breakdown``; with
    ``--pass train`` also ``flops.train``."""
    entry = counted_dict(result, dtype=dtype, depth=depth)
    if train:
        jsondoc.add_train(entry, result)
    entry.update(jsondoc.timed_dict(result, machine))
    if depth is Depth.LAYER:
        jsondoc.add_timed_layers(entry["breakdown"], result, machine)
    return entry


def counted_dict(result: NetworkResult, *, dtype: DType, depth: Depth) -> dict[str, Any]:
    """One entry of ``networks``, its counts alone."""
    c, m = result.counts, result.measured
    entry: dict[str, Any] = {
        "name": result.name,
        "spec": spec_dict(result.spec),
        "params": {"total": c.total, "buffers": c.buffers, "instantiated": m.params},
        "macs": {"conv": c.macs, "analytic": c.fvcore, "fvcore": m.fvcore,
                 "v1": v1_macs(result.spec, result.shape)},
        "flops": {"analytic": c.flops, "torch": m.torch_flops, "torch_device": m.torch_device},
        "agree": {"params": result.params_agree, "fvcore": result.fvcore_agree,
                  "torch": result.torch_agree},
        "fvcore_unsupported": dict(m.fvcore_unsupported),
        "memory": traffic_dict(traffic(result.layers, dtype)),
        "notes": list(m.notes),
        "stages": [group_dict(g, dtype) for g in breakdown(result.layers, Depth.STAGE)],
    }
    if depth in (Depth.BLOCK, Depth.LAYER):
        entry["breakdown"] = [group_dict(g, dtype) for g in breakdown(result.layers, depth)]
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


def group_dict(group: LayerGroup, dtype: DType) -> dict[str, Any]:
    c = group.counts
    row: dict[str, Any] = {
        "name": group.name,
        "params": {"total": c.total, "buffers": c.buffers},
        "macs": {"conv": c.macs, "analytic": c.fvcore},
        "flops": {"analytic": c.flops},
        "memory": traffic_dict(group.traffic(dtype)),
    }
    if len(group.layers) == 1:
        layer = layer_dict(group.layers[0])
        row.update({key: layer[key] for key in ("op", "in_shape", "out_shape", "formula")})
    return row
