"""YOLO's blocks built on meta and measured: every route against closed forms written here.

A ``Conv(c1, c2, k)`` of ultralytics holds ``k*k*c1*c2`` weights and ``2*c2`` BN parameters,
costs ``k*k*c1*c2*H*W`` MACs at stride 1, and fvcore adds 2 per BN element; FlopCounterMode
reports 2 FLOPs per MAC.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.api import count_spec
from bottlecalc.build import build
from bottlecalc.spec import InputShape, YoloKind, yolo_block


def conv(c1: int, c2: int, k: int = 1) -> tuple[int, int, int]:
    """(params, weights, BN channels) of one ultralytics Conv."""
    return k * k * c1 * c2 + 2 * c2, k * k * c1 * c2, c2


def forms(kind: YoloKind, c1: int, c2: int, n: int, e: float) -> list[tuple[int, int, int]]:
    c_ = int(c2 * e)
    if kind is YoloKind.BOTTLENECK:
        return [conv(c1, c_, 3), conv(c_, c2, 3)]
    if kind is YoloKind.C3:
        inner = [conv(c_, c_, 1), conv(c_, c_, 3)] * n
        return [conv(c1, c_), conv(c1, c_), conv(2 * c_, c2), *inner]
    inner = [conv(c_, c_, 3), conv(c_, c_, 3)] * n  # C2f
    return [conv(c1, 2 * c_), conv((2 + n) * c_, c2), *inner]


def expected(kind: YoloKind, c1: int, c2: int, n: int, e: float, hw: int) -> tuple[int, int, int]:
    """(params, MACs, fvcore) at an hw-pixel map."""
    rows = forms(kind, c1, c2, n, e)
    macs = sum(w for _, w, _ in rows) * hw
    return sum(p for p, _, _ in rows), macs, macs + sum(2 * c * hw for _, _, c in rows)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([YoloKind.BOTTLENECK, YoloKind.C3, YoloKind.C2F]), st.integers(1, 48),
       st.integers(2, 48), st.integers(1, 3), st.sampled_from([0.25, 0.5, 1.0]),
       st.integers(1, 12))
def test_meta_routes_match_closed_form(kind: YoloKind, c1: int, c2: int, n: int, e: float,
                                       size: int) -> None:
    if int(c2 * e) < 1:
        return
    spec = yolo_block(kind, c1, c2, e=e, **({} if kind is YoloKind.BOTTLENECK else {"n": n}))
    params, macs, _ = expected(kind, c1, c2, n, e, size * size)
    module = build(spec)
    assert sum(p.numel() for p in module.parameters()) == params
    with FlopCounterMode(display=False) as counter:
        module(torch.zeros(1, c1, size, size, device="meta"))
    assert counter.get_total_flops() == 2 * macs


@pytest.mark.parametrize(("kind", "n"), [(YoloKind.BOTTLENECK, 1), (YoloKind.C3, 3),
                                         (YoloKind.C2F, 1), (YoloKind.C2F, 3)])
def test_every_route_at_256(kind: YoloKind, n: int) -> None:
    spec = yolo_block(kind, 256, 256, **({} if kind is YoloKind.BOTTLENECK else {"n": n}))
    params, macs, fvcore = expected(kind, 256, 256, n, 0.5, 20 * 20)
    measured = count_spec(spec, InputShape(20, 20), cross_check=True).measured
    assert measured.params == params
    assert measured.torch_flops == 2 * macs
    assert measured.fvcore == fvcore


@pytest.mark.parametrize("kind", list(YoloKind))
def test_every_kind_agrees_across_routes(kind: YoloKind) -> None:
    extra = {"c3k": True} if kind is YoloKind.C3K2 else {}
    result = count_spec(yolo_block(kind, 32, 32, **extra), InputShape(8, 8), cross_check=True,
                        train=True)
    assert result.all_agree
    assert result.measured.params == result.counts.total


def test_module_names_follow_ultralytics() -> None:
    names = [name for name, _ in build(yolo_block(YoloKind.C2F, 64, 64)).named_parameters()]
    assert names == ["cv1.conv.weight", "cv1.bn.weight", "cv1.bn.bias", "cv2.conv.weight",
                     "cv2.bn.weight", "cv2.bn.bias", "m.0.cv1.conv.weight", "m.0.cv1.bn.weight",
                     "m.0.cv1.bn.bias", "m.0.cv2.conv.weight", "m.0.cv2.bn.weight",
                     "m.0.cv2.bn.bias"]


ULTRALYTICS = [("Bottleneck", YoloKind.BOTTLENECK, {}), ("C3", YoloKind.C3, {"n": 3}),
               ("BottleneckCSP", YoloKind.CSP, {"n": 2}), ("C2f", YoloKind.C2F, {"n": 2}),
               ("C3k", YoloKind.C3K, {"n": 2}), ("C3k2", YoloKind.C3K2, {"n": 2, "c3k": True}),
               ("SPPF", YoloKind.SPPF, {})]


def test_same_numbers_as_ultralytics() -> None:
    block = pytest.importorskip("ultralytics.nn.modules.block")
    for name, kind, options in ULTRALYTICS:
        with torch.device("meta"):
            theirs = getattr(block, name)(64, 64, **options)
        ours = count_spec(yolo_block(kind, 64, 64, **options), InputShape(16, 16), measure=False)
        assert sum(p.numel() for p in theirs.parameters()) == ours.counts.total, name
        with FlopCounterMode(display=False) as counter:
            theirs.eval()(torch.zeros(1, 64, 16, 16, device="meta"))
        assert counter.get_total_flops() == ours.counts.flops, name
