"""The one data model every renderer reads, and its JSON form (schema in docs/json.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bottlecalc.analytic import (
    Counts,
    DType,
    Layer,
    Traffic,
    count,
    network_layers,
    ratio,
    traffic,
)
from bottlecalc.spec import BlockSpec, InputShape, NetworkSpec, StrideOn

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


class Routes:
    """Analytic counts of ``layers`` and whether each measured route agreed with them."""

    layers: tuple[Layer, ...]
    measured: Measured

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
class BlockResult(Routes):
    spec: BlockSpec
    shape: InputShape
    layers: tuple[Layer, ...]
    measured: Measured = field(default_factory=Measured)


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
    "macs.analytic": "macs.conv + BN (2/element, eval) + adaptive avg-pool (1/element): "
    "fvcore's convention",
}


class Depth(StrEnum):
    """How finely a network is broken down (``--depth``)."""

    NETWORK = "network"
    STAGE = "stage"
    BLOCK = "block"
    LAYER = "layer"


STEM = frozenset({"conv1", "bn1", "relu", "maxpool"})


def group_name(layer_name: str, depth: Depth) -> str:
    """Which row ``layer_name`` falls in: 'stem', 'layer2', 'layer2.0', 'head', ..."""
    if depth is Depth.NETWORK:
        return "network"
    if depth is Depth.LAYER:
        return layer_name
    if not layer_name.startswith("layer"):
        return "stem" if layer_name in STEM else "head"
    parts = layer_name.split(".")
    return parts[0] if depth is Depth.STAGE else ".".join(parts[:2])


@dataclass(frozen=True)
class Group:
    """Consecutive layers summed into one row of a breakdown (a stage, a block, a layer)."""

    name: str
    layers: tuple[Layer, ...]

    @property
    def counts(self) -> Counts:
        return count(self.layers)

    def traffic(self, dtype: DType = DType.FLOAT32) -> Traffic:
        return traffic(self.layers, dtype)


def breakdown(layers: tuple[Layer, ...], depth: Depth) -> tuple[Group, ...]:
    """Rows at ``depth`` in forward order; at the layer depth every layer is its own row."""
    if depth is Depth.LAYER:
        return tuple(Group(layer.name, (layer,)) for layer in layers)
    rows: dict[str, list[Layer]] = {}
    for layer in layers:
        rows.setdefault(group_name(layer.name, depth), []).append(layer)
    return tuple(Group(name, tuple(members)) for name, members in rows.items())


@dataclass(frozen=True)
class NetworkResult(Routes):
    """One whole network counted by every route that ran."""

    name: str
    spec: NetworkSpec
    shape: InputShape
    layers: tuple[Layer, ...]
    measured: Measured = field(default_factory=Measured)

    @property
    def stages(self) -> tuple[Group, ...]:
        return breakdown(self.layers, Depth.STAGE)

    def breakdown(self, depth: Depth) -> tuple[Group, ...]:
        return breakdown(self.layers, depth)

    @property
    def v1_macs(self) -> int:
        """Conv + linear MACs with the stride on the first 1x1: the ResNet paper's figure."""
        v1 = replace(self.spec, stride_on=StrideOn.CONV1X1)
        return count(network_layers(v1, self.shape)).macs


def traffic_dict(t: Traffic) -> dict[str, Any]:
    return {
        "weight_bytes": t.weight_bytes, "input_bytes": t.input_bytes,
        "output_bytes": t.output_bytes, "intensity": round(t.intensity, 4),
    }


def group_dict(group: Group, dtype: DType) -> dict[str, Any]:
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


def network_spec_dict(spec: NetworkSpec) -> dict[str, Any]:
    return {
        "block": str(spec.block), "layers": list(spec.layers), "width": spec.width,
        "groups": spec.groups, "width_per_group": spec.width_per_group,
        "expansion": spec.block_expansion, "num_classes": spec.num_classes,
        "variant": "v1" if spec.stride_on is StrideOn.CONV1X1 else "v1.5",
    }


def network_dict(
    result: NetworkResult, *, dtype: DType = DType.FLOAT32, depth: Depth = Depth.STAGE
) -> dict[str, Any]:
    """One entry of ``networks`` in ``bottlecalc network --format json`` (docs/network.md)."""
    c, m = result.counts, result.measured
    entry: dict[str, Any] = {
        "name": result.name,
        "spec": network_spec_dict(result.spec),
        "params": {"total": c.total, "buffers": c.buffers, "instantiated": m.instantiated},
        "macs": {"conv": c.macs, "analytic": c.fvcore, "fvcore": m.fvcore,
                 "v1": result.v1_macs},
        "flops": {"analytic": c.flops, "torch": m.torch_flops, "torch_device": m.torch_device},
        "agree": {"params": result.params_agree, "fvcore": result.fvcore_agree,
                  "torch": result.torch_agree},
        "fvcore_unsupported": dict(m.unsupported),
        "memory": traffic_dict(traffic(result.layers, dtype)),
        "notes": list(m.notes),
        "stages": [group_dict(g, dtype) for g in result.stages],
    }
    if depth in (Depth.BLOCK, Depth.LAYER):
        rows = result.breakdown(depth)
        entry["breakdown"] = [group_dict(g, dtype) for g in rows]
    return entry


def networks_dict(
    results: tuple[NetworkResult, ...], *, measured: bool, cross_checked: bool,
    dtype: DType = DType.FLOAT32, depth: Depth = Depth.STAGE,
) -> dict[str, Any]:
    """The whole ``bottlecalc network --format json`` document."""
    shape = results[0].shape
    return {
        "schema": "bottlecalc.network",
        "version": SCHEMA_VERSION,
        "input": {"batch": shape.batch, "height": shape.height, "width": shape.width},
        "dtype": str(dtype),
        "depth": str(depth),
        "measured": measured,
        "cross_checked": cross_checked,
        "all_agree": all(r.all_agree for r in results),
        "conventions": {**_block_only(CONVENTIONS), **NETWORK_CONVENTIONS},
        "networks": [network_dict(r, dtype=dtype, depth=depth) for r in results],
    }


def _block_only(conventions: dict[str, str]) -> dict[str, str]:
    """The shared conventions minus the article's block-only "conv weights" count."""
    return {key: value for key, value in conventions.items() if key != "params.conv"}


NETWORK_CONVENTIONS = {
    "macs.conv": "conv + linear MACs: what torchvision publishes as 'GFLOPS'",
    "macs.v1": "macs.conv with the stride on the first 1x1 (ResNet v1): the paper's Table 1",
    "memory": "bytes at --dtype if each layer reads its input and weights and writes its "
    "output once (no fusion); intensity = MACs / (weight + input + output bytes)",
}
