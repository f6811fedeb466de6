"""The typed data every renderer reads: what was counted, by which route, with what result.

Pure Python (no torch). Nothing here builds JSON: the ``json`` renderers of
:mod:`bottlecalc.report` do, from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from bottlecalc.analytic import (
    Counts,
    DType,
    Layer,
    Op,
    Traffic,
    count,
    layers_of,
    ratio,
    thop_macs,
    traffic,
    v1_macs,
    weighted_layers,
)
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, NetworkSpec, TensorSpec, YoloKind

if TYPE_CHECKING:  # records only a model's count or --time builds: not built unless needed
    from bottlecalc.findings import ModuleCount, Reconcile, UnknownOp
    from bottlecalc.timed import Machine, Timed, Timing


@dataclass(frozen=True)
class Measured:
    """What the torch-side routes found for one module; ``None``: that route did not run.

    One record for blocks, networks and users' models, whichever command measured them.
    """

    params: int | None = None  # sum of numel() over the built module's parameters
    trainable: int | None = None  # those with requires_grad
    buffers: int | None = None  # sum of numel() over its buffers (BN running stats)
    fvcore: int | None = None  # FlopCountAnalysis(...).total()
    fvcore_unsupported: tuple[tuple[str, int], ...] = ()  # ops fvcore skipped, and how often
    torch_flops: int | None = None  # FlopCounterMode's total (2 per multiply-accumulate)
    torch_device: str | None = None  # where FlopCounterMode ran: "meta" or "cpu"
    notes: tuple[str, ...] = ()  # which engine measured what, and why
    # The complete count and its routes (users' models; see docs/conventions.md):
    macs: int | None = None  # every multiply-accumulate: FlopCounterMode / 2, fused kernels in
    macs_modules: int | None = None  # the module-formula route (covered modules only)
    macs_ops: int | None = None  # bottlecalc's own formula for every op the forward ran
    unknown_ops: tuple[UnknownOp, ...] = ()  # ops no formula counts: the count is incomplete
    params_unused: int | None = None  # parameters no operation of the forward read
    unused_modules: tuple[str, ...] = ()  # the modules holding only such parameters
    reconcile: tuple[Reconcile, ...] = ()  # every route's difference, explained
    modules: tuple[ModuleCount, ...] = ()  # per module: parameters held, MACs done
    inputs: tuple[tuple[str, TensorSpec], ...] = ()  # what the forward was fed
    train_flops: int | None = None  # FlopCounterMode, forward and backward (--pass train)
    # The forward's control flow reads values: (MACs on the example input, on a random input
    # of the same shape) when they differ; report/reasons.py words it with the other warnings
    value_dependent: tuple[int, int] | None = None
    largest: int | None = None  # elements of the largest floating tensor an op produced
    # max-decode-macs / max-kv-bytes: one decoding step at a context, its cache built on meta
    decode_context: int | None = None  # N: the tokens in the cache
    decode_macs: int | None = None  # the step's MACs (one new token per sequence)
    kv_bytes: int | None = None  # the cache's tensors at N, by their own shapes and dtypes

    @property
    def unexplained(self) -> int:
        """MACs by which the complete routes disagree with no known cause."""
        return sum(abs(r.macs) for r in self.reconcile
                   if r.engine in ("modules", "ops") and not r.explained)


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
        return agree(self.counts.total, self.measured.params)

    @property
    def fvcore_agree(self) -> bool | None:
        return agree(self.counts.fvcore, self.measured.fvcore)

    @property
    def torch_agree(self) -> bool | None:
        return agree(self.counts.flops, self.measured.torch_flops)

    @property
    def train_agree(self) -> bool | None:
        return agree(self.counts.train_flops, self.measured.train_flops)

    @property
    def all_agree(self) -> bool:
        checks = (self.params_agree, self.fvcore_agree, self.torch_agree, self.train_agree)
        return all(check is not False for check in checks)


S = TypeVar("S", BlockSpec, NetworkSpec)


@dataclass(frozen=True)
class Counted(Routes, Generic[S]):
    """A block or a network bottlecalc defines, counted analytically and by the routes run."""

    spec: S
    shape: InputShape
    layers: tuple[Layer, ...]
    measured: Measured = field(default_factory=Measured)
    timed: Timed | None = None  # --time: the measured forward pass

    @property
    def name(self) -> str:
        """'resnet50' for a network, 'bottleneck' for a block."""
        return self.spec.name if isinstance(self.spec, NetworkSpec) else str(self.spec.kind)

    @property
    def layer_times(self) -> tuple[Timing | None, ...]:
        """--time --depth layer: each layer's own time, in order (empty: not timed so)."""
        return () if self.timed is None else self.timed.per_layer(self.layers)

    @property
    def v1_macs(self) -> int:
        """Its conv + linear MACs with the stride on the first 1x1 (the ResNet paper's v1;
        torchvision's v1.5 puts it on the 3x3)."""
        return v1_macs(self.spec, self.shape)

    def traffic(self, dtype: DType = DType.FLOAT32) -> Traffic:
        """The bytes its layers read and write, its elements ``dtype`` wide."""
        return traffic(self.layers, dtype)

    @property
    def weighted_layers(self) -> int:
        """Its conv and linear layers on the main path: the '50' in ResNet-50."""
        return weighted_layers(self.layers)

    def thop_macs(self, *, fused: bool) -> int:
        """thop's count (ultralytics' "GFLOPs" / 2 x 10^9), BatchNorm fused or not."""
        return thop_macs(self.layers, fused=fused)

    def fvcore_of(self, op: Op) -> int:
        """fvcore's count for its layers of one op (BatchNorm, average pooling)."""
        return sum(r.fvcore for r in self.layers if r.op is op)


BlockResult = Counted[BlockSpec]
NetworkResult = Counted[NetworkSpec]


def analytic_result(spec: S, shape: InputShape) -> Counted[S]:
    """The closed-form counts alone (no torch); measuring adds :class:`Measured`."""
    return Counted(spec=spec, shape=shape, layers=layers_of(spec, shape))


@dataclass(frozen=True)
class CompareResult:
    """A basic and a bottleneck block side by side (``blocks[0]`` is the reference)."""

    blocks: tuple[BlockResult, ...]
    shape: InputShape
    measured: bool
    cross_checked: bool
    notes: tuple[CompareNote, ...] = ()  # worded by report/compare/words.py
    machine: Machine | None = None  # --time: where the blocks were timed
    train: bool = False  # --pass train: a training step's FLOPs are shown too

    @property
    def all_agree(self) -> bool:
        return all(block.all_agree for block in self.blocks)

    @property
    def speedup(self) -> float | None:
        """Measured time of the first block / the last (None unless both were timed)."""
        return speedup(self.blocks[0], self.blocks[-1])

    def ratios(self) -> dict[str, float]:
        """How many times cheaper the last block is than the first, per measure."""
        a, b = self.blocks[0].counts, self.blocks[-1].counts
        return {
            "conv": ratio(a.conv, b.conv),
            "params": ratio(a.total, b.total),
            "macs": ratio(a.macs, b.macs),
        }


@dataclass(frozen=True)
class Projection:
    """A block got a 1x1 projection shortcut: its input cannot be added to its output
    because the channels change, the stride is not 1, or both (the article's sample lacks
    one and crashes)."""

    block: BlockKind | YoloKind
    in_channels: int
    out_channels: int
    stride: int
    bn: bool  # the projection's conv is followed by BatchNorm


@dataclass(frozen=True)
class DenseBasic:
    """--groups apply to the bottleneck's 3x3 conv only (ResNeXt); the basic block's are dense."""

    groups: int


@dataclass(frozen=True)
class AssumedMid:
    """--mid was not given: the bottleneck's width is in / 4 (torchvision's expansion 4)."""

    in_channels: int
    mid: int


@dataclass(frozen=True)
class EngineNote:
    """A note the measuring routes made on one block, in their own (English) words."""

    block: BlockKind | YoloKind
    text: str


# What a compare result notes, as facts; report/compare/words.py words each kind.
CompareNote = Projection | DenseBasic | AssumedMid | EngineNote


def _projection(spec: BlockSpec) -> Projection | None:
    if not spec.needs_projection:
        return None
    return Projection(spec.kind, spec.in_channels, spec.out_channels, spec.stride, spec.bn)


def compare_result(blocks: tuple[BlockResult, ...], shape: InputShape, *, measured: bool,
                   cross_checked: bool) -> CompareResult:
    """Blocks side by side, with the notes that explain them."""
    specs = [block.spec for block in blocks]
    notes: list[CompareNote] = [note for spec in specs if (note := _projection(spec))]
    groups = max(spec.groups for spec in specs)
    if groups > 1 and any(spec.kind is BlockKind.BASIC for spec in specs):
        notes.append(DenseBasic(groups))
    for block in blocks:
        notes.extend(EngineNote(block.spec.kind, note) for note in block.measured.notes)
    return CompareResult(blocks=blocks, shape=shape, measured=measured,
                         cross_checked=cross_checked, notes=tuple(notes))


def analytic_compare(specs: tuple[BlockSpec, ...], shape: InputShape) -> CompareResult:
    """Blocks compared by their closed forms alone (no torch)."""
    blocks = tuple(analytic_result(spec, shape) for spec in specs)
    return compare_result(blocks, shape, measured=False, cross_checked=False)


def speedup(first: Counted[S], last: Counted[S]) -> float | None:
    """How many times faster ``last`` ran than ``first`` (None unless both were timed)."""
    if first.timed is None or last.timed is None:
        return None
    return first.timed.total.median_s / last.timed.total.median_s
