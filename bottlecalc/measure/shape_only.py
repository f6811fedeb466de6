"""Fast shape answers on the meta device, so a count takes milliseconds, not seconds.

On the meta device most ops run Python reference kernels whose first call imports sympy
and ``torch._dynamo`` (about a second) and which are slow in Python. Counting needs only
the shapes (and dtypes) of what flows between the layers that do multiply-accumulates, so
:class:`ShapeOnly` answers the common ones directly: every elementwise op (the broadcast
shape of its inputs, the dtype torch gives them), normalisation, softmax, concatenation,
embedding lookups, dropout, copies and initialisers. The shapes are property-tested
against torch's own kernels (tests/torch/test_shape_only.py); an op it does not know, or
one whose shapes do not fit, goes to torch's kernel, which raises as it would.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves, tree_map

aten = torch.ops.aten


class UncompiledMode(TorchDispatchMode):
    """A dispatch mode torch never has to keep dynamo out of (nothing here is compiled)."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # skipping it would import torch._dynamo (about 2 s) to no purpose


class ShapeOnly(UncompiledMode):
    """Answer a few ops on meta tensors by shape arithmetic instead of torch's meta kernels.

    On the meta device, BatchNorm, ReLU and add run through Python reference kernels whose
    first call imports ``torch._dynamo`` (about 2 s), and the conv / max-pool kernels' checks
    import sympy (about 1 s). This mode hands back an empty tensor of the right shape instead.
    FlopCounterMode sits above it and still sees every op first; the conv and max-pool shape
    formulas are proven equal to torch's kernels by property tests
    (tests/torch/test_shape_only.py), and a channel mismatch still raises.
    """

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if torch._C._get_tracing_state() is not None:  # a factory's jit.trace: sizes are traced
            return func(*args, **kwargs)  # values, and reading them here warns (TracerWarning)
        tensors = [t for t in tree_leaves((args, kwargs)) if isinstance(t, torch.Tensor)]
        if tensors and all(t.device.type == "meta" for t in tensors):
            handler = _table().get(func)
            if handler is not None:
                return handler(*args, **kwargs)
            if _is_pointwise(func):
                return _pointwise(func, args, kwargs, tensors)
        return func(*args, **kwargs)


@functools.cache
def _table() -> dict[Any, Callable[..., Any]]:
    """The shape-only answers of the op registry (imported here: the registry uses this
    module's functions)."""
    from bottlecalc.measure.ops import shape_only_table

    return shape_only_table()


def bn_eval(x: torch.Tensor, *_: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
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


@functools.cache
def _is_pointwise(func: Any) -> bool:
    """An elementwise op with one tensor result (no ``out=`` variant)."""
    schema = func._schema
    return (torch.Tag.pointwise in func.tags and len(schema.returns) == 1
            and not any(a.kwarg_only and a.alias_info for a in schema.arguments))


def _writes_first(func: Any) -> bool:
    alias = func._schema.returns[0].alias_info
    return alias is not None and alias.is_write


def _probe(value: Any) -> Any:
    """A one-element CPU stand-in: zero-dimensional where the tensor is (type promotion ranks
    dimensioned tensors above zero-dimensional ones of the same kind)."""
    if not isinstance(value, torch.Tensor):
        return value
    return torch.zeros(() if value.dim() == 0 else (1,), dtype=value.dtype)


def _pointwise(func: Any, args: Any, kwargs: Any, tensors: list[torch.Tensor]) -> Any:
    """An elementwise op: the broadcast shape of its tensors, and the dtype torch itself gives
    one-element tensors of the same dtypes (a CPU probe of a few microseconds)."""
    shape: tuple[int, ...] = ()
    for tensor in tensors:
        shape = _broadcast(shape, tuple(tensor.shape))
    if _writes_first(func):
        if shape != tuple(args[0].shape):  # an in-place op cannot grow its target
            return func(*args, **kwargs)  # let the kernel raise its own error
        return args[0]
    try:
        probe = func(*tree_map(_probe, args), **tree_map(_probe, kwargs))
    except Exception:  # values the probe cannot take (int ** -1): the real kernel decides
        return func(*args, **kwargs)
    return tensors[0].new_empty(shape, dtype=probe.dtype)


def cat(tensors: Any, dim: int = 0) -> torch.Tensor:
    """``cat``: sizes add up along ``dim`` (1-d empty tensors are skipped, as torch does)."""
    parts = [t for t in tensors if not (t.dim() == 1 and t.shape[0] == 0)]
    if not parts:
        return aten.cat.default(list(tensors), dim)
    d = dim % parts[0].dim()
    shape = list(parts[0].shape)
    if any(t.dim() != len(shape) or [n for i, n in enumerate(t.shape) if i != d]
           != [n for i, n in enumerate(shape) if i != d] for t in parts):
        return aten.cat.default(list(tensors), dim)  # mismatched: the kernel raises
    shape[d] = sum(t.shape[d] for t in parts)
    dtype = functools.reduce(torch.promote_types, (t.dtype for t in parts))
    return parts[0].new_empty(shape, dtype=dtype)


def layer_norm(x: torch.Tensor, normalized: Any, *_: Any) -> tuple[torch.Tensor, ...]:
    stats = (*x.shape[:x.dim() - len(normalized)], *([1] * len(normalized)))
    return x.new_empty(x.shape), _stat(x, stats), _stat(x, stats)


def group_norm(x: torch.Tensor, w: Any, b: Any, n: int, c: int, hw: int, groups: int,
                *_: Any) -> tuple[torch.Tensor, ...]:
    return x.new_empty(x.shape), _stat(x, (n, groups)), _stat(x, (n, groups))


def _stat(x: torch.Tensor, shape: Any) -> torch.Tensor:
    """Mean and rstd are kept in float32 for half-precision inputs."""
    dtype = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    return x.new_empty(shape, dtype=dtype)


def softmax(x: torch.Tensor, dim: int, half_to_float: bool = False) -> torch.Tensor:
    return x.new_empty(x.shape, dtype=torch.float32 if half_to_float else x.dtype)


def safe_softmax(x: torch.Tensor, dim: int, dtype: Any = None) -> torch.Tensor:
    return x.new_empty(x.shape, dtype=dtype or x.dtype)


def embedding(weight: torch.Tensor, indices: torch.Tensor, *_: Any) -> torch.Tensor:
    return weight.new_empty((*indices.shape, weight.shape[-1]))


def dropout(x: torch.Tensor, *_: Any) -> tuple[torch.Tensor, torch.Tensor]:
    return x.new_empty(x.shape), x.new_empty(x.shape, dtype=torch.bool)


def to_copy(x: torch.Tensor, *, dtype: Any = None, device: Any = None,
             **_: Any) -> torch.Tensor:
    if device is not None and torch.device(device).type != "meta":
        return aten._to_copy.default(x, dtype=dtype, device=device)
    return x.new_empty(x.shape, dtype=dtype or x.dtype)


def stack(tensors: Any, dim: int = 0) -> torch.Tensor:
    """``stack``: equal shapes, a new dimension of their number at ``dim``."""
    first = tensors[0]
    if any(t.shape != first.shape for t in tensors):
        return aten.stack.default(list(tensors), dim)  # mismatched: the kernel raises
    shape = list(first.shape)
    shape.insert(dim % (first.dim() + 1), len(tensors))
    dtype = functools.reduce(torch.promote_types, (t.dtype for t in tensors))
    return first.new_empty(shape, dtype=dtype)


def matrix_product(a: torch.Tensor, b: torch.Tensor, *rest: Any, **kw: Any) -> torch.Tensor:
    """``mm`` (n x m @ m x p) and ``bmm`` (the same, batched): FlopCounterMode above has
    counted it; only the shape is left."""
    batched = a.dim() == 3
    fits = a.dim() == b.dim() == (3 if batched else 2) and a.shape[-1] == b.shape[-2] \
        and (not batched or a.shape[0] == b.shape[0]) and a.dtype == b.dtype
    if not fits:
        op = aten.bmm.default if batched else aten.mm.default
        return op(a, b)  # the kernel raises its own error
    return a.new_empty((*a.shape[:-1], b.shape[-1]))


def grouped_mm(a: torch.Tensor, b: torch.Tensor, offs: torch.Tensor | None = None,
               bias: Any = None, out_dtype: torch.dtype | None = None) -> torch.Tensor:
    """``_grouped_mm``'s output shape. torch's meta kernel takes bfloat16 only (CUDA's
    rule) where the CPU kernel takes float32 too: a float32 MoE (transformers' default
    experts) would otherwise leave meta. 2-d x 3-d: rows x n; 3-d x 3-d: batched; 2-d x
    2-d: one m x n per group; 3-d x 2-d: m x every group's columns."""
    fits = a.dtype == b.dtype and a.shape[-1] == b.shape[-2] \
        and (offs is not None or a.dim() == b.dim() == 3)
    if not fits:
        return aten._grouped_mm.default(a, b, offs, bias, out_dtype)  # the kernel's error
    if a.dim() == 2 and b.dim() == 2:
        assert offs is not None
        shape: tuple[int, ...] = (offs.shape[0], a.shape[0], b.shape[1])
    elif a.dim() == 3 and b.dim() == 3:
        shape = (a.shape[0], a.shape[1], b.shape[2])
    else:
        shape = (a.shape[-2], b.shape[-1])
    return a.new_empty(shape, dtype=out_dtype or a.dtype)


def filled_like(x: torch.Tensor, *_: Any, dtype: torch.dtype | None = None,
                 **__: Any) -> torch.Tensor:
    """``ones_like``, ``zeros_like``, ``empty_like`` (a backward pass's seed gradient) and
    ``clone``."""
    return x.new_empty(x.shape, dtype=dtype or x.dtype)


def itself(x: torch.Tensor, *_: Any, **__: Any) -> torch.Tensor:
    """Initialisers and fills write values, which meta tensors do not have."""
    return x


def mean(x: torch.Tensor, dims: Any = None, keepdim: bool = False, *_: Any) -> torch.Tensor:
    """adaptive_avg_pool2d to 1x1 lowers to ``mean.dim`` (a network's global pool)."""
    return x.new_empty(_reduced(x, dims, keepdim))


def _reduced(x: torch.Tensor, dims: Any, keepdim: bool) -> list[int]:
    """The shape left after reducing ``dims`` (None or empty: every dimension); a dimension
    out of range or named twice raises, as torch's kernels do."""
    n = max(x.dim(), 1)  # a scalar takes dimension 0 (or -1), as torch lets it
    if any(not -n <= d < n for d in dims or ()):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}]"
                         f", but got {list(dims)})")
    axes = range(n) if not dims else [d % n for d in dims]
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dims {list(dims)} name a dimension more than once")
    return [1 if i in axes else n for i, n in enumerate(x.shape) if keepdim or i not in axes]


def sum_(x: torch.Tensor, dims: Any = None, keepdim: bool = False, *,
         dtype: torch.dtype | None = None) -> torch.Tensor:
    """``sum``: a loss's total and a bias's gradient (integers and booleans sum to int64)."""
    exact = x.is_floating_point() or x.is_complex()
    dtype = dtype or (x.dtype if exact else torch.int64)
    return x.new_empty(_reduced(x, dims, keepdim), dtype=dtype)


def addmm(bias: torch.Tensor, a: torch.Tensor, b: torch.Tensor, *_: Any) -> torch.Tensor:
    """nn.Linear's ``addmm``: FlopCounterMode has already counted it; only the shape is left."""
    return a.new_empty((a.shape[0], b.shape[1]))


def conv(x: torch.Tensor, w: torch.Tensor, bias: Any, stride: Any, padding: Any,
          dilation: Any, transposed: bool, output_padding: Any, groups: int) -> torch.Tensor:
    """``convolution``'s output shape by integer formula: the meta kernel's checks import
    sympy (about 1 s) on first use. A channel mismatch still raises, as the kernel would."""
    args = (x, w, bias, stride, padding, dilation, transposed, output_padding, groups)
    if transposed or x.dim() != w.dim() or len(stride) != x.dim() - 2:
        return aten.convolution.default(*args)  # rare layouts: the real meta kernel
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"convolution: weight {tuple(w.shape)} with groups={groups} "
                           f"expects {w.shape[1] * groups} input channels, got {x.shape[1]}")
    spatial = _out_sizes(x, w.shape[2:], stride, padding, dilation)
    if min(spatial) < 1:
        return aten.convolution.default(*args)  # let the kernel raise its own error
    return x.new_empty((x.shape[0], w.shape[0], *spatial))


def _out_sizes(x: torch.Tensor, kernel: Any, stride: Any, padding: Any,
               dilation: Any) -> list[int]:
    """A convolution's or a pool's output sizes, as torch computes them (floor mode)."""
    return [(n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, s, p, d
            in zip(x.shape[2:], kernel, stride, padding, dilation, strict=True)]


def _pair(value: Any, default: Any) -> list[int]:
    value = list(value) if value else list(default)
    return value * 2 if len(value) == 1 else value


def max_pool(x: torch.Tensor, kernel: Any, stride: Any = (), padding: Any = (0,),
              dilation: Any = (1,), ceil_mode: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """``max_pool2d_with_indices`` by formula (the meta kernel's checks import sympy)."""
    k, p, d = _pair(kernel, ()), _pair(padding, (0,)), _pair(dilation, (1,))
    s = _pair(stride, k)
    if ceil_mode or x.dim() != 4:
        return aten.max_pool2d_with_indices.default(x, kernel, stride, padding, dilation,
                                                    ceil_mode)
    shape = (*x.shape[:2], *_out_sizes(x, k, s, p, d))
    return x.new_empty(shape), x.new_empty(shape, dtype=torch.int64)


def _like(tensor: torch.Tensor | None, wanted: bool) -> torch.Tensor | None:
    """A gradient shaped like ``tensor``, where the backward's output mask asks for one."""
    return tensor.new_empty(tensor.shape) if wanted and tensor is not None else None


def conv_backward(grad: torch.Tensor, x: torch.Tensor, weight: torch.Tensor,
                   bias_sizes: Any, *rest: Any) -> tuple[torch.Tensor | None, ...]:
    """``convolution_backward``: gradients shaped like the input, the weight and the bias."""
    mask = rest[-1]
    bias = grad.new_empty(tuple(bias_sizes)) if mask[2] and bias_sizes is not None else None
    return _like(x, mask[0]), _like(weight, mask[1]), bias


def bn_backward(grad: torch.Tensor, x: torch.Tensor, weight: torch.Tensor | None,
                 *rest: Any) -> tuple[torch.Tensor | None, ...]:
    """``native_batch_norm_backward``: gradients shaped like the input and the affine weight."""
    mask = rest[-1]
    return _like(x, mask[0]), _like(weight, mask[1]), _like(weight, mask[2])


def pool_backward(grad: torch.Tensor, x: torch.Tensor, *_: Any) -> torch.Tensor:
    """``max_pool2d_with_indices_backward``: a gradient shaped like the pooled input."""
    return x.new_empty(x.shape)


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
