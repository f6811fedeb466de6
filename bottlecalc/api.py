"""Library entry points: specs and budgets in, :mod:`bottlecalc.results` out.

The analytic route always runs; the torch-side routes (instantiated, fvcore,
FlopCounterMode) run when ``measure=True`` and import torch only then. ``timing``
(``--time``) times the same subjects for real, after checking they fit in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bottlecalc.analytic import Layer, count, layers_of
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.results import (
    CompareResult,
    Counted,
    Measured,
    S,
    analytic_result,
    compare_result,
)

if TYPE_CHECKING:  # budgets are imported when checked, so compare and network skip them
    from bottlecalc.breakdown import ModelResult  # and models' breakdowns when counted
    from bottlecalc.budget.baseline import Baseline
    from bottlecalc.budget.model import Budget, Outcome
    from bottlecalc.budget.targets import Target
    from bottlecalc.measure.subject import Subject
    from bottlecalc.spec import BlockSpec, InputShape, TensorSpec
    from bottlecalc.sweep import Sweep
    from bottlecalc.timed import Machine, TimeOptions  # and --time's records when timed

# Every point of a timed sweep is timed; more than this many is a typo in a range.
MAX_TIMED_POINTS = 64


def count_spec(spec: S, shape: InputShape, *, measure: bool = True,
               cross_check: bool = False, train: bool = False,
               fvcore: bool = True) -> Counted[S]:
    """Count a block or a network analytically and, when ``measure``, by every torch route
    (``train``: a training step's FLOPs too, on meta; ``fvcore=False``: no fvcore trace)."""
    result = analytic_result(spec, shape)
    if not measure:
        return result
    from bottlecalc.measure.pipeline import Plan
    from bottlecalc.measure.pipeline import measure as run
    from bottlecalc.measure.subject import spec_subject

    plan = Plan(complete=cross_check, fvcore=fvcore, train=train)
    measured = run(spec_subject(spec, shape, result.counts), plan)
    return Counted(spec=spec, shape=shape, layers=result.layers, measured=measured)


def compare_blocks(specs: tuple[BlockSpec, ...], shape: InputShape, *, measure: bool = True,
                   cross_check: bool = False, timing: TimeOptions | None = None,
                   train: bool = False, fvcore: bool = True) -> CompareResult:
    """Count each block by every route; the first block is the reference for ratios.

    With ``timing``, each block is also timed (refused first if it would not fit)."""
    blocks, machine = count_specs(specs, shape, measure=measure, cross_check=cross_check,
                                  timing=timing, train=train, fvcore=fvcore)
    result = compare_result(blocks, shape, measured=measure, cross_checked=cross_check)
    return replace(result, train=train, machine=machine)


def count_specs(specs: tuple[S, ...], shape: InputShape, *, measure: bool = True,
                cross_check: bool = False, timing: TimeOptions | None = None,
                train: bool = False,
                fvcore: bool = True) -> tuple[tuple[Counted[S], ...], Machine | None]:
    """Count each block or network; with ``timing`` also time it (refused first if it
    would not fit)."""
    if timing is not None:
        prepare_timing((layers_of(spec, shape) for spec in specs), timing)
    results = tuple(count_spec(spec, shape, measure=measure, cross_check=cross_check,
                               train=train, fvcore=fvcore) for spec in specs)
    if timing is None:
        return results, None
    return time_results(results, timing)


def time_sweep(sweep: Sweep, timing: TimeOptions) -> Sweep:
    """Both blocks at every point of ``sweep`` timed (whole blocks; no per-layer times)."""
    if len(sweep.points) > MAX_TIMED_POINTS:
        raise SpecError(f"--time times every point; a sweep of {len(sweep.points):,} points "
                        f"is more than {MAX_TIMED_POINTS}: give fewer values")
    prepare_timing((b.layers for p in sweep.points for b in p.result.blocks), timing)
    points, machine = [], None
    for point in sweep.points:
        blocks, machine = time_results(point.result.blocks, timing)
        points.append(replace(point, result=replace(point.result, blocks=blocks,
                                                    machine=machine)))
    return replace(sweep, points=tuple(points), machine=machine)


def prepare_timing(layer_sets: Iterable[tuple[Layer, ...]], timing: TimeOptions) -> None:
    """Refuse a missing device or what would not fit in memory, before allocating (exit 2)."""
    from bottlecalc.measure.timing import check_device, check_memory, time_memory

    check_device(timing.device)
    check_memory(max(time_memory(layers, timing.dtype) for layers in layer_sets), timing.device)


def time_results(results: tuple[Counted[S], ...],
                 timing: TimeOptions) -> tuple[tuple[Counted[S], ...], Machine]:
    """Probe the machine's roofs, then time every result's forward pass."""
    from bottlecalc.measure.timing import check_duration, probe_machine

    machine = probe_machine(timing)
    check_duration(sum(r.counts.flops for r in results), machine, layers=timing.layers)
    return tuple(time_result(result, timing) for result in results), machine


def time_result(result: Counted[S], timing: TimeOptions) -> Counted[S]:
    """The block or network timed; with ``timing.layers`` each of its layers as well."""
    from bottlecalc.measure.subject import spec_subject
    from bottlecalc.measure.timing import time_subject

    subject = spec_subject(result.spec, result.shape, result.counts)
    total, calls = time_subject(subject, timing)
    from bottlecalc.timed import Timed

    return replace(result, timed=Timed(replace(total, flops=result.counts.flops),
                                       calls if timing.layers else ()))


def check_budget(budget: Budget, target: Target, *, base: Path, debug: bool = False,
                 train: bool = False, baseline: Baseline | None = None,
                 fvcore: bool | None = None) -> Outcome:
    """Measure the target and hold every limit against its count; failures become data
    (``train``: count a training step too, as ``max-train-flops`` does). An exceeded limit
    names the modules that carry it; ``baseline``: what moved since an earlier run.
    ``fvcore``: trace with fvcore too (None: when a MAC limit is checked)."""
    from bottlecalc.budget.blame import explained
    from bottlecalc.budget.model import (
        Metric,
        Outcome,
        closed_form_warnings,
        disagreement,
        incomplete,
        verdicts,
    )
    from bottlecalc.measure.pipeline import Plan, measure

    wanted = Metric.MACS in budget.metrics if fvcore is None else fvcore
    plan = Plan(complete=True, fvcore=wanted,
                train=train or Metric.TRAIN_FLOPS in budget.metrics)
    try:
        subject = _subject(budget, target, base=base)
        found = _decoded(budget, subject, measure(subject, plan))
    except MeasureError as exc:
        if debug:
            raise
        return Outcome(budget, str(target.kind), target.input, error=str(exc))
    expected = closed_form(target)
    first = found.inputs[0][1].shape if found.inputs else target.input
    problem = disagreement(found, budget.tolerance) or incomplete(found, budget.metrics)
    outcome = Outcome(
        budget, str(target.kind), first, verdicts=verdicts(budget, found), measurement=found,
        analytic=expected, warnings=closed_form_warnings(found, expected), error=problem,
    )
    return explained(outcome, baseline)


def _decoded(budget: Budget, subject: Subject, found: Measured) -> Measured:
    """``max-decode-macs``/``max-kv-bytes``: one decoding step at the budget's context
    (measure/sequence.py: the prefill builds the cache on meta), added to the count."""
    from bottlecalc.budget.model import DECODE_METRICS
    from bottlecalc.measure.sequence import decode, on_meta

    if budget.context is None or not budget.metrics & DECODE_METRICS:
        return found
    model = on_meta(subject.make, subject.inputs, subject.name)
    step = decode(model, budget.context, seq_dim=budget.seq_dim)
    return replace(found, decode_context=budget.context, decode_macs=step.macs,
                   kv_bytes=step.kv_bytes)


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
    return {"params": counts.total, "macs": counts.macs, "flops": counts.flops,
            "train-flops": counts.train_flops}


def count_model(target: str, *, feed: tuple[TensorSpec, ...], inputs: str | None, base: Path,
                train: bool = False, fvcore: bool = True, timing: TimeOptions | None = None,
                depth: int = 1) -> ModelResult:
    """A user's model (``pkg.mod:callable`` or ``file.py:callable``) counted by every route,
    per module: what ``bottlecalc network TARGET`` shows. With ``timing`` it is also timed,
    and so is each of its rows at ``depth`` (refused first if it would not fit)."""
    from bottlecalc.breakdown import ModelResult
    from bottlecalc.measure.pipeline import Plan, measure
    from bottlecalc.measure.timing import check_device
    from bottlecalc.measure.user import model_subject

    if timing is not None:
        check_device(timing.device)  # before the count: it may take a while
    subject = model_subject(target, feed=feed, inputs=inputs, base=base)
    result = ModelResult(target, measure(subject, Plan(complete=True, fvcore=fvcore,
                                                       train=train)))
    return result if timing is None else time_model(result, subject, timing, depth=depth)


def time_model(result: ModelResult, subject: Subject, timing: TimeOptions, *,
               depth: int) -> ModelResult:
    """The counted model timed for real, and every call of its rows' modules at ``depth``,
    after checking, from its count on meta, that it fits in memory (exit 2 if not)."""
    from bottlecalc.breakdown import rows_at
    from bottlecalc.measure import timing as clock

    clock.check_memory(clock.model_memory(result.measured, timing.dtype), timing.device,
                       smaller="give a smaller --input (or --inputs), or a smaller --dtype")
    machine = clock.probe_machine(timing)
    clock.check_duration(result.flops, machine, layers=True)  # rows are timed too
    rows = tuple(row.name for row in rows_at(result.measured.modules, depth))
    timed = clock.time_model(subject, rows, timing, flops=result.flops, machine=machine)
    return replace(result, timed=timed)
