"""What carries an exceeded limit, and what moved since a baseline: the modules to blame.

Pure Python. A module is blamed for what it holds (parameters) and what is done in it and
in no child module (MACs, FLOPs); shares are of the model's total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bottlecalc.breakdown import ROOT
from bottlecalc.budget.baseline import Baseline, changes, snapshot_of, totals_moved
from bottlecalc.budget.model import Metric, Outcome
from bottlecalc.findings import ModuleCount
from bottlecalc.results import Measured


@dataclass(frozen=True)
class TopModule:
    """A module that carries part of an exceeded quantity, and its share of the total."""

    name: str
    metric: str  # "params", "macs" or "flops" (forward)
    value: int
    share: float  # value / the model's total of ``metric``


TOP = 5


# What each exceeded limit's modules are ranked by: a training step's FLOPs by the forward
# FLOPs done in each module, the part a module can be blamed for. A decoding step and its
# cache are not ranked: the per-module counts are the forward's at the input.
RANKED_BY = {Metric.PARAMS: "params", Metric.MACS: "macs", Metric.FLOPS: "flops",
             Metric.TRAIN_FLOPS: "flops"}


def _per_module(module: ModuleCount, metric: str) -> int:
    return {"params": module.params, "macs": module.macs, "flops": 2 * module.macs}[metric]


def top_modules(measured: Measured, exceeded: Sequence[Metric]) -> tuple[TopModule, ...]:
    """The modules that carry most of each exceeded quantity, with their share of it."""
    out: list[TopModule] = []
    for metric in dict.fromkeys(RANKED_BY[m] for m in exceeded if m in RANKED_BY):
        values = [(m.name or ROOT, _per_module(m, metric)) for m in measured.modules]
        total = sum(v for _, v in values)
        ranked = sorted((item for item in values if item[1]), key=lambda item: -item[1])
        out.extend(TopModule(name, metric, v, v / total) for name, v in ranked[:TOP])
    return tuple(out)


def explained(outcome: Outcome, baseline: Baseline | None = None) -> Outcome:
    """The outcome with what carries each exceeded limit and, given a baseline, the same
    budget's counts in it and the modules whose counts moved since."""
    m = outcome.measurement
    if m is None:
        return outcome
    exceeded = [v.metric for v in outcome.verdicts if v.actual > v.limit]
    before = None if baseline is None else baseline.snapshots.get(outcome.budget.name)
    now = snapshot_of(m)
    # A baseline without per-module counts (no "modules") moves totals only.
    moved = changes(before, now) if before is not None and before.modules else ()
    totals = totals_moved(before, now) if before is not None else ()
    return replace(outcome, top_modules=top_modules(m, exceeded), baseline=before,
                   changes=moved, baseline_totals=totals)
