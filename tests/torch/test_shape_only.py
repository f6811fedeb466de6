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

from bottlecalc.measure.engines import torch_flops
from bottlecalc.measure.shape_only import ShapeOnly


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
    return torch_flops(meta, (x,)), out_shape


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
        torch_flops(conv, (x,))
