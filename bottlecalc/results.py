"""The one data model every renderer reads, and its JSON form (schema in docs/json.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bottlecalc.analytic import Counts, Layer, count, ratio
from bottlecalc.spec import BlockSpec, InputShape

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Measured:
    """What the torch-side routes found; ``None`` means that route did not run."""

    instantiated: int | None = None  # sum of parameter numels of the built module
    buffers: int | None = None  # sum of buffer numels (BN running stats)
    fvcore: int | None = None  # FlopCountAnalysis(...).total()
    unsupported: tuple[tuple[str, int], ...] = ()  # fvcore's skipped ops and their counts
    torch_flops: int | None = None  # FlopCounterMode's total
    torch_device: str | None = None  # where FlopCounterMode ran: "meta" or "cpu"
    notes: tuple[str, ...] = ()  # which engine measured what, and why


def agree(expected: int, measured: int | None) -> bool | None:
    """True/False when the route ran, None when it did not."""
    return None if measured is None else expected == measured


@dataclass(frozen=True)
class BlockResult:
    spec: BlockSpec
    shape: InputShape
    layers: tuple[Layer, ...]
    measured: Measured = field(default_factory=Measured)

    @property
    def counts(self) -> Counts:
        return count(self.layers)

    @property
    def params_agree(self) -> bool | None:
        return agree(self.counts.total, self.measured.instantiated)

    @property
    def fvcore_agree(self) -> bool | None:
        return agree(self.counts.fvcore, self.measured.fvcore)

    @property
    def torch_agree(self) -> bool | None:
        return agree(self.counts.flops, self.measured.torch_flops)

    @property
    def all_agree(self) -> bool:
        checks = (self.params_agree, self.fvcore_agree, self.torch_agree)
        return all(check is not False for check in checks)


@dataclass(frozen=True)
class CompareResult:
    """A basic and a bottleneck block side by side (``blocks[0]`` is the reference)."""

    blocks: tuple[BlockResult, ...]
    shape: InputShape
    measured: bool
    cross_checked: bool
    notes: tuple[str, ...] = ()

    @property
    def all_agree(self) -> bool:
        return all(block.all_agree for block in self.blocks)

    def ratios(self) -> dict[str, float]:
        """How many times cheaper the last block is than the first, per measure."""
        a, b = self.blocks[0].counts, self.blocks[-1].counts
        return {
            "conv": ratio(a.conv, b.conv),
            "params": ratio(a.total, b.total),
            "macs": ratio(a.macs, b.macs),
        }


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


def block_dict(block: BlockResult) -> dict[str, Any]:
    spec, c, m = block.spec, block.counts, block.measured
    return {
        "kind": str(spec.kind),
        "in": spec.in_channels,
        "mid": spec.mid,
        "out": spec.out_channels,
        "stride": spec.stride,
        "stride_on": str(spec.stride_on),
        "groups": spec.groups,
        "bn": spec.bn,
        "bias": spec.bias,
        "projection": spec.needs_projection,
        "params": {
            "conv": c.conv, "bn": c.bn, "bias": c.bias, "shortcut": c.shortcut,
            "total": c.total, "buffers": c.buffers, "instantiated": m.instantiated,
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
        "fvcore_unsupported": {name: n for name, n in m.unsupported},
        "notes": list(m.notes),
        "layers": [layer_dict(layer) for layer in block.layers],
    }


def compare_dict(result: CompareResult) -> dict[str, Any]:
    shape = result.shape
    return {
        "schema": "bottlecalc.compare",
        "version": SCHEMA_VERSION,
        "input": {"batch": shape.batch, "height": shape.height, "width": shape.width},
        "measured": result.measured,
        "cross_checked": result.cross_checked,
        "all_agree": result.all_agree,
        "ratios": {key: round(value, 4) for key, value in result.ratios().items()},
        "conventions": CONVENTIONS,
        "notes": list(result.notes),
        "blocks": [block_dict(block) for block in result.blocks],
    }


CONVENTIONS = {
    "mac": "one multiply-accumulate (multiply + add); papers' and fvcore's 'FLOPs'",
    "flop": "one floating-point operation; FLOPs = 2 x MACs (torch FlopCounterMode)",
    "params.conv": "main-path conv weights only: no bias, BN or shortcut (the article)",
    "macs.conv": "conv + linear MACs, projection shortcut included; bias, BN, add, ReLU excluded",
    "macs.analytic": "macs.conv + BN (2/element, eval) + adaptive avg-pool (1/element): fvcore's convention",
}
