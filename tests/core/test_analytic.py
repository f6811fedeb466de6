"""Analytic counts against the article's published figures and formulas written out here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bottlecalc.analytic import Op, block_layers, conv_out, count
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, StrideOn, block_pair

AT_56 = InputShape(56, 56)


def pair(in_c: int = 256, mid: int = 64, out: int = 256, **kw: object) -> tuple:
    basic, bottleneck = block_pair(in_c, mid, out, **kw)  # type: ignore[arg-type]
    return count(block_layers(basic, AT_56)), count(block_layers(bottleneck, AT_56))


def test_article_conv_weights() -> None:
    basic, bottleneck = pair()
    assert basic.conv == 3 * 3 * 256 * 256 * 2 == 1_179_648
    assert bottleneck.conv == 1 * 1 * 256 * 64 + 3 * 3 * 64 * 64 + 1 * 1 * 64 * 256 == 69_632
    assert round(basic.conv / bottleneck.conv, 1) == 16.9


def test_article_macs_at_56() -> None:
    # ARTICLE.md: parameters x 56 x 56 for these stride-1, same-padded convs.
    basic, bottleneck = pair()
    assert basic.macs == 1_179_648 * 56 * 56 == 3_699_376_128
    assert bottleneck.macs == 69_632 * 56 * 56 == 218_365_952
    assert basic.flops == 2 * 3_699_376_128


def test_bn_params_and_fvcore_convention() -> None:
    basic, bottleneck = pair()
    assert basic.bn == 2 * 256 + 2 * 256
    assert bottleneck.bn == 2 * 64 + 2 * 64 + 2 * 256
    assert basic.total == 1_179_648 + 1_024
    # fvcore: conv MACs + 2 per BN input element (eval, affine).
    assert basic.fvcore == 3_699_376_128 + 2 * (256 * 56 * 56) * 2
    assert bottleneck.fvcore == 218_365_952 + 2 * 56 * 56 * (64 + 64 + 256)


def test_no_projection_when_shapes_match() -> None:
    basic, bottleneck = pair()
    assert basic.shortcut == 0 and bottleneck.shortcut == 0


def test_projection_counted_on_its_own() -> None:
    basic, bottleneck = pair(64, 64, 256)
    assert basic.shortcut == bottleneck.shortcut == 64 * 256 + 2 * 256
    assert bottleneck.conv == 64 * 64 + 9 * 64 * 64 + 64 * 256
    assert bottleneck.total == bottleneck.conv + 2 * (64 + 64 + 256) + 64 * 256 + 2 * 256
    assert bottleneck.shortcut_macs == 64 * 256 * 56 * 56


def test_stride_placement_changes_macs_not_params() -> None:
    v15 = count(block_layers(BlockSpec(BlockKind.BOTTLENECK, 256, 128, 512, stride=2), AT_56))
    v1 = count(block_layers(BlockSpec(BlockKind.BOTTLENECK, 256, 128, 512, stride=2,
                                      stride_on=StrideOn.CONV1X1), AT_56))
    assert v1.total == v15.total
    shortcut = 256 * 512 * 28 * 28
    tail = 9 * 128 * 128 * 28 * 28 + 128 * 512 * 28 * 28 + shortcut
    assert v15.macs == 256 * 128 * 56 * 56 + tail
    assert v1.macs == 256 * 128 * 28 * 28 + tail


def test_groups_divide_the_3x3() -> None:
    spec = BlockSpec(BlockKind.BOTTLENECK, 256, 128, 256, groups=32)
    layers = {layer.name: layer for layer in block_layers(spec, AT_56)}
    assert layers["conv2"].weights == 3 * 3 * (128 // 32) * 128
    assert layers["conv2"].formula == "3x3x(128/32)x128 = 4,608"


def test_bias_adds_one_per_output_channel() -> None:
    spec = BlockSpec(BlockKind.BASIC, 64, 64, 64, bias=True, bn=False)
    c = count(block_layers(spec, AT_56))
    assert c.bias == 64 + 64
    assert c.total == 2 * 9 * 64 * 64 + 128
    assert c.bn == 0 and c.fvcore == c.macs


def test_formula_text_matches_article() -> None:
    basic = BlockSpec(BlockKind.BASIC, 256, 64, 256)
    conv1 = block_layers(basic, AT_56)[0]
    assert conv1.formula == "3x3x256x256 = 589,824"


@pytest.mark.parametrize(("size", "kernel", "stride", "expected"),
                         [(56, 3, 2, 28), (7, 3, 2, 4), (224, 7, 2, 112), (112, 3, 2, 56),
                          (5, 1, 2, 3), (56, 1, 1, 56)])
def test_conv_out(size: int, kernel: int, stride: int, expected: int) -> None:
    assert conv_out(size, kernel, stride) == expected


widths = st.integers(1, 96)


@st.composite
def specs(draw: st.DrawFn) -> BlockSpec:
    groups = draw(st.sampled_from([1, 2, 4]))
    mid = groups * draw(st.integers(1, 24))
    kind = draw(st.sampled_from(list(BlockKind)))
    return BlockSpec(
        kind, draw(widths), mid, draw(widths), stride=draw(st.sampled_from([1, 2])),
        groups=groups if kind is BlockKind.BOTTLENECK else 1,
        stride_on=draw(st.sampled_from(list(StrideOn))), bn=draw(st.booleans()),
        bias=draw(st.booleans()),
    )


@given(specs(), st.integers(1, 64), st.integers(1, 64), st.integers(1, 3))
def test_parts_add_up_and_flops_are_twice_macs(spec: BlockSpec, h: int, w: int, n: int) -> None:
    layers = block_layers(spec, InputShape(h, w, n))
    c = count(layers)
    assert c.conv + c.bias + c.bn + c.shortcut == c.total
    assert sum(layer.params for layer in layers) == c.total
    assert c.flops == 2 * c.macs
    assert (c.shortcut > 0) == (spec.in_channels != spec.out_channels or spec.stride != 1)
    assert layers[-1].out_shape[1] == spec.out_channels
    assert sum(1 for layer in layers if layer.op is Op.ADD) == 1
