"""ShapeOnly answers some ops on meta tensors by formula; prove it matches torch's kernels.

FlopCounterMode reads output shapes from what ShapeOnly returns, so these properties are what
keeps the FlopCounterMode route independent of bottlecalc's own shape arithmetic.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.measure.shape_only import ShapeOnly
from tests.torch.flop_counter import flop_counter_total


@st.composite
def convs(draw: st.DrawFn) -> tuple[nn.Module, tuple[int, ...]]:
    groups = draw(st.sampled_from([1, 2, 3]))
    cin, cout = groups * draw(st.integers(1, 4)), groups * draw(st.integers(1, 4))
    kernel = draw(st.sampled_from([1, 2, 3, 5, 7]))
    dilation = draw(st.integers(1, 2))
    padding = draw(st.integers(0, 3))
    low = dilation * (kernel - 1) + 1 - 2 * padding
    h = draw(st.integers(max(low, 1), 24))
    w = draw(st.integers(max(low, 1), 24))
    conv = nn.Conv2d(cin, cout, kernel, stride=draw(st.integers(1, 3)), padding=padding,
                     dilation=dilation, groups=groups, bias=draw(st.booleans()))
    return conv, (draw(st.integers(1, 2)), cin, h, w)


def real_count(module: nn.Module, shape: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        out = module(torch.zeros(shape))
    return counter.get_total_flops(), tuple(out.shape)


def meta_count(module: nn.Module, shape: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    meta = module.to("meta")
    x = torch.empty(shape, device="meta")
    with ShapeOnly(), torch.no_grad():
        out_shape = tuple(meta(x).shape)
    return flop_counter_total(meta, (x,)), out_shape


@settings(max_examples=60, deadline=None)
@given(convs())
def test_conv_shape_and_flops_match_the_real_kernel(
    case: tuple[nn.Module, tuple[int, ...]],
) -> None:
    conv, shape = case
    assert meta_count(conv, shape) == real_count(conv, shape)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 1), st.integers(1, 3), st.integers(4, 20),
       st.integers(4, 20))
def test_max_pool_shape_matches_the_real_kernel(kernel: int, padding: int, stride: int,
                                                h: int, w: int) -> None:
    padding = min(padding, kernel // 2)
    pool = nn.MaxPool2d(kernel, stride=stride, padding=padding)
    assert meta_count(pool, (1, 3, h, w))[1] == real_count(pool, (1, 3, h, w))[1]


def test_channel_mismatch_still_raises() -> None:
    conv = nn.Conv2d(8, 4, 3).to("meta")
    x = torch.empty(1, 6, 10, 10, device="meta")
    with pytest.raises(RuntimeError, match="expects 8 input channels, got 6"):
        flop_counter_total(conv, (x,))


# ---- the ops transformers and RNNs use: shapes and dtypes as torch's own CPU kernels give

DTYPES = [torch.float32, torch.float16, torch.int64, torch.bool]


@st.composite
def broadcastable(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that broadcast: the second drops leading dims and sets some to 1."""
    a = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))
    keep = draw(st.integers(0, len(a)))
    b = tuple(n if draw(st.booleans()) else 1 for n in a[len(a) - keep:])
    return (a, b) if draw(st.booleans()) else (b, a)


POINTWISE = [torch.add, torch.sub, torch.mul, torch.div, torch.maximum, torch.eq, torch.lt,
             torch.where, torch.logical_and]
UNARY = [torch.neg, torch.exp, torch.tanh, torch.sigmoid, torch.nn.functional.gelu,
         torch.nn.functional.silu, torch.rsqrt, torch.logical_not, torch.abs]


def on_meta(fn: object, *args: torch.Tensor) -> torch.Tensor:
    meta = [a.to("meta") for a in args]
    with ShapeOnly(), torch.no_grad():
        return fn(*meta)  # type: ignore[operator,no-any-return]


def same(meta: torch.Tensor, real: torch.Tensor) -> None:
    assert (tuple(meta.shape), meta.dtype) == (tuple(real.shape), real.dtype)


@settings(max_examples=80, deadline=None)
@given(broadcastable(), st.sampled_from(POINTWISE), st.sampled_from(DTYPES),
       st.sampled_from(DTYPES))
def test_elementwise_ops_broadcast_and_promote_as_torch(shapes: tuple[tuple[int, ...], ...],
                                                        op: object, da: torch.dtype,
                                                        db: torch.dtype) -> None:
    a, b = torch.zeros(shapes[0], dtype=da), torch.zeros(shapes[1], dtype=db)
    args = (a > 0, a, b) if op is torch.where else (a, b)
    try:
        real = op(*args)  # type: ignore[operator]
    except RuntimeError:
        return  # a dtype the CPU kernel refuses: torch's own meta kernel answers that op
    same(on_meta(op, *args), real)


def test_shapes_that_do_not_broadcast_raise_as_torch_does() -> None:
    with pytest.raises(RuntimeError, match="must match"):
        on_meta(torch.add, torch.zeros(3, 4), torch.zeros(3, 5))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), max_size=4), st.sampled_from(UNARY),
       st.sampled_from([torch.float32, torch.float16, torch.bool]))
def test_unary_ops_keep_the_shape_and_give_torchs_dtype(shape: list[int], op: object,
                                                        dtype: torch.dtype) -> None:
    x = torch.zeros(shape, dtype=dtype)
    try:
        real = op(x)  # type: ignore[operator]
    except RuntimeError:
        return  # an op that refuses this dtype on the CPU is not ours to answer
    same(on_meta(op, x), real)


def test_an_in_place_op_that_would_grow_its_target_still_raises() -> None:
    with pytest.raises(RuntimeError):
        on_meta(lambda a, b: a.mul_(b), torch.zeros(3, 1), torch.zeros(3, 4))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(1, 3), st.data())
def test_cat_and_stack_match_torch(shape: list[int], parts: int, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    sizes = [data.draw(st.integers(1, 3)) for _ in range(parts)]
    tensors = [torch.zeros([*shape[:dim % len(shape)], n, *shape[dim % len(shape) + 1:]])
               for n in sizes]
    same(on_meta(lambda *t: torch.cat(t, dim), *tensors), torch.cat(tensors, dim))
    equal = [torch.zeros(shape)] * parts
    same(on_meta(lambda *t: torch.stack(t, dim), *equal), torch.stack(equal, dim))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_matrix_products_match_torch(batch: int, n: int, m: int, p: int) -> None:
    a, b = torch.zeros(batch, n, m), torch.zeros(batch, m, p)
    same(on_meta(torch.bmm, a, b), torch.bmm(a, b))
    same(on_meta(torch.mm, a[0], b[0]), torch.mm(a[0], b[0]))
    with pytest.raises(RuntimeError):
        on_meta(torch.bmm, a, torch.zeros(batch, m + 1, p))


NORMS = [nn.LayerNorm(6), nn.LayerNorm([4, 6]), nn.GroupNorm(2, 4), nn.Dropout(0.5),
         nn.Softmax(-1), nn.LogSoftmax(1)]


@pytest.mark.parametrize("module", NORMS, ids=lambda m: type(m).__name__)
def test_norms_softmax_and_dropout_match_torch(module: nn.Module) -> None:
    x = torch.zeros(3, 4, 6)
    real = module.train()(x)
    meta = module.to("meta").train()
    with ShapeOnly(), torch.no_grad():
        same(meta(x.to("meta")), real)


def test_embedding_lookups_and_dtype_casts_match_torch() -> None:
    weight, ids = torch.zeros(10, 5), torch.zeros(2, 3, dtype=torch.int64)
    same(on_meta(torch.nn.functional.embedding, ids, weight),
         torch.nn.functional.embedding(ids, weight))
    same(on_meta(lambda t: t.to(torch.float16), weight), weight.to(torch.float16))
    same(on_meta(torch.clone, weight), weight.clone())


def training_step(module: nn.Module, x: torch.Tensor) -> tuple[int, list[tuple[int, ...]]]:
    """FlopCounterMode's FLOPs for forward + backward of the output's sum, and the gradient
    shapes every parameter received."""
    for p in module.parameters():
        p.grad = None
    with FlopCounterMode(display=False) as counter:
        module(x).sum().backward()
    return counter.get_total_flops(), [tuple(p.grad.shape) for p in module.parameters()
                                       if p.grad is not None]


@settings(max_examples=40, deadline=None)
@given(convs(), st.booleans())
def test_backward_shapes_and_flops_match_the_real_kernels(
        case: tuple[nn.Module, tuple[int, ...]], input_grad: bool) -> None:
    """convolution_backward, native_batch_norm_backward and max_pool2d_with_indices_backward
    on meta give the CPU kernels' gradient shapes, and FlopCounterMode the same count."""
    conv, shape = case
    model = nn.Sequential(conv, nn.BatchNorm2d(conv.out_channels), nn.ReLU(),
                          nn.MaxPool2d(1)).eval()  # as bottlecalc counts: BN in eval mode
    real = training_step(model, torch.zeros(shape, requires_grad=input_grad))
    meta = model.to("meta")
    with ShapeOnly():
        fake = training_step(meta, torch.empty(shape, device="meta", requires_grad=input_grad))
    assert fake == real


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), max_size=4), st.data(),
       st.sampled_from([torch.float32, torch.float16, torch.int32, torch.bool]))
def test_sums_match_torch(shape: list[int], data: st.DataObject, dtype: torch.dtype) -> None:
    x = torch.zeros(shape, dtype=dtype)
    dims = data.draw(st.lists(st.integers(-len(shape), len(shape) - 1), unique=True,
                              max_size=len(shape))) if shape else []
    keepdim = data.draw(st.booleans())
    same(on_meta(torch.sum, x), torch.sum(x))
    if dims and len({d % len(shape) for d in dims}) < len(dims):
        with pytest.raises(RuntimeError):  # a dimension named twice
            on_meta(lambda t: torch.sum(t, dims), x)
    elif dims:
        same(on_meta(lambda t: torch.sum(t, dims, keepdim), x), torch.sum(x, dims, keepdim))
    with pytest.raises(IndexError):
        on_meta(lambda t: torch.sum(t, [len(shape) or 1]), x)
    same(on_meta(torch.ones_like, x), torch.ones_like(x))
    same(on_meta(lambda t: torch.zeros_like(t, dtype=torch.float64), x),
         torch.zeros_like(x, dtype=torch.float64))
