"""One measuring path: build a subject, run the routes a plan asks for, return :class:`Measured`.

Modules are built on the meta device where they allow it: parameter counts, FlopCounterMode
and the module formulas then cost no weight memory and no arithmetic, and cannot take a
fused kernel. A model that cannot be built or run on meta is counted on the CPU (a note
says why), and then once more on random inputs, to tell whether its control flow depends
on input values. fvcore traces with ``torch.jit`` and needs real tensors: the meta module
is made real (zero-filled) on the CPU, or built there when it keeps tensors outside its
parameters and buffers. Tracing for real costs time and memory in proportion to the MACs
and weights, so past :data:`TRACE_MAX_MACS` or :data:`TRACE_MAX_BYTES` fvcore is not run
(a note says so) and the meta routes still give the exact count.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from torch import nn

from bottlecalc.build import materialize, materialize_shared
from bottlecalc.errors import BottlecalcError, MeasureError, SpecError, failing_as
from bottlecalc.findings import ModuleCount
from bottlecalc.measure.engines import FvcoreCount, fvcore_count, instantiated
from bottlecalc.measure.forward import (
    Forward,
    Reached,
    count_forward,
    count_training,
    hooks_removed,
)
from bottlecalc.measure.known import KnownValues, PythonData, known_pairs
from bottlecalc.measure.reconcile import fvcore_rows, modules_rows, ops_rows
from bottlecalc.measure.rejected import shape_hint, where_it_failed
from bottlecalc.measure.shape_only import ShapeOnly
from bottlecalc.measure.subject import Inputs, Origin, Subject, dtype_guard, untraceable
from bottlecalc.measure.user import contained
from bottlecalc.results import Measured

TRACE_MAX_MACS = 20 * 10**9
TRACE_MAX_BYTES = 512 * 2**20
ACTIVATIONS = 5  # activation-sized tensors alive at once in a real forward (an estimate)


@dataclass(frozen=True)
class Plan:
    """Which routes run besides the instantiated count (always run: it is free on meta)."""

    complete: bool = False  # the complete count: FlopCounterMode, module formulas, usage
    fvcore: bool = True
    train: bool = False  # also a training step's FLOPs (forward + backward) on meta


@contextmanager
def inference(module: nn.Module) -> Iterator[nn.Module]:
    """Eval mode for the count (BN must not update its running stats), then every
    submodule's ``training`` flag as it was: a user's model leaves as it came."""
    flags = [(sub, sub.training) for sub in module.modules()]
    module.eval()
    try:
        yield module
    finally:
        for sub, training in flags:
            sub.training = training


@dataclass
class _Built:
    """The module being measured, where its tensors live, and how it got there."""

    module: nn.Module
    device: str
    notes: list[str] = field(default_factory=list)
    value_dependent: tuple[int, int] | None = None  # MACs on the example and a random input
    untraceable: str | None = None  # what in the forward's output torch.jit cannot trace
    # (meta tensor, its value) for the plain tensor attributes the build computed from
    # known values alone (ultralytics' strides, found by a dummy forward in __init__)
    known: list[tuple[torch.Tensor, torch.Tensor]] = field(default_factory=list)


def measure(subject: Subject, plan: Plan) -> Measured:
    """Every route ``plan`` asks for on ``subject``; failures become :class:`MeasureError`."""
    built = _build(subject)
    made = instantiated(built.module)
    skip = too_big_to_trace(subject.trace_macs, subject.trace_bytes)
    forward = _forward(built, subject) if plan.complete or (plan.fvcore and skip) else None
    train = _train(built, subject) if plan.train else None
    if forward is not None and skip is None:
        skip = _fvcore_skip(forward, built, subject)
    fv = None
    if plan.fvcore and skip is None:
        fv = _fvcore(built, subject)
    elif plan.fvcore and forward is not None:
        built.notes.append(f"fvcore not run: {skip}; FlopCounterMode measured on the "
                           f"{'meta device' if forward.device == 'meta' else forward.device}")
    return replace(_assemble(made, forward, fv, built, subject), train_flops=train)


def _fvcore_skip(forward: Forward, built: _Built, subject: Subject) -> str | None:
    """Why fvcore would fail or cost too much here, known from the count on meta."""
    if built.untraceable is not None:
        return (f"the forward's output holds an object of type {built.untraceable}, which "
                "torch.jit cannot trace")
    if subject.trace_macs is not None:
        return None
    # fvcore traces with autograd on, so activations stay alive: a lower bound on them
    activations = ACTIVATIONS * 4 * forward.largest
    return too_big_to_trace(forward.macs, _weight_bytes(built.module), activations)


def too_big_to_trace(macs: int | None, weight_bytes: int | None,
                     activation_bytes: int = 0) -> str | None:
    """Why fvcore must not trace this for real, or None when it may (or the cost is unknown)."""
    if macs is not None and macs > TRACE_MAX_MACS:
        return f"tracing for real would compute {macs:,} MACs"
    if weight_bytes is None:
        return None
    total = weight_bytes + activation_bytes
    if total > TRACE_MAX_BYTES:
        what = "weights and activations" if activation_bytes else "weights"
        return f"tracing for real would allocate {total / 2**20:,.0f} MiB of {what}"
    return None


def _weight_bytes(module: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in [*module.parameters(), *module.buffers()])


def _user_code(subject: Subject) -> AbstractContextManager[None]:
    return nullcontext() if subject.origin is Origin.OWN else contained(subject.name)


def _on_meta(module: nn.Module) -> bool:
    tensors = [*module.parameters(), *module.buffers()]
    return bool(tensors) and all(t.device.type == "meta" for t in tensors)


def _build(subject: Subject) -> _Built:
    """Build on meta where the model allows it (values the build computes from Python
    numbers alone are known, so ``math.log(stride)`` in an ``__init__`` works), else on
    the CPU."""
    values = KnownValues([])
    try:
        # initialisers on meta need no Python reference kernels (ShapeOnly)
        with ShapeOnly(), values, PythonData(values):
            module = subject.make("meta")
    except BottlecalcError:  # bottlecalc's own verdicts (a bad input: exit 2) stand
        raise
    except Exception as exc:  # any meta failure means: retry on the CPU
        note = f"built on the CPU: the meta device failed ({type(exc).__name__}: {exc})"
        return _Built(_cpu_build(subject), subject.home, [note])
    if _on_meta(module):
        return _Built(module, "meta", known=_known_attributes(module, values))
    placed = "built on the CPU: the factory placed its tensors there"
    notes = [] if subject.origin is Origin.GIVEN else [placed]
    return _Built(module, subject.home, notes)


def _known_attributes(module: nn.Module,
                      values: KnownValues) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(meta tensor, value) for every plain tensor attribute whose value the build knew."""
    pairs = []
    for sub in module.modules():
        for item in vars(sub).values():
            value = values.value(item) if isinstance(item, torch.Tensor) else None
            if value is not None:
                pairs.append((item, value))
    return pairs


def _cpu_build(subject: Subject) -> nn.Module:
    with failing_as(f"building {subject.name}", keep=(BottlecalcError,)):
        return subject.make(subject.home)


def _forward(built: _Built, subject: Subject) -> Forward:
    """The complete count on meta (a CPU model is copied there); if the forward reads
    values there, again on meta with the values bottlecalc knows; else on the CPU, after
    checking it would fit, with a note saying why."""
    meta = built.module if built.device == "meta" else _meta_copy(built.module)
    if meta is None:
        return _cpu_forward(built, subject)
    reached = Reached()
    try:
        return _run(meta, subject.inputs("meta"), subject, built, device="meta",
                    reached=reached)
    except BottlecalcError:
        raise
    except Exception as exc:  # a meta kernel is missing, or the forward reads values
        failure = f"{type(exc).__name__}: {exc}"
    known = _known_forward(meta, subject, built)
    if known is not None:
        return known
    _refuse_if_too_big(meta, subject, reached, failure, built=built.device != "meta")
    built.notes.append(f"counted on the CPU: the forward failed on the meta device ({failure})")
    return _cpu_forward(built, subject)


def _run(module: nn.Module, inputs: Inputs, subject: Subject, built: _Built, *, device: str,
         values: KnownValues | None = None, reached: Reached | None = None) -> Forward:
    """The complete count of one forward of ``module`` on ``inputs`` (see :func:`_watched`)."""
    with inference(module), _user_code(subject), _watched(module, built, inputs):
        return count_forward(module, inputs, device=device, values=values, reached=reached)


def _known_forward(meta: nn.Module, subject: Subject, built: _Built) -> Forward | None:
    """The forward on meta again, its reads of values bottlecalc knows (the example
    inputs and what is computed from them alone) answered; None if it still fails. A
    second run on random inputs tells whether the count depends on those values."""
    forward, answered = _with_values(meta, subject, built, subject.inputs("cpu"))
    if forward is None:
        return None
    reads = ", ".join(f"{op} x{n}" for op, n in sorted(answered.items()))
    built.notes.append(f"counted on the meta device: the forward reads values ({reads}), "
                       "answered from known values (the example inputs', and tensors the build "
                       "made from numbers)")
    again, _ = _with_values(meta, subject, built, subject.inputs("cpu").randomized())
    if again is not None:
        _warn_if_differs(built, forward, again)
    return forward


def _with_values(meta: nn.Module, subject: Subject, built: _Built,
                 real: Inputs) -> tuple[Forward | None, dict[str, int]]:
    inputs = real.to("meta")
    values = KnownValues(known_pairs(inputs, real) + built.known)
    try:
        return (_run(meta, inputs, subject, built, device="meta", values=values),
                values.answered)
    except BottlecalcError:
        raise
    except Exception:
        return None, {}


def _refuse_if_too_big(meta: nn.Module, subject: Subject, reached: Reached, failure: str, *,
                       built: bool) -> None:
    """Refuse (exit 2) to run for real what would not fit: the weights as built on meta
    (unless ``built`` already), :data:`ACTIVATIONS` tensors the size of the largest the
    meta run made before failing, and the inputs (a lower bound: the forward may go on to
    make larger ones)."""
    from bottlecalc.measure.timing import available_bytes  # timing imports this module

    weights = 0 if built else _weight_bytes(meta)
    activations = ACTIVATIONS * 4 * reached.largest
    fed = sum(t.numel() * t.element_size() for _, t in subject.inputs("meta").tensors())
    need, free = weights + activations + fed, available_bytes(subject.home)
    if free is not None and need > free:
        of_weights = f" ({weights / 2**30:,.1f} GiB of weights)" if weights else ""
        raise SpecError(f"{subject.name} cannot run on the meta device "
                        f"({' '.join(failure.split())}), and counting it on the {subject.home} "
                        f"would take at least {need / 2**30:,.1f} GiB{of_weights} where "
                        f"{free / 2**30:,.1f} GiB are free: make its forward run on meta (no "
                        ".item() or bool() on a value bottlecalc cannot know), give smaller "
                        "inputs, or count it on a machine with more memory")


def _watched(module: nn.Module, built: _Built, inputs: Inputs) -> AbstractContextManager[None]:
    """Note what in the output torch.jit cannot trace (fvcore would fail on it), and refuse
    a floating input in a dtype the layer it reaches will not take (as torch would)."""

    def output(_module: nn.Module, _args: Any, out: Any) -> None:
        built.untraceable = untraceable(out)

    return hooks_removed([module.register_forward_hook(output), *dtype_guard(module, inputs)])


def _train(built: _Built, subject: Subject) -> int:
    """A training step's FLOPs on meta (on a meta copy of a CPU model, never the model)."""
    meta = built.module if built.device == "meta" else _meta_copy(built.module)
    if meta is None:
        raise MeasureError(f"{subject.name} cannot be copied to the meta device to count a "
                           "training step without touching it")
    try:
        with inference(meta), _user_code(subject):
            return count_training(meta, subject.inputs("meta"), device="meta")
    except BottlecalcError:
        raise
    except Exception as exc:
        failure = exc
    try:  # again, reads of the values bottlecalc knows answered (see _known_forward)
        real = subject.inputs("cpu")
        inputs = real.to("meta")
        with inference(meta), _user_code(subject):
            return count_training(meta, inputs, device="meta",
                                  values=KnownValues(known_pairs(inputs, real)))
    except BottlecalcError:
        raise
    except Exception:
        raise MeasureError(f"the training step of {subject.name} failed on the meta device: "
                           f"{type(failure).__name__}: {failure}") from failure


_EMPTY = (dict, OrderedDict, set)  # an empty one of these deep-copies to a new empty one


def _meta_copy(module: nn.Module) -> nn.Module | None:
    """A copy of a real module with every tensor on meta (the original is never touched)."""
    memo: dict[int, object] = {}
    for sub in module.modules():
        for _, value in [*sub._parameters.items(), *sub._buffers.items(),
                            *vars(sub).items()]:
            if isinstance(value, torch.Tensor):
                meta = value.to("meta")
                is_param = isinstance(value, nn.Parameter)
                memo[id(value)] = nn.Parameter(meta, value.requires_grad) if is_param else meta
            elif type(value) in _EMPTY and not value:  # hook tables: most of deepcopy's time
                memo[id(value)] = type(value)()
    try:
        return copy.deepcopy(module, memo)
    except Exception:  # a module that cannot be copied is counted where it is
        return None


def _cpu_forward(built: _Built, subject: Subject) -> Forward:
    """The complete count on the CPU, then again on random inputs of the same shapes: a
    different count means the forward's control flow reads input values, so the count holds
    for the example only. The inputs are made afresh: the first forward may have changed its
    own (a cache grown in place), and like must be compared with like."""
    if built.device == "meta":
        built.module, built.device = _cpu_build(subject), subject.home
    forward = _count_on_cpu(built, subject, subject.inputs(subject.home))
    try:
        again = _count_on_cpu(built, subject, subject.inputs(subject.home).randomized())
    except MeasureError as exc:
        built.notes.append(f"could not check for data-dependent control flow: {exc}")
    else:
        _warn_if_differs(built, forward, again)
    return forward


def _count_on_cpu(built: _Built, subject: Subject, inputs: Inputs) -> Forward:
    try:
        return _run(built.module, inputs, subject, built, device=subject.home)
    except BottlecalcError:
        raise
    except Exception as exc:
        raise MeasureError(f"the forward pass of {subject.name} failed on input "
                           f"{subject.input_text}{where_it_failed(exc, built.module)}: "
                           f"{type(exc).__name__}: {exc}{shape_hint(exc, built.module)}") from exc


def _warn_if_differs(built: _Built, forward: Forward, again: Forward) -> None:
    """The count on random inputs differs: the forward's control flow reads values."""
    if again.macs != forward.macs:
        built.value_dependent = (forward.macs, again.macs)


def _fvcore(built: _Built, subject: Subject) -> FvcoreCount | None:
    """fvcore on real tensors, as its documentation runs it; a user model it cannot trace
    is noted (the complete count does not depend on it)."""
    module = _real_module(built, subject)
    inputs = subject.inputs(subject.home)
    try:
        with inference(module), _user_code(subject):
            return fvcore_count(module, inputs.args, inputs.kwargs,
                                grad=subject.origin is not Origin.OWN)
    except BottlecalcError:
        raise
    except Exception as exc:
        message = (f"fvcore could not trace {subject.name} on input {subject.input_text}: "
                   f"{type(exc).__name__}: {exc}")
        if subject.origin is Origin.OWN:
            raise MeasureError(message) from exc
        built.notes.append(message)
        return None


def _real_module(built: _Built, subject: Subject) -> nn.Module:
    if built.device != "meta":
        return built.module
    if _keeps_meta_tensors(built.module):
        built.notes.append("built again on the CPU for fvcore: the model keeps tensors "
                           "outside its parameters and buffers")
        built.module = _cpu_build(subject)
    else:
        own = subject.origin is Origin.OWN
        built.module = (materialize_shared if own else materialize)(built.module)
    built.device = "cpu"
    return built.module


def _keeps_meta_tensors(module: nn.Module) -> bool:
    return any(isinstance(v, torch.Tensor) for sub in module.modules() for v in vars(sub).values())


def _assemble(made: Measured, forward: Forward | None, fv: FvcoreCount | None,
              built: _Built, subject: Subject) -> Measured:
    """The instantiated counts ``made``, with what every other route found."""
    measured = replace(
        made, fvcore=None if fv is None else fv.total,
        fvcore_unsupported=() if fv is None else tuple(sorted(fv.unsupported.items())),
        notes=tuple(built.notes), value_dependent=built.value_dependent,
        inputs=subject.inputs("meta").specs(),
    )
    if forward is None:
        return measured

    def fvcore_of(name: str) -> int | None:
        return None if fv is None else sum(fv.by_module.get(name, {}).values())

    modules = tuple(ModuleCount(name, kind, forward.held.get(name, 0),
                                forward.own.get(name, 0) // 2, fvcore_of(name),
                                forward.tied.get(name, ()), forward.parents.get(name, 1))
                    for name, kind in forward.kinds.items())
    reconcile = ops_rows(forward) + modules_rows(forward) + (fvcore_rows(forward, fv) if fv else [])
    return replace(measured, reconcile=tuple(reconcile), torch_flops=forward.flops,
                   torch_device=forward.device, macs=forward.macs,
                   macs_modules=forward.macs_modules, macs_ops=forward.macs_ops,
                   unknown_ops=forward.unknown,
                   params_unused=sum(forward.unused.values()),
                   unused_modules=forward.unused_modules(), modules=modules,
                   largest=forward.largest)
