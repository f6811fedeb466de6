"""Fast shape answers on the meta device, so a count takes milliseconds, not seconds."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode

aten = torch.ops.aten


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
def no_lazy_dynamo(mode: type) -> Iterator[None]:
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
