"""``compare --format json`` (schema ``bottlecalc.compare``, docs/json.md)."""

from __future__ import annotations

from typing import Any

from bottlecalc.report import jsondoc
from bottlecalc.report.compare.words import note_text
from bottlecalc.report.glossary import CONVENTIONS
from bottlecalc.report.jsondoc import dumps, header, input_dict, layer_dict, routes_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import BlockResult, CompareResult
from bottlecalc.spec import YOLO_DEFAULTS, YoloKind
from bottlecalc.timed import Machine


def render(result: CompareResult, options: RenderOptions) -> str:
    """Pretty JSON; per-layer rows are always included (``explain`` changes nothing)."""
    return dumps(compare_dict(result))


def compare_dict(result: CompareResult) -> dict[str, Any]:
    return {
        **header("compare"),
        "input": input_dict(result.shape),
        **routes_dict(measured=result.measured, cross_checked=result.cross_checked,
                      all_agree=result.all_agree),
        "ratios": {key: round(value, 4) for key, value in result.ratios().items()},
        **jsondoc.timed_header(result.machine, result.speedup),
        "conventions": CONVENTIONS,
        "notes": [note_text(note) for note in result.notes],
        "blocks": [block_dict(block, result.machine, train=result.train)
                   for block in result.blocks],
    }


def block_dict(block: BlockResult, machine: Machine | None = None, *,
               train: bool = False) -> dict[str, Any]:
    """One entry of ``blocks``; a YOLO block's also ``yolo``; with ``--time`` (a ``machine``)
    also ``time`` and ``roofline``, for the block and for each of its layers; with ``--pass
    train`` also ``flops.train``."""
    entry = counts_dict(block)
    if block.spec.is_yolo:
        entry["yolo"] = yolo_dict(block)
    if train:
        jsondoc.add_train(entry, block)
    entry.update(jsondoc.timed_dict(block, machine))
    jsondoc.add_timed_layers(entry["layers"], block, machine)
    return entry


def yolo_dict(block: BlockResult) -> dict[str, Any]:
    """ultralytics' arguments as resolved (null where the kind has none) and what thop,
    ultralytics' counter, totals: its "GFLOPs" are 2 x these / 10^9."""
    spec, takes = block.spec, YOLO_DEFAULTS[YoloKind(block.spec.kind)]
    return {
        "n": spec.repeats if takes.n is not None else None,
        "e": spec.expand if takes.e is not None else None,
        "k": list(spec.kernels) if takes.k is not None else None,
        "shortcut": spec.residual if takes.shortcut is not None else None,
        "c3k": spec.c3k if spec.kind is YoloKind.C3K2 else None,
        "thop_fused": block.thop_macs(fused=True),
        "thop_unfused": block.thop_macs(fused=False),
    }


def counts_dict(block: BlockResult) -> dict[str, Any]:
    """The block as specified and counted by every route (its entry before the options'
    extras)."""
    spec, c, m = block.spec, block.counts, block.measured
    return {
        "kind": str(spec.kind), "in": spec.in_channels, "mid": spec.mid,
        "out": spec.out_channels, "stride": spec.stride, "stride_on": str(spec.stride_on),
        "groups": spec.groups, "bn": spec.bn, "bias": spec.bias,
        "projection": spec.needs_projection,
        "params": {
            "conv": c.conv, "bn": c.bn, "bias": c.bias, "shortcut": c.shortcut,
            "total": c.total, "buffers": c.buffers, "instantiated": m.params,
        },
        "macs": {
            "conv": c.macs, "shortcut": c.shortcut_macs, "analytic": c.fvcore,
            "fvcore": m.fvcore,
        },
        "flops": {"analytic": c.flops, "torch": m.torch_flops, "torch_device": m.torch_device},
        "agree": {
            "params": block.params_agree, "fvcore": block.fvcore_agree,
            "torch": block.torch_agree,
        },
        "fvcore_unsupported": dict(m.fvcore_unsupported),
        "notes": list(m.notes),
        "layers": [layer_dict(layer) for layer in block.layers],
    }
