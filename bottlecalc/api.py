"""Library entry points: specs and budgets in, :mod:`bottlecalc.results` out.

The analytic route always runs; the torch-side routes (instantiated, fvcore,
FlopCounterMode) run when ``measure=True`` and import torch only then.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bottlecalc.analytic import count, layers_of
from bottlecalc.errors import MeasureError
from bottlecalc.results import (
    CompareResult,
    Counted,
    S,
    analytic_result,
    compare_result,
)
from bottlecalc.spec import BlockSpec, InputShape

if TYPE_CHECKING:  # budgets are imported when checked, so compare and network skip them
    from bottlecalc.budget.model import Budget, Outcome
    from bottlecalc.budget.targets import Target
    from bottlecalc.measure.subject import Subject


def count_spec(spec: S, shape: InputShape, *, measure: bool = True,
               cross_check: bool = False) -> Counted[S]:
    """Count a block or a network analytically and, when ``measure``, by every torch route."""
    result = analytic_result(spec, shape)
    if not measure:
        return result
    from bottlecalc.measure.pipeline import Plan
    from bottlecalc.measure.pipeline import measure as run
    from bottlecalc.measure.subject import spec_subject

    measured = run(spec_subject(spec, shape, result.counts), Plan(forward=cross_check))
    return Counted(spec=spec, shape=shape, layers=result.layers, measured=measured)


def compare_blocks(specs: tuple[BlockSpec, ...], shape: InputShape, *, measure: bool = True,
                   cross_check: bool = False) -> CompareResult:
    """Count each block by every route; the first block is the reference for ratios."""
    blocks = tuple(count_spec(spec, shape, measure=measure, cross_check=cross_check)
                   for spec in specs)
    return compare_result(blocks, shape, measured=measure, cross_checked=cross_check)


def check_budget(budget: Budget, target: Target, *, base: Path, debug: bool = False) -> Outcome:
    """Measure the target and hold every limit against its count; failures become data."""
    from bottlecalc.budget.model import Metric, Outcome, disagreement, verdicts, warnings
    from bottlecalc.measure.pipeline import Plan, measure

    try:
        found = measure(_subject(budget, target, base=base),
                        Plan(forward=True, fvcore=Metric.MACS in budget.metrics))
    except MeasureError as exc:
        if debug:
            raise
        return Outcome(budget, str(target.kind), target.input, error=str(exc))
    expected = closed_form(target)
    first = found.inputs[0][1].shape if found.inputs else target.input
    problem = disagreement(found, budget.tolerance)
    return Outcome(
        budget, str(target.kind), first, verdicts=verdicts(budget, found), measurement=found,
        analytic=expected, warnings=warnings(found, expected), error=problem,
    )


def _subject(budget: Budget, target: Target, *, base: Path) -> Subject:
    from bottlecalc.measure.subject import spec_subject
    from bottlecalc.measure.user import model_subject

    spec = target.network or target.block
    if spec is None:
        return model_subject(budget.target, feed=target.feed, inputs=target.inputs, base=base)
    return spec_subject(spec, target.shape, count(layers_of(spec, target.shape)))


def closed_form(target: Target) -> dict[str, int] | None:
    """Closed-form counts for presets and blocks (a cross-check; limits use measurements)."""
    spec = target.network or target.block
    if spec is None:
        return None
    counts = count(layers_of(spec, target.shape))
    return {"params": counts.total, "macs": counts.macs, "flops": counts.flops}
