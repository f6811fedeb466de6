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
from functools import partial
from typing import Any

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.analytic import Counts, fmt
from bottlecalc.build import build_block, build_network, materialize_shared
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
    """Answer a few ops on meta tensors by shape arithmetic instead of torch's meta kernels.

    On the meta device, BatchNorm, ReLU and add run through Python reference kernels whose
    first call imports ``torch._dynamo`` (about 2 s), and the conv / max-pool kernels' checks
    import sympy (about 1 s). This mode hands back an empty tensor of the right shape instead.
    FlopCounterMode sits above it and still sees every op first; the conv and max-pool shape
    formulas are proven equal to torch's kernels by property tests
    (tests/torch/test_shape_only.py), and a channel mismatch still raises.
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
    # new_empty, not empty_like: on meta, empty_like's Python reference imports sympy (~1 s)
    return x.new_empty(x.shape), x.new_empty((0,)), x.new_empty((0,))


def _broadcast(a: Any, b: Any) -> tuple[int, ...]:
    """torch's broadcasting rule in plain Python (``torch.broadcast_shapes`` imports sympy)."""
    a, b = (1,) * (len(b) - len(a)) + tuple(a), (1,) * (len(a) - len(b)) + tuple(b)
    for dim, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y and 1 not in (x, y):
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                               f"({y}) at non-singleton dimension {dim}: cannot broadcast "
                               f"{a} with {b}")
    return tuple(max(x, y) if 0 not in (x, y) else 0 for x, y in zip(a, b, strict=True))


def _binary(a: torch.Tensor, b: Any, *_: Any) -> torch.Tensor:
    other = b.shape if isinstance(b, torch.Tensor) else ()
    return a.new_empty(_broadcast(a.shape, other))


def _binary_(a: torch.Tensor, b: Any, *_: Any) -> torch.Tensor:
    other = b.shape if isinstance(b, torch.Tensor) else ()
    if _broadcast(a.shape, other) != tuple(a.shape):  # raises as a real in-place add would
        raise RuntimeError(f"output with shape {tuple(a.shape)} doesn't match the broadcast "
                           f"shape {_broadcast(a.shape, other)}")
    return a


def _mean(x: torch.Tensor, dims: Any = None, keepdim: bool = False, *_: Any) -> torch.Tensor:
    """adaptive_avg_pool2d to 1x1 lowers to ``mean.dim`` (a network's global pool)."""
    axes = range(x.dim()) if dims is None else [d % x.dim() for d in dims]
    shape = [1 if i in axes else n for i, n in enumerate(x.shape) if keepdim or i not in axes]
    return x.new_empty(shape)


def _addmm(bias: torch.Tensor, a: torch.Tensor, b: torch.Tensor, *_: Any) -> torch.Tensor:
    """nn.Linear's ``addmm``: FlopCounterMode has already counted it; only the shape is left."""
    return a.new_empty((a.shape[0], b.shape[1]))


def _conv(x: torch.Tensor, w: torch.Tensor, bias: Any, stride: Any, padding: Any,
          dilation: Any, transposed: bool, output_padding: Any, groups: int) -> torch.Tensor:
    """``convolution``'s output shape by integer formula: the meta kernel's checks import
    sympy (about 1 s) on first use. A channel mismatch still raises, as the kernel would."""
    args = (x, w, bias, stride, padding, dilation, transposed, output_padding, groups)
    if transposed or x.dim() != w.dim() or len(stride) != x.dim() - 2:
        return aten.convolution.default(*args)  # rare layouts: the real meta kernel
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"convolution: weight {tuple(w.shape)} with groups={groups} "
                           f"expects {w.shape[1] * groups} input channels, got {x.shape[1]}")
    spatial = [(n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, s, p, d
               in zip(x.shape[2:], w.shape[2:], stride, padding, dilation, strict=True)]
    if min(spatial) < 1:
        return aten.convolution.default(*args)  # let the kernel raise its own error
    return x.new_empty((x.shape[0], w.shape[0], *spatial))


def _pair(value: Any, default: Any) -> list[int]:
    value = list(value) if value else list(default)
    return value * 2 if len(value) == 1 else value


def _max_pool(x: torch.Tensor, kernel: Any, stride: Any = (), padding: Any = (0,),
              dilation: Any = (1,), ceil_mode: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """``max_pool2d_with_indices`` by formula (the meta kernel's checks import sympy)."""
    k, p, d = _pair(kernel, ()), _pair(padding, (0,)), _pair(dilation, (1,))
    s = _pair(stride, k)
    if ceil_mode or x.dim() != 4:
        return aten.max_pool2d_with_indices.default(x, kernel, stride, padding, dilation,
                                                    ceil_mode)
    spatial = [(n + 2 * pi - di * (ki - 1) - 1) // si + 1
               for n, ki, si, pi, di in zip(x.shape[2:], k, s, p, d, strict=True)]
    shape = (*x.shape[:2], *spatial)
    return x.new_empty(shape), x.new_empty(shape, dtype=torch.int64)


_SHAPE_ONLY: dict[Any, Callable[..., Any]] = {
    aten.convolution.default: _conv,
    aten.max_pool2d_with_indices.default: _max_pool,
    aten.mean.dim: _mean,
    aten.addmm.default: _addmm,
    aten._native_batch_norm_legit_no_training.default: _bn_eval,
    aten.relu.default: lambda x: x.new_empty(x.shape),
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


def zeros_input(channels: int, shape: InputShape, device: str) -> torch.Tensor:
    """The NCHW input the counts assume, zero-filled (values never matter here)."""
    return torch.zeros((shape.batch, channels, shape.height, shape.width), device=device)


def block_input(spec: BlockSpec, shape: InputShape, device: str) -> torch.Tensor:
    return zeros_input(spec.in_channels, shape, device)


def network_input(spec: NetworkSpec, shape: InputShape, device: str) -> torch.Tensor:
    return zeros_input(spec.in_channels, shape, device)


@contextmanager
def failures_as(what: str) -> Iterator[None]:
    """torch and fvcore raise many kinds of errors; the CLI needs one :class:`MeasureError`."""
    try:
        yield
    except MeasureError:
        raise
    except (RuntimeError, ValueError, TypeError, AssertionError) as exc:
        raise MeasureError(f"{what} failed: {exc}") from exc


def measure_block(
    spec: BlockSpec, shape: InputShape, counts: Counts, *, cross_check: bool = False
) -> Measured:
    """Run every torch-side route on one block; failures become :class:`MeasureError`."""
    with failures_as(f"measuring the {spec.kind} block"):
        return _routes(build_block(spec), partial(block_input, spec, shape), counts,
                       cross_check=cross_check)
    raise AssertionError("unreachable")  # pragma: no cover - keeps mypy's flow analysis


def measure_network(
    spec: NetworkSpec, shape: InputShape, counts: Counts, *, cross_check: bool = False
) -> Measured:
    """Run every torch-side route on a whole network; failures become :class:`MeasureError`."""
    with failures_as(f"measuring network {spec.name!r}"):
        return _routes(build_network(spec), partial(network_input, spec, shape), counts,
                       cross_check=cross_check)
    raise AssertionError("unreachable")  # pragma: no cover - keeps mypy's flow analysis


def _routes(
    module: nn.Module, make_input: Callable[[str], torch.Tensor], counts: Counts,
    *, cross_check: bool,
) -> Measured:
    """Instantiated and FlopCounterMode on the meta ``module``; then fvcore, when affordable,
    on the same module made real (so it is built once)."""
    params, buffers = instantiated(module)
    skip = too_big_to_trace(counts)
    flops = None
    if cross_check or skip is not None:
        flops = torch_flops(module, (make_input("meta"),))
    fv, notes = None, []
    unsupported: dict[str, int] = {}
    if skip is None:
        fv, unsupported = fvcore_count(materialize_shared(module), (make_input("cpu"),))
    else:
        notes.append(f"fvcore not run: {skip}; FlopCounterMode measured on the meta device")
    return Measured(
        instantiated=params, buffers=buffers, fvcore=fv,
        unsupported=tuple(sorted(unsupported.items())), torch_flops=flops,
        torch_device="meta" if flops is not None else None, notes=tuple(notes),
    )
