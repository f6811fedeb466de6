"""YOLO's blocks against the figures YOLO users quote and closed forms written out here.

The closed forms below are written from ultralytics' ``block.py`` by hand, independently of
:mod:`bottlecalc.analytic`: a ``Conv(c1, c2, k)`` holds ``k*k*c1/g*c2`` weights and ``2*c2``
BatchNorm parameters and costs ``k*k*c1/g*c2*H*W`` MACs at stride 1.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bottlecalc.analytic import Op, block_layers, count
from bottlecalc.errors import SpecError
from bottlecalc.spec import BlockSpec, InputShape, YoloKind, yolo_block

AT_56 = InputShape(56, 56)


def counted(kind: YoloKind, c1: int = 256, c2: int = 256, shape: InputShape = AT_56,
            **options: object):  # type: ignore[no-untyped-def]
    return count(block_layers(yolo_block(kind, c1, c2, **options), shape))


def test_bottleneck_256_layer_by_layer() -> None:
    # Bottleneck(256, 256), k=(3, 3), e=0.5: c_ = 128.
    cv1 = 3 * 3 * 256 * 128 + 2 * 128  # conv weights + BN scale and shift
    cv2 = 3 * 3 * 128 * 256 + 2 * 256
    c = counted(YoloKind.BOTTLENECK)
    assert c.total == cv1 + cv2 == 590_592
    assert c.conv == 3 * 3 * 256 * 128 + 3 * 3 * 128 * 256 == 589_824
    assert c.conv == 3 * 3 * 256 * 256  # as many as one 3x3 256->256 conv
    assert c.macs == 589_824 * 56 * 56


def test_c3_256_n3_layer_by_layer() -> None:
    # C3(256, 256, n=3), e=0.5: c_ = 128; cv1, cv2 1x1 256->128; cv3 1x1 256->256;
    # each of 3 Bottleneck(128, 128, k=((1, 1), (3, 3)), e=1.0): 1x1 and 3x3 128->128.
    cv1 = cv2 = 1 * 1 * 256 * 128 + 2 * 128
    cv3 = 1 * 1 * 256 * 256 + 2 * 256
    inner = (1 * 1 * 128 * 128 + 2 * 128) + (3 * 3 * 128 * 128 + 2 * 128)
    c = counted(YoloKind.C3, n=3)
    assert c.total == cv1 + cv2 + cv3 + 3 * inner == 625_152


def test_c2f_256_n1_layer_by_layer() -> None:
    # C2f(256, 256, n=1), e=0.5: c = 128; cv1 1x1 256->2*128; cv2 1x1 (2+1)*128->256;
    # one Bottleneck(128, 128, k=((3, 3), (3, 3)), e=1.0).
    cv1 = 1 * 1 * 256 * 256 + 2 * 256
    cv2 = 1 * 1 * 384 * 256 + 2 * 256
    inner = 2 * (3 * 3 * 128 * 128 + 2 * 128)
    c = counted(YoloKind.C2F, n=1)
    assert c.total == cv1 + cv2 + inner == 460_288


def test_c2f_macs_at_56() -> None:
    weights = 256 * 256 + 384 * 256 + 2 * 3 * 3 * 128 * 128
    assert counted(YoloKind.C2F).macs == weights * 56 * 56


def test_yolo_bottleneck_drops_the_add_when_widths_differ() -> None:
    # ultralytics: self.add = shortcut and c1 == c2; no projection is ever added.
    ops = [r.op for r in block_layers(yolo_block(YoloKind.BOTTLENECK, 64, 128), AT_56)]
    assert Op.ADD not in ops
    same = [r.op for r in block_layers(yolo_block(YoloKind.BOTTLENECK, 64, 64), AT_56)]
    assert same.count(Op.ADD) == 1


def test_c2f_shortcut_default_off_c3_on() -> None:
    c2f = [r.op for r in block_layers(yolo_block(YoloKind.C2F, 64, 64, n=2), AT_56)]
    c3 = [r.op for r in block_layers(yolo_block(YoloKind.C3, 64, 64, n=2), AT_56)]
    assert c2f.count(Op.ADD) == 0
    assert c3.count(Op.ADD) == 2


def test_sppf_pools_three_times() -> None:
    # SPPF(256, 256, k=5): c_ = 128; cv1 1x1 256->128; cv2 1x1 4*128->256.
    c = counted(YoloKind.SPPF)
    assert c.total == (256 * 128 + 2 * 128) + (512 * 256 + 2 * 256) == 164_608
    rows = block_layers(yolo_block(YoloKind.SPPF, 256, 256), AT_56)
    assert [r.kernel for r in rows if r.op is Op.MAXPOOL] == [5, 5, 5]


def test_explain_formula_shows_each_conv() -> None:
    rows = block_layers(yolo_block(YoloKind.C2F, 256, 256), AT_56)
    formulas = [r.formula for r in rows if r.op is Op.CONV]
    assert formulas == ["1x1x256x256 = 65,536", "3x3x128x128 = 147,456",
                        "3x3x128x128 = 147,456", "1x1x384x256 = 98,304"]


# Closed forms for a grid of (c1, c2, n, e, k): (params, MACs) at H x W, stride 1.
def conv_bn(c1: int, c2: int, k: int = 1, g: int = 1) -> tuple[int, int]:
    return k * k * (c1 // g) * c2 + 2 * c2, k * k * (c1 // g) * c2


def total(parts: list[tuple[int, int]], hw: int) -> tuple[int, int]:
    return sum(p for p, _ in parts), sum(w for _, w in parts) * hw


def bottleneck_form(c1: int, c2: int, k1: int, k2: int, e: float) -> list[tuple[int, int]]:
    c_ = int(c2 * e)
    return [conv_bn(c1, c_, k1), conv_bn(c_, c2, k2)]


def closed_form(kind: YoloKind, c1: int, c2: int, n: int, e: float, k: int) -> list:
    c_ = int(c2 * e)
    if kind is YoloKind.BOTTLENECK:
        return bottleneck_form(c1, c2, k, k, e)
    if kind in (YoloKind.C3, YoloKind.C3K):
        k1, k2 = (1, 3) if kind is YoloKind.C3 else (k, k)
        inner = [p for _ in range(n) for p in bottleneck_form(c_, c_, k1, k2, 1.0)]
        return [conv_bn(c1, c_), conv_bn(c1, c_), conv_bn(2 * c_, c2), *inner]
    if kind is YoloKind.CSP:
        inner = [p for _ in range(n) for p in bottleneck_form(c_, c_, 3, 3, 1.0)]
        bare = [(c1 * c_, c1 * c_), (c_ * c_, c_ * c_)]  # cv2, cv3: no BN of their own
        return [conv_bn(c1, c_), *inner, *bare, (2 * 2 * c_, 0), conv_bn(2 * c_, c2)]
    inner = [p for _ in range(n) for p in bottleneck_form(c_, c_, 3, 3, 1.0)]
    return [conv_bn(c1, 2 * c_), conv_bn((2 + n) * c_, c2), *inner]


KINDS = [YoloKind.BOTTLENECK, YoloKind.C3, YoloKind.C3K, YoloKind.CSP, YoloKind.C2F]


@given(st.sampled_from(KINDS), st.integers(1, 96), st.integers(2, 96), st.integers(1, 4),
       st.sampled_from([0.25, 0.5, 0.75, 1.0]), st.sampled_from([1, 3, 5]),
       st.integers(1, 20))
def test_grid_matches_closed_form(kind: YoloKind, c1: int, c2: int, n: int, e: float, k: int,
                                  size: int) -> None:
    if int(c2 * e) < 1:
        return
    options: dict[str, object] = {"e": e}
    if kind is not YoloKind.BOTTLENECK:
        options["n"] = n
    if kind in (YoloKind.BOTTLENECK, YoloKind.C3K):
        options["k"] = (k,)
    c = counted(kind, c1, c2, InputShape(size, size), **options)
    params, macs = total(closed_form(kind, c1, c2, n, e, k), size * size)
    assert c.total == params
    assert c.macs == macs


def test_defaults_are_ultralytics() -> None:
    assert yolo_block(YoloKind.C2F, 64, 64).residual is False
    assert yolo_block(YoloKind.C3, 64, 64).residual is True
    assert yolo_block(YoloKind.SPPF, 64, 64).repeats == 3
    assert yolo_block(YoloKind.SPPF, 64, 64).kernels == (5,)
    assert yolo_block(YoloKind.BOTTLENECK, 64, 64).kernels == (3, 3)
    assert yolo_block(YoloKind.C3, 64, 256).mid == 128


@pytest.mark.parametrize(("options", "message"), [
    ({"n": 0}, "--n must be at least 1"),
    ({"e": 0.001}, "0 hidden channels"),
    ({"k": (3,)}, "--k does not apply to c3"),
    ({"stride": 2}, "--stride applies to conv only"),
    ({"bn": False}, "always has BatchNorm"),
    ({"c3k": True}, "--c3k does not apply to c3"),
])
def test_bad_options_name_the_option(options: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        BlockSpec(YoloKind.C3, 64, 32, 64, **options)  # type: ignore[arg-type]


def test_even_kernel_refused() -> None:
    with pytest.raises(SpecError, match="--k must be odd"):
        yolo_block(YoloKind.C3K, 64, 64, k=(2,))


def test_groups_must_divide_widths() -> None:
    spec = yolo_block(YoloKind.C2F, 64, 64, groups=3)
    with pytest.raises(SpecError, match="--groups 3 must divide"):
        block_layers(spec, AT_56)
