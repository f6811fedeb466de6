"""Sweeps: value parsing and per-point counts checked against formulas written here."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bottlecalc.errors import SpecError
from bottlecalc.spec import BlockConfig, InputShape
from bottlecalc.sweep import (
    MAX_POINTS,
    Axis,
    default_mids,
    parse_values,
    run_sweep,
)

HIGH = 1 << 24


def basic_conv(c_in: int, c_out: int) -> int:
    return 9 * c_in * c_out + 9 * c_out * c_out


def bottleneck_conv(c_in: int, mid: int, c_out: int) -> int:
    return c_in * mid + 9 * mid * mid + mid * c_out


def test_list_and_range_forms() -> None:
    assert parse_values("--mid", "16,32,64,128,256", high=HIGH) == (16, 32, 64, 128, 256)
    assert parse_values("--mid", "16:256:16", high=HIGH) == tuple(range(16, 257, 16))
    assert parse_values("--mid", "8, 16:32:8, 16", high=HIGH) == (8, 16, 24, 32)
    assert parse_values("--size", "7:8:5", high=HIGH) == (7,)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("16:8:1", "ends before it starts"),
        ("0,4", "at least 1"),
        ("16,,32", "empty item"),
        ("1:2", "start:stop:step"),
        ("a,b", "must be an integer"),
        ("4:8:0", "at least 1"),
        (f"1:{MAX_POINTS + 1}:1", "more than"),
        (f"1:{MAX_POINTS}:1,{MAX_POINTS + 1}", "at most"),
    ],
)
def test_bad_values_name_the_option(text: str, words: str) -> None:
    with pytest.raises(SpecError) as err:
        parse_values("--mid", text, high=HIGH)
    assert "--mid" in str(err.value)
    assert words in str(err.value)


def test_mid_sweep_matches_the_article_formulas() -> None:
    mids = (16, 32, 64, 128, 256)
    sweep = run_sweep(BlockConfig(256, 64), Axis.MID, mids)
    for point, mid in zip(sweep.points, mids, strict=True):
        basic, bottleneck = point.result.blocks
        assert basic.counts.conv == 1_179_648  # the article: 589,824 x 2
        assert bottleneck.counts.conv == bottleneck_conv(256, mid, 256)
        assert bottleneck.counts.macs == bottleneck_conv(256, mid, 256) * 56 * 56
    assert sweep.points[2].result.blocks[1].counts.conv == 69_632  # the article's figure


def test_in_sweep_out_follows_in_unless_fixed() -> None:
    free = run_sweep(BlockConfig(64, 64), Axis.IN, (64, 128))
    assert [p.result.blocks[0].spec.out_channels for p in free.points] == [64, 128]
    assert [p.result.blocks[0].counts.shortcut for p in free.points] == [0, 0]
    fixed = run_sweep(BlockConfig(64, 64, out_channels=256), Axis.IN, (64, 256))
    shortcut = [p.result.blocks[1].counts.shortcut for p in fixed.points]
    assert shortcut == [64 * 256 + 2 * 256, 0]  # 1x1 conv 64->256 + BN(256), then identity


def test_expansion_sets_out_at_every_mid() -> None:
    sweep = run_sweep(BlockConfig(256, 64, expansion=4), Axis.MID, (32, 64))
    assert [p.result.blocks[1].spec.out_channels for p in sweep.points] == [128, 256]


def test_size_sweep_scales_macs_not_params() -> None:
    sweep = run_sweep(BlockConfig(256, 64), Axis.SIZE, (7, 14, 28))
    for point, size in zip(sweep.points, (7, 14, 28), strict=True):
        bottleneck = point.result.blocks[1]
        assert bottleneck.counts.conv == 69_632
        assert bottleneck.counts.macs == 69_632 * size * size


def test_groups_must_divide_every_mid() -> None:
    with pytest.raises(SpecError, match="--groups 4 must divide --mid 6"):
        run_sweep(BlockConfig(256, 4, groups=4), Axis.MID, (4, 6))


def test_default_mids() -> None:
    assert default_mids(64) == (16, 32, 64, 128, 256)
    assert default_mids(2) == (1, 2, 4, 8)
    assert default_mids(64, groups=32) == (32, 64, 128, 256)


@settings(max_examples=40, deadline=None)
@given(
    c_in=st.integers(1, 512),
    mids=st.lists(st.integers(1, 512), min_size=1, max_size=4, unique=True),
    size=st.integers(1, 64),
    bn=st.booleans(),
)
def test_every_point_matches_the_formulas(c_in: int, mids: list[int], size: int,
                                          bn: bool) -> None:
    config = BlockConfig(c_in, mids[0], bn=bn, shape=InputShape(size, size))
    for point, mid in zip(run_sweep(config, Axis.MID, tuple(mids)).points, mids, strict=True):
        basic, bottleneck = (block.counts for block in point.result.blocks)
        assert basic.conv == basic_conv(c_in, c_in)
        assert bottleneck.conv == bottleneck_conv(c_in, mid, c_in)
        assert bottleneck.bn == ((2 * mid + 2 * mid + 2 * c_in) if bn else 0)
        assert bottleneck.macs == bottleneck_conv(c_in, mid, c_in) * size * size
