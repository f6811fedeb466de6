"""One measuring path: build a subject, run the routes a plan asks for, return :class:`Measured`.

Modules are built on the meta device where they allow it: parameter counts and
FlopCounterMode then cost no weight memory. fvcore traces with ``torch.jit`` and needs
real tensors, so for fvcore the meta module is made real (zero-filled) on the CPU, or the
module is built on the CPU when it cannot be built or run on meta. Tracing for real costs
time and memory in proportion to the MACs and weights, so past :data:`TRACE_MAX_MACS` or
:data:`TRACE_MAX_BYTES` fvcore is skipped (with a note) and FlopCounterMode counts on meta.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from torch import nn

from bottlecalc.analytic import fmt
from bottlecalc.build import materialize, materialize_shared
from bottlecalc.errors import MeasureError
from bottlecalc.measure.engines import fvcore_count, instantiated, torch_flops
from bottlecalc.measure.subject import Subject
from bottlecalc.results import Measured

TRACE_MAX_MACS = 20 * 10**9
TRACE_MAX_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Plan:
    """Which routes run besides the instantiated count (always run: it is free on meta)."""

    fvcore: bool = True
    torch: bool = False  # FlopCounterMode; also run whenever fvcore is too costly to trace
    trace_limit: bool = True  # skip fvcore past TRACE_MAX_MACS / TRACE_MAX_BYTES


def too_big_to_trace(subject: Subject) -> str | None:
    """Why fvcore must not trace this for real, or None when it may (or the cost is unknown)."""
    if subject.trace_macs is not None and subject.trace_macs > TRACE_MAX_MACS:
        return f"tracing for real would compute {fmt(subject.trace_macs)} MACs"
    if subject.trace_bytes is not None and subject.trace_bytes > TRACE_MAX_BYTES:
        return f"tracing for real would allocate {subject.trace_bytes / 2**20:,.0f} MiB of weights"
    return None


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


def measure(subject: Subject, plan: Plan) -> Measured:
    """Every route ``plan`` asks for on ``subject``; failures become :class:`MeasureError`."""
    built = _build(subject)
    made = instantiated(built.module)
    skip = too_big_to_trace(subject) if plan.trace_limit else None
    flops, device = None, None
    if plan.torch or (plan.fvcore and skip is not None):
        flops, device = _flops(built, subject)
    fv, unsupported = None, dict[str, int]()
    if plan.fvcore and skip is None:
        fv, unsupported = _fvcore(built, subject)
    elif plan.fvcore:
        built.notes.append(f"fvcore not run: {skip}; FlopCounterMode measured on the meta device")
    return Measured(
        params=made.params, trainable=made.trainable, buffers=made.buffers, fvcore=fv,
        fvcore_unsupported=tuple(sorted(unsupported.items())), torch_flops=flops,
        torch_device=device, notes=tuple(built.notes),
    )


def _on_meta(module: nn.Module) -> bool:
    tensors = [*module.parameters(), *module.buffers()]
    return bool(tensors) and all(t.device.type == "meta" for t in tensors)


def _build(subject: Subject) -> _Built:
    """Build on meta where the model allows it, else on the CPU."""
    try:
        module = subject.make("meta")
    except MeasureError:
        raise
    except Exception as exc:  # any meta failure means: retry on the CPU
        note = f"built on the CPU: the meta device failed ({type(exc).__name__}: {exc})"
        return _Built(_cpu_build(subject), "cpu", [note])
    if _on_meta(module):
        return _Built(module, "meta")
    return _Built(module, "cpu", ["built on the CPU: the factory placed its tensors there"])


def _cpu_build(subject: Subject) -> nn.Module:
    try:
        return subject.make("cpu")
    except MeasureError:
        raise
    except Exception as exc:
        raise MeasureError(f"building {subject.name} failed: "
                           f"{type(exc).__name__}: {exc}") from exc


def _flops(built: _Built, subject: Subject) -> tuple[int, str]:
    """FlopCounterMode on meta tensors when possible (free), else one real CPU forward."""
    if built.device == "meta":
        try:
            with inference(built.module) as module:
                return torch_flops(module, subject.inputs("meta")), "meta"
        except Exception as exc:  # meta kernel missing: run for real
            built.notes.append(f"FlopCounterMode ran on the CPU: the meta device failed "
                               f"({type(exc).__name__}: {exc})")
            built.module, built.device = _cpu_build(subject), "cpu"
    try:
        with inference(built.module) as module:
            return torch_flops(module, subject.inputs("cpu")), "cpu"
    except Exception as exc:
        raise MeasureError(f"the forward pass of {subject.name} failed on input "
                           f"{subject.shape_text}: {type(exc).__name__}: {exc}") from exc


def _fvcore(built: _Built, subject: Subject) -> tuple[int, dict[str, int]]:
    """fvcore needs real tensors: materialize the meta module (zero-filled) or use the CPU one."""
    if built.device == "meta":
        made = materialize_shared if subject.alias else materialize
        built.module, built.device = made(built.module), "cpu"
    try:
        with inference(built.module) as module:
            return fvcore_count(module, subject.inputs("cpu"))
    except Exception as exc:
        raise MeasureError(f"fvcore could not trace {subject.name} on input "
                           f"{subject.shape_text}: {type(exc).__name__}: {exc}") from exc
