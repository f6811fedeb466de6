"""The torch-side routes: instantiated parameter counts, fvcore, and FlopCounterMode.

* **instantiated** — sum of ``numel()`` over the parameters torch created (meta device).
* **fvcore** — ``FlopCountAnalysis(module, x).total()``; it traces with ``torch.jit``, so it
  needs real tensors. Its unsupported-op report comes back as data, never as log lines.
* **FlopCounterMode** — ``torch.utils.flop_counter``, an independent engine that counts at
  the dispatcher. It runs on meta tensors, so its cost does not grow with width.

Tracing for real costs time and memory proportional to the network's MACs and weights,
so past :data:`TRACE_MAX_MACS` or :data:`TRACE_MAX_BYTES` fvcore is skipped, the reason is
recorded in the result, and FlopCounterMode measures on the meta device instead.
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.analytic import Counts, fmt
from bottlecalc.build import build_block, build_network, materialize
from bottlecalc.errors import MeasureError
from bottlecalc.results import Measured
from bottlecalc.spec import BlockSpec, InputShape, NetworkSpec

TRACE_MAX_MACS = 20 * 10**9
TRACE_MAX_BYTES = 512 * 2**20

aten = torch.ops.aten


@contextmanager
def quiet() -> Iterator[None]:
    """Silence torch.jit's deprecation and tracer warnings and fvcore's logging, here only."""
    logger = logging.getLogger("fvcore")
    level = logger.level
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.jit", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=r".*torch\.jit", category=FutureWarning)
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)  # type: ignore[attr-defined]
        logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            logger.setLevel(level)


def load_fvcore() -> Any:
    """Import ``fvcore.nn`` with its torch.jit deprecation warnings silenced."""
    with quiet():
        import fvcore.nn

    return fvcore.nn


def instantiated(module: nn.Module) -> tuple[int, int]:
    """(parameters, buffers) as torch created them, counted by ``numel``."""
    params = sum(p.numel() for p in module.parameters())
    buffers = sum(b.numel() for b in module.buffers())
    return params, buffers


def fvcore_count(module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> tuple[int, dict[str, int]]:
    """fvcore's total and the ops it could not count (name -> occurrences)."""
    fvnn = load_fvcore()
    with quiet(), torch.no_grad():
        analysis = fvnn.FlopCountAnalysis(module, inputs)
        analysis.unsupported_ops_warnings(False)
        analysis.uncalled_modules_warnings(False)
        analysis.tracer_warnings("none")
        total = int(analysis.total())
        unsupported = dict(analysis.unsupported_ops())
    return total, unsupported


class ShapeOnly(TorchDispatchMode):
    """Answer shape-preserving ops on meta tensors without running their Python kernels.

    On the meta device, BatchNorm and ReLU run through torch's Python reference kernels,
    whose first call imports ``torch._dynamo`` (about 2 s). These ops cost no FLOPs under
    any convention FlopCounterMode knows, so this mode only hands back an empty tensor of
    the right shape; FlopCounterMode still sees every op first.
    """

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # nothing here is ever compiled; skipping needs torch._dynamo

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        handler = _SHAPE_ONLY.get(func)
        if handler is not None and all(_is_meta(a) for a in args if isinstance(a, torch.Tensor)):
            return handler(*args)
        return func(*args, **(kwargs or {}))


def _is_meta(tensor: torch.Tensor) -> bool:
    return tensor.device.type == "meta"


def _bn_eval(x: torch.Tensor, *_: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return torch.empty_like(x), x.new_empty((0,)), x.new_empty((0,))


def _binary(a: torch.Tensor, b: Any, *_: Any) -> torch.Tensor:
    other = b.shape if isinstance(b, torch.Tensor) else ()
    return a.new_empty(torch.broadcast_shapes(a.shape, other))


def _binary_(a: torch.Tensor, b: Any, *_: Any) -> torch.Tensor:
    other = b.shape if isinstance(b, torch.Tensor) else ()
    torch.broadcast_shapes(a.shape, other)  # raises exactly as a real in-place add would
    return a


def _mean(x: torch.Tensor, dims: Any = None, keepdim: bool = False, *_: Any) -> torch.Tensor:
    """adaptive_avg_pool2d to 1x1 lowers to ``mean.dim`` (a network's global pool)."""
    axes = range(x.dim()) if dims is None else [d % x.dim() for d in dims]
    shape = [1 if i in axes else n for i, n in enumerate(x.shape) if keepdim or i not in axes]
    return x.new_empty(shape)


def _addmm(bias: torch.Tensor, a: torch.Tensor, b: torch.Tensor, *_: Any) -> torch.Tensor:
    """nn.Linear's ``addmm``: FlopCounterMode has already counted it; only the shape is left."""
    return a.new_empty((a.shape[0], b.shape[1]))


_SHAPE_ONLY: dict[Any, Callable[..., Any]] = {
    aten.mean.dim: _mean,
    aten.addmm.default: _addmm,
    aten._native_batch_norm_legit_no_training.default: _bn_eval,
    aten.relu.default: lambda x: torch.empty_like(x),
    aten.relu_.default: lambda x: x,
    aten.add.Tensor: _binary,
    aten.add_.Tensor: _binary_,
}


@contextmanager
def _no_lazy_dynamo(mode: type) -> Iterator[None]:
    """Skip the ``torch._dynamo`` import that ``mode``'s first dispatch would trigger.

    torch wraps every dispatch mode's ``__torch_dispatch__`` so that dynamo never traces
    into it; the wrapper imports ``torch._dynamo`` on first use unless the raw function
    already carries its own disabled version. Nothing here runs under dynamo, so for the
    duration of the count the raw function stands in for itself; it is restored after.
    """
    raw = getattr(mode.__dict__.get("__torch_dispatch__"), "__wrapped__", None)
    seed = raw is not None and "torch._dynamo" not in sys.modules
    seed = seed and not hasattr(raw, "__dynamo_disable")
    if seed:
        setattr(raw, "__dynamo_disable", raw)
    try:
        yield
    finally:
        if seed:
            delattr(raw, "__dynamo_disable")


def torch_flops(module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> int:
    """FlopCounterMode's total (2 per multiply-accumulate) for one forward pass."""
    from torch.utils import flop_counter

    dispatch = flop_counter._FlopCounterMode
    with _no_lazy_dynamo(dispatch), torch.no_grad(), ShapeOnly(), \
            FlopCounterMode(display=False) as counter:
        module(*inputs)
    return int(counter.get_total_flops())


def trace_cost(counts: Counts) -> tuple[int, int]:
    """(MACs, bytes of fp32 weights) fvcore would have to run for real."""
    return counts.macs, 4 * (counts.total + counts.buffers)


def too_big_to_trace(counts: Counts) -> str | None:
    """Why fvcore must not trace this for real, or None when it may."""
    macs, size = trace_cost(counts)
    if macs > TRACE_MAX_MACS:
        return f"tracing for real would compute {fmt(macs)} MACs"
    if size > TRACE_MAX_BYTES:
        return f"tracing for real would allocate {size / 2**20:,.0f} MiB of weights"
    return None


def block_input(spec: BlockSpec, shape: InputShape, device: str) -> torch.Tensor:
    dims = (shape.batch, spec.in_channels, shape.height, shape.width)
    return torch.zeros(dims, device=device)


def measure_block(
    spec: BlockSpec, shape: InputShape, counts: Counts, *, cross_check: bool = False
) -> Measured:
    """Run every torch-side route on one block; failures become :class:`MeasureError`."""
    try:
        return _measure_block(spec, shape, counts, cross_check=cross_check)
    except MeasureError:
        raise
    except (RuntimeError, ValueError, TypeError, AssertionError) as exc:
        raise MeasureError(f"measuring the {spec.kind} block failed: {exc}") from exc


def _measure_block(spec: BlockSpec, shape: InputShape, counts: Counts, *,
                   cross_check: bool) -> Measured:
    module = build_block(spec)
    params, buffers = instantiated(module)
    skip = too_big_to_trace(counts)
    fv: int | None = None
    unsupported: dict[str, int] = {}
    notes: list[str] = []
    if skip is None:
        fv, unsupported = fvcore_count(materialize(build_block(spec)),
                                       (block_input(spec, shape, "cpu"),))
    else:
        notes.append(f"fvcore not run: {skip}; FlopCounterMode measured on the meta device")
    flops = None
    if cross_check or skip is not None:
        flops = torch_flops(module, (block_input(spec, shape, "meta"),))
    return Measured(
        instantiated=params, buffers=buffers, fvcore=fv,
        unsupported=tuple(sorted(unsupported.items())), torch_flops=flops,
        torch_device="meta" if flops is not None else None, notes=tuple(notes),
    )


def network_input(spec: NetworkSpec, shape: InputShape, device: str) -> torch.Tensor:
    dims = (shape.batch, spec.in_channels, shape.height, shape.width)
    return torch.zeros(dims, device=device)


def measure_network(
    spec: NetworkSpec, shape: InputShape, counts: Counts, *, cross_check: bool = False
) -> Measured:
    """Run every torch-side route on a whole network; failures become :class:`MeasureError`."""
    try:
        return _routes(
            lambda: build_network(spec), lambda device: network_input(spec, shape, device),
            counts, cross_check=cross_check,
        )
    except MeasureError:
        raise
    except (RuntimeError, ValueError, TypeError, AssertionError) as exc:
        raise MeasureError(f"measuring network {spec.name!r} failed: {exc}") from exc


def _routes(
    make: Callable[[], nn.Module], make_input: Callable[[str], torch.Tensor], counts: Counts,
    *, cross_check: bool,
) -> Measured:
    """Instantiated, fvcore (real tensors, when affordable) and FlopCounterMode (meta)."""
    module = make()
    params, buffers = instantiated(module)
    skip = too_big_to_trace(counts)
    fv, notes = None, []
    unsupported: dict[str, int] = {}
    if skip is None:
        fv, unsupported = fvcore_count(materialize(make()), (make_input("cpu"),))
    else:
        notes.append(f"fvcore not run: {skip}; FlopCounterMode measured on the meta device")
    flops = None
    if cross_check or skip is not None:
        flops = torch_flops(module, (make_input("meta"),))
    return Measured(
        instantiated=params, buffers=buffers, fvcore=fv,
        unsupported=tuple(sorted(unsupported.items())), torch_flops=flops,
        torch_device="meta" if flops is not None else None, notes=tuple(notes),
    )
