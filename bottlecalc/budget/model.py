"""Budgets, limits and verdicts: what ``bottlecalc check`` holds each count against.

A budget caps a target's parameters, MACs or FLOPs. Each cap is held against one count:

* ``max-params`` — every parameter torch instantiated (``numel`` summed, used or not);
* ``max-macs``   — the complete MAC count: every multiply-accumulate of convolutions,
  linear layers, matrix products, attention and recurrent cells, whichever kernel torch
  picks (FlopCounterMode on meta / 2, checked by the module formulas); nothing for
  normalisation, pooling or elementwise work. torchvision's "GFLOPS" convention;
* ``max-flops``  — torch's FlopCounterMode (two FLOPs per multiply-accumulate);
* ``max-train-flops`` — FlopCounterMode for a training step: the forward pass and the
  backward pass (a gradient for every trainable parameter, none for the inputs), on meta;
* ``max-decode-macs`` — the complete count of one decoding step (one new token per sequence)
  against a KV cache of ``context`` tokens that a prefill built on meta;
* ``max-kv-bytes`` — that cache's bytes: its tensors' elements x their element size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

from bottlecalc.budget.baseline import Change, Snapshot
from bottlecalc.budget.numbers import parse_count
from bottlecalc.errors import SpecError
from bottlecalc.findings import Reconcile, UnknownOp
from bottlecalc.results import Measured
from bottlecalc.spec import TensorSpec

if TYPE_CHECKING:
    from bottlecalc.budget.blame import TopModule


class Metric(StrEnum):
    PARAMS = "params"
    MACS = "macs"
    FLOPS = "flops"
    TRAIN_FLOPS = "train-flops"
    DECODE_MACS = "decode-macs"
    KV_BYTES = "kv-bytes"

    @property
    def option(self) -> str:
        return f"max-{self}"

    @property
    def engine(self) -> str:
        """The count this metric's limit is held against (shown in every format)."""
        return ENGINES[self]

    @property
    def label(self) -> str:
        """The short form of :attr:`engine`, for table columns."""
        return LABELS[self]


ENGINES = {
    Metric.PARAMS: "parameters (instantiated, numel)",
    Metric.MACS: "MACs (complete: conv, linear, matmul, attention, recurrent; "
    "1 per multiply-add)",
    Metric.FLOPS: "FLOPs (FlopCounterMode, 2 per multiply-add)",
    Metric.TRAIN_FLOPS: "training-step FLOPs (FlopCounterMode on meta: forward and backward, "
    "a gradient for every trainable parameter; 2 per multiply-add)",
    Metric.DECODE_MACS: "decode-step MACs (complete count of one new token per sequence "
    "against a KV cache of the context's tokens, built by a prefill on meta)",
    Metric.KV_BYTES: "KV-cache bytes (the cache's tensors after a prefill of the context: "
    "elements x element size)",
}
LABELS = {
    Metric.PARAMS: "params (torch)",
    Metric.MACS: "MACs (complete)",
    Metric.FLOPS: "FLOPs (FlopCounterMode)",
    Metric.TRAIN_FLOPS: "train FLOPs (fwd + bwd)",
    Metric.DECODE_MACS: "decode MACs (1 token)",
    Metric.KV_BYTES: "KV-cache bytes",
}
DECODE_METRICS = frozenset({Metric.DECODE_MACS, Metric.KV_BYTES})  # need a context


def actual(measured: Measured, metric: Metric) -> int | None:
    """The measured count a limit on ``metric`` is held against (None: not measured)."""
    return {Metric.PARAMS: measured.params, Metric.MACS: measured.macs,
            Metric.FLOPS: measured.torch_flops, Metric.TRAIN_FLOPS: measured.train_flops,
            Metric.DECODE_MACS: measured.decode_macs, Metric.KV_BYTES: measured.kv_bytes}[metric]


@dataclass(frozen=True)
class Limit:
    metric: Metric
    value: int


@dataclass(frozen=True)
class Budget:
    """One named budget: a target and at most one limit per metric (``tolerance`` in percent)."""

    name: str
    target: str
    limits: tuple[Limit, ...]
    input: tuple[TensorSpec, ...] | None = None  # one per positional input, zero-filled
    tolerance: Fraction = Fraction(0)
    line: int | None = None  # where the table starts in the config file, for annotations
    inputs: str | None = None  # "pkg.mod:callable" returning the example inputs
    context: int | None = None  # max-decode-macs/max-kv-bytes: tokens in the KV cache
    seq_dim: int | None = None  # the inputs' sequence dimension (None: from input names)

    def __post_init__(self) -> None:
        decoding = bool(self.metrics & DECODE_METRICS)
        if decoding and self.context is None:
            raise SpecError("max-decode-macs and max-kv-bytes need the context: the tokens "
                            "in the KV cache (--context N, or context = N in a budget file)")
        if not decoding and (self.context is not None or self.seq_dim is not None):
            raise SpecError("context and seq-dim apply only with max-decode-macs or "
                            "max-kv-bytes")

    def limit(self, metric: Metric) -> int | None:
        return next((lim.value for lim in self.limits if lim.metric is metric), None)

    @property
    def metrics(self) -> frozenset[Metric]:
        return frozenset(lim.metric for lim in self.limits)


def make_limits(raw: Mapping[Metric, object], *, prefix: str = "--") -> tuple[Limit, ...]:
    """Parse the limits given (None means not given); at least one is required."""
    limits = tuple(
        Limit(metric, parse_count(f"{prefix}{metric.option}", value))
        for metric, value in raw.items() if value is not None
    )
    if not limits:
        options = ", ".join(f"{prefix}{m.option}" for m in Metric)
        raise SpecError(f"give at least one limit: {options}")
    return limits


class Status(StrEnum):
    PASS = "pass"
    TOLERATED = "tolerated"  # over the limit, within the tolerance
    FAIL = "fail"
    ERROR = "error"  # the target could not be measured


@dataclass(frozen=True)
class Verdict:
    """One limit held against one measured count."""

    metric: Metric
    limit: int
    actual: int
    tolerance: Fraction = Fraction(0)

    @property
    def engine(self) -> str:
        """The count the limit is held against (the metric's)."""
        return self.metric.engine

    @property
    def headroom(self) -> Fraction:
        """Share of the limit still free: 0.25 = 25 % under, -0.1 = 10 % over."""
        return Fraction(self.limit - self.actual, self.limit)

    @property
    def headroom_pct(self) -> float:
        return round(float(self.headroom * 100), 2)

    @property
    def status(self) -> Status:
        if self.actual <= self.limit:
            return Status.PASS
        allowed = self.limit * (1 + self.tolerance / 100)
        return Status.TOLERATED if self.actual <= allowed else Status.FAIL


@dataclass(frozen=True)
class Outcome:
    """A budget checked: verdicts, or the error that kept it from being measured."""

    budget: Budget
    kind: str  # "preset", "block" or "model"
    input: tuple[int, ...]  # the first input's shape (the inputs are in the measurement)
    verdicts: tuple[Verdict, ...] = ()
    measurement: Measured | None = None
    analytic: Mapping[str, int] | None = None  # closed-form counts (presets, blocks)
    warnings: tuple[str, ...] = ()  # closed-form differences; the measurement's own are data
    error: str | Disagreement | Incomplete | None = None  # why it could not be checked
    top_modules: tuple[TopModule, ...] = ()  # what carries an exceeded limit
    baseline: Snapshot | None = None  # the same budget in an earlier run (--baseline)
    changes: tuple[Change, ...] = ()  # modules whose counts moved since the baseline
    baseline_totals: tuple[Change, ...] = ()  # the totals both runs measured, moved or not

    @property
    def status(self) -> Status:
        if self.error is not None:
            return Status.ERROR
        statuses = {v.status for v in self.verdicts}
        for status in (Status.FAIL, Status.TOLERATED):
            if status in statuses:
                return status
        return Status.PASS


def verdicts(budget: Budget, measured: Measured) -> tuple[Verdict, ...]:
    """Hold every limit of ``budget`` against the count its engine measured."""
    out = []
    for lim in budget.limits:
        value = actual(measured, lim.metric)
        if value is None:
            raise SpecError(f"{budget.name}: {lim.metric.option} could not be measured")
        out.append(Verdict(lim.metric, lim.value, value, budget.tolerance))
    return tuple(out)


def closed_form_warnings(measured: Measured,
                         expected: Mapping[str, int] | None) -> tuple[str, ...]:
    """Each measured count that differs from the closed form (the measurement's own warnings
    are worded from its data where they are shown: report/reasons.py)."""
    out = []
    for metric in Metric:
        value = actual(measured, metric)
        if expected and value is not None and value != expected.get(str(metric), value):
            out.append(f"measured {metric} {value:,} differ from the closed form "
                       f"{expected[str(metric)]:,}")
    return tuple(out)


@dataclass(frozen=True)
class Disagreement:
    """The complete count's routes differ by more than a budget's tolerance and nothing
    accounts for it: the budget is then an error, never a pass (report/reasons.py words it)."""

    macs: int  # the MACs by which they differ with no known cause
    rows: tuple[Reconcile, ...]  # the complete routes' rows that nothing explains


def disagreement(measured: Measured, tolerance: Fraction) -> Disagreement | None:
    """Why the complete count cannot be trusted: its routes differ by more than the budget's
    tolerance and nothing accounts for it."""
    if measured.macs is None or measured.unexplained * 100 <= tolerance * measured.macs:
        return None  # nothing unexplained (0 <= anything), or within the tolerance
    return Disagreement(measured.unexplained, tuple(
        r for r in measured.reconcile if r.engine in ("modules", "ops") and not r.explained))


@dataclass(frozen=True)
class Incomplete:
    """Ops ran whose multiply-accumulates no formula counts (unknown, not 0): a limit on MACs
    or FLOPs cannot be held, the count may be under the truth (report/reasons.py words it)."""

    ops: tuple[UnknownOp, ...]


def incomplete(measured: Measured, metrics: frozenset[Metric]) -> Incomplete | None:
    """Why a limit on MACs or FLOPs cannot be held: ops no formula counts ran."""
    if not measured.unknown_ops or metrics <= {Metric.PARAMS, Metric.KV_BYTES}:
        return None
    return Incomplete(measured.unknown_ops)


@dataclass(frozen=True)
class CheckReport:
    """Every budget checked in one run; ``source`` is the budget file, if any."""

    outcomes: tuple[Outcome, ...]
    source: str | None = None
    baseline: str | None = None  # the --baseline file, if any

    @property
    def exit_code(self) -> int:
        """3 when a target could not be measured, else 1 when a limit is exceeded, else 0."""
        statuses = {o.status for o in self.outcomes}
        if Status.ERROR in statuses:
            return 3
        return 1 if Status.FAIL in statuses else 0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)
