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

import torch
from torch import nn

from bottlecalc.analytic import fmt
from bottlecalc.build import materialize, materialize_shared
from bottlecalc.errors import MeasureError
from bottlecalc.measure.engines import FvcoreCount, Instantiated, fvcore_count, instantiated
from bottlecalc.measure.forward import Forward, count_forward, count_training
from bottlecalc.measure.reconcile import fvcore_rows, modules_rows
from bottlecalc.measure.rejected import shape_hint, where_it_failed
from bottlecalc.measure.shape_only import ShapeOnly
from bottlecalc.measure.subject import Inputs, Subject
from bottlecalc.measure.user import contained
from bottlecalc.results import Measured, ModuleCount

TRACE_MAX_MACS = 20 * 10**9
TRACE_MAX_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Plan:
    """Which routes run besides the instantiated count (always run: it is free on meta)."""

    forward: bool = False  # the complete count: FlopCounterMode, module formulas, usage
    fvcore: bool = True
    trace_limit: bool = True  # skip fvcore past TRACE_MAX_MACS / TRACE_MAX_BYTES
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
    warnings: list[str] = field(default_factory=list)


def measure(subject: Subject, plan: Plan) -> Measured:
    """Every route ``plan`` asks for on ``subject``; failures become :class:`MeasureError`."""
    built = _build(subject)
    made = instantiated(built.module)
    skip = too_big_to_trace(subject.trace_macs, subject.trace_bytes) if plan.trace_limit \
        else None
    forward = _forward(built, subject) if plan.forward or (plan.fvcore and skip) else None
    train = _train(built, subject) if plan.train else None
    if forward is not None and plan.trace_limit and subject.trace_macs is None:
        skip = too_big_to_trace(forward.macs, _weight_bytes(built.module))
    fv = None
    if plan.fvcore and skip is None:
        fv = _fvcore(built, subject)
    elif plan.fvcore and forward is not None:
        built.notes.append(f"fvcore not run: {skip}; FlopCounterMode measured on the "
                           f"{'meta device' if forward.device == 'meta' else forward.device}")
    return replace(_assemble(made, forward, fv, built, subject), train_flops=train)


def too_big_to_trace(macs: int | None, weight_bytes: int | None) -> str | None:
    """Why fvcore must not trace this for real, or None when it may (or the cost is unknown)."""
    if macs is not None and macs > TRACE_MAX_MACS:
        return f"tracing for real would compute {fmt(macs)} MACs"
    if weight_bytes is not None and weight_bytes > TRACE_MAX_BYTES:
        return f"tracing for real would allocate {weight_bytes / 2**20:,.0f} MiB of weights"
    return None


def _weight_bytes(module: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in [*module.parameters(), *module.buffers()])


def _user_code(subject: Subject) -> AbstractContextManager[None]:
    return nullcontext() if subject.own else contained(subject.name)


def _on_meta(module: nn.Module) -> bool:
    tensors = [*module.parameters(), *module.buffers()]
    return bool(tensors) and all(t.device.type == "meta" for t in tensors)


def _build(subject: Subject) -> _Built:
    """Build on meta where the model allows it, else on the CPU."""
    try:
        with ShapeOnly():  # initialisers on meta need no Python reference kernels
            module = subject.make("meta")
    except MeasureError:
        raise
    except Exception as exc:  # any meta failure means: retry on the CPU
        note = f"built on the CPU: the meta device failed ({type(exc).__name__}: {exc})"
        return _Built(_cpu_build(subject), subject.home, [note])
    if _on_meta(module):
        return _Built(module, "meta")
    notes = [] if subject.given else ["built on the CPU: the factory placed its tensors there"]
    return _Built(module, subject.home, notes)


def _cpu_build(subject: Subject) -> nn.Module:
    try:
        return subject.make(subject.home)
    except MeasureError:
        raise
    except Exception as exc:
        raise MeasureError(f"building {subject.name} failed: "
                           f"{type(exc).__name__}: {exc}") from exc


def _forward(built: _Built, subject: Subject) -> Forward:
    """The complete count on meta (a CPU model is copied there), else on the CPU."""
    meta = built.module if built.device == "meta" else _meta_copy(built.module)
    if meta is not None:
        try:
            with inference(meta), _user_code(subject):
                return count_forward(meta, subject.inputs("meta"), device="meta")
        except MeasureError:
            raise
        except Exception as exc:  # a meta kernel is missing, or the forward reads values
            built.notes.append(f"counted on the CPU: the forward failed on the meta device "
                               f"({type(exc).__name__}: {exc})")
    return _cpu_forward(built, subject)


def _train(built: _Built, subject: Subject) -> int:
    """A training step's FLOPs on meta (on a meta copy of a CPU model, never the model)."""
    meta = built.module if built.device == "meta" else _meta_copy(built.module)
    if meta is None:
        raise MeasureError(f"{subject.name} cannot be copied to the meta device to count a "
                           "training step without touching it")
    try:
        with inference(meta), _user_code(subject):
            return count_training(meta, subject.inputs("meta"), device="meta")
    except MeasureError:
        raise
    except Exception as exc:
        raise MeasureError(f"the training step of {subject.name} failed on the meta device: "
                           f"{type(exc).__name__}: {exc}") from exc


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
    if built.device == "meta":
        built.module, built.device = _cpu_build(subject), subject.home
    inputs = subject.inputs(subject.home)
    forward = _count_on_cpu(built.module, inputs, subject)
    _probe_data_dependence(built, subject, inputs, forward)
    return forward


def _count_on_cpu(module: nn.Module, inputs: Inputs, subject: Subject) -> Forward:
    try:
        with inference(module), _user_code(subject):
            return count_forward(module, inputs, device=subject.home)
    except MeasureError:
        raise
    except Exception as exc:
        raise MeasureError(f"the forward pass of {subject.name} failed on input "
                           f"{subject.input_text}{where_it_failed(exc, module)}: "
                           f"{type(exc).__name__}: {exc}{shape_hint(exc, module)}") from exc


def _probe_data_dependence(built: _Built, subject: Subject, inputs: Inputs,
                           forward: Forward) -> None:
    """Count again on random inputs of the same shapes: a different count means the
    forward's control flow reads input values, so the count holds for the example only."""
    try:
        again = _count_on_cpu(built.module, inputs.randomized(), subject)
    except MeasureError as exc:
        built.notes.append(f"could not check for data-dependent control flow: {exc}")
        return
    if again.macs != forward.macs:
        built.warnings.append(
            f"the forward's control flow depends on input values: the count holds for the "
            f"example input given ({fmt(forward.macs)} MACs); on a random input of the same "
            f"shape it is {fmt(again.macs)} MACs")


def _fvcore(built: _Built, subject: Subject) -> FvcoreCount | None:
    """fvcore on real tensors, as its documentation runs it; a user model it cannot trace
    is noted (the complete count does not depend on it)."""
    module = _real_module(built, subject)
    inputs = subject.inputs(subject.home)
    try:
        with inference(module), _user_code(subject):
            return fvcore_count(module, inputs.args, inputs.kwargs, grad=not subject.own)
    except MeasureError:
        raise
    except Exception as exc:
        message = (f"fvcore could not trace {subject.name} on input {subject.input_text}: "
                   f"{type(exc).__name__}: {exc}")
        if subject.own:
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
        built.module = (materialize_shared if subject.own else materialize)(built.module)
    built.device = "cpu"
    return built.module


def _keeps_meta_tensors(module: nn.Module) -> bool:
    return any(isinstance(v, torch.Tensor) for sub in module.modules() for v in vars(sub).values())


def _assemble(made: Instantiated, forward: Forward | None, fv: FvcoreCount | None,
              built: _Built, subject: Subject) -> Measured:
    reconcile = []
    if forward is not None:
        reconcile = modules_rows(forward) + (fvcore_rows(forward, fv) if fv else [])
    warnings = [*built.warnings, *(f"{r.engine}: {r.reason} in {', '.join(r.modules)}"
                                   for r in reconcile if not r.explained)]
    measured = Measured(
        params=made.params, trainable=made.trainable, buffers=made.buffers,
        fvcore=None if fv is None else fv.total,
        fvcore_unsupported=() if fv is None else tuple(sorted(fv.unsupported.items())),
        notes=tuple(built.notes), reconcile=tuple(reconcile), warnings=tuple(warnings),
        inputs=subject.inputs("meta").specs(),
    )
    return measured if forward is None else _with_forward(measured, forward, fv)


def _with_forward(measured: Measured, forward: Forward, fv: FvcoreCount | None) -> Measured:
    def fvcore_of(name: str) -> int | None:
        return None if fv is None else sum(fv.by_module.get(name, {}).values())

    modules = tuple(ModuleCount(name, kind, forward.held.get(name, 0),
                                forward.own.get(name, 0) // 2, fvcore_of(name))
                    for name, kind in forward.kinds.items())
    return replace(measured, torch_flops=forward.flops, torch_device=forward.device,
                   macs=forward.macs, macs_modules=forward.macs_modules,
                   params_unused=sum(forward.unused.values()),
                   unused_modules=forward.unused_modules(), modules=modules,
                   largest=forward.largest)
