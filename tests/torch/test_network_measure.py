"""Whole networks through torch: instantiated, fvcore and FlopCounterMode agree with analytic.

The expected values are the published figures (torchvision's parameter counts) or the
convention each engine documents, applied to what torch itself built.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bottlecalc.analytic import Op, count, network_layers
from bottlecalc.api import count_spec
from bottlecalc.build import build, materialize, materialize_shared
from bottlecalc.measure.engines import fvcore_count
from bottlecalc.measure.pipeline import TRACE_MAX_MACS
from bottlecalc.presets import PRESETS, get_preset
from bottlecalc.spec import BlockKind, InputShape, NetworkSpec, StrideOn
from tests.torch.flop_counter import flop_counter_total

IMAGENET = InputShape(224, 224)


def network_input(spec: NetworkSpec, shape: InputShape, device: str) -> torch.Tensor:
    return torch.zeros((shape.batch, spec.in_channels, shape.height, shape.width), device=device)
PUBLISHED_PARAMS = {
    "resnet18": 11_689_512, "resnet34": 21_797_672, "resnet50": 25_557_032,
    "resnet101": 44_549_160, "resnet152": 60_192_808, "resnext50_32x4d": 25_028_904,
    "wide_resnet50_2": 68_883_240,
}


@pytest.mark.parametrize("name", sorted(PUBLISHED_PARAMS))
def test_built_network_has_torchvisions_parameter_count(name: str) -> None:
    module = build(get_preset(name))
    assert sum(p.numel() for p in module.parameters()) == PUBLISHED_PARAMS[name]


def test_modules_sit_at_the_analytic_layer_paths_with_the_same_parameters() -> None:
    spec = get_preset("resnext50_32x4d")
    modules = dict(build(spec).named_modules())
    for layer in network_layers(spec, IMAGENET):
        if layer.op in (Op.CONV, Op.BN, Op.LINEAR):
            assert sum(p.numel() for p in modules[layer.name].parameters()) == layer.params


def test_forward_gives_logits_of_num_classes() -> None:
    spec = get_preset("resnet18", num_classes=10)
    module = materialize(build(spec))
    out = module(network_input(spec, InputShape(96, 64, batch=3), "cpu"))
    assert tuple(out.shape) == (3, 10)


@pytest.mark.parametrize("variant", list(StrideOn))
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_instantiated_and_flopcountermode_agree_for_every_preset(
    name: str, variant: StrideOn
) -> None:
    spec = get_preset(name, variant=variant)
    counts = count(network_layers(spec, IMAGENET))
    module = build(spec)
    assert sum(p.numel() for p in module.parameters()) == counts.total
    assert sum(b.numel() for b in module.buffers()) == counts.buffers
    # FlopCounterMode counts 2 FLOPs per multiply-accumulate of conv and linear layers.
    assert flop_counter_total(module, (network_input(spec, IMAGENET, "meta"),)) == 2 * counts.macs


def test_resnet152_is_small_enough_for_fvcore_to_trace() -> None:
    assert count(network_layers(get_preset("resnet152"), IMAGENET)).macs < TRACE_MAX_MACS


def test_network_result_runs_every_route_and_they_agree() -> None:
    spec = NetworkSpec(name="tiny", block=BlockKind.BOTTLENECK, layers=(1, 2), width=16,
                       groups=4, width_per_group=16, num_classes=7)
    result = count_spec(spec, InputShape(64, 48, batch=2), cross_check=True)
    assert result.measured.params == result.counts.total
    assert result.measured.fvcore == result.counts.fvcore
    assert result.measured.torch_flops == 2 * result.counts.macs
    assert result.all_agree
    # fvcore skips max-pool once and one residual add per block (3 blocks).
    assert dict(result.measured.fvcore_unsupported) == {"aten::add": 3, "aten::max_pool2d": 1}


def fvcore_convention(name: str, variant: StrideOn, shape: InputShape) -> tuple[int, int]:
    """(fvcore's total on the real net, analytic count under fvcore's convention)."""
    spec = get_preset(name, variant=variant)
    counts = count(network_layers(spec, shape))
    found = fvcore_count(materialize_shared(build(spec)), (network_input(spec, shape, "cpu"),),
                         grad=False)
    return found.total, counts.fvcore


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_fvcore_agrees_with_analytic_for_every_preset(name: str) -> None:
    total, analytic = fvcore_convention(name, StrideOn.CONV3X3, IMAGENET)
    assert total == analytic


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_fvcore_agrees_with_analytic_for_every_preset_at_v1(name: str) -> None:
    # v1 moves strides (and so BN sizes); the convention does not depend on the image
    # size, so a 64x64 input keeps fvcore's real forward pass 12x cheaper.
    total, analytic = fvcore_convention(name, StrideOn.CONV1X1, InputShape(64, 64))
    assert total == analytic


@settings(max_examples=12, deadline=None)
@given(
    block=st.sampled_from(list(BlockKind)),
    layers=st.lists(st.integers(1, 2), min_size=1, max_size=4),
    width=st.sampled_from([8, 16]),
    groups=st.sampled_from([1, 2, 4]),
    expansion=st.sampled_from([None, 1, 2]),
    variant=st.sampled_from(list(StrideOn)),
    size=st.integers(1, 70),
    batch=st.integers(1, 2),
)
def test_every_small_network_agrees_by_every_route(
    block: BlockKind, layers: list[int], width: int, groups: int, expansion: int | None,
    variant: StrideOn, size: int, batch: int,
) -> None:
    basic = block is BlockKind.BASIC
    spec = NetworkSpec(name="custom", block=block, layers=tuple(layers), width=width,
                       groups=1 if basic else groups, width_per_group=64 if basic else 32,
                       expansion=expansion, stride_on=variant, num_classes=5)
    result = count_spec(spec, InputShape(size, size + 3, batch=batch), cross_check=True)
    assert result.measured.params == result.counts.total
    assert result.measured.fvcore == result.counts.fvcore
    assert result.measured.torch_flops == 2 * result.counts.macs
