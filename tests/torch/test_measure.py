"""Independent routes agree: analytic == instantiated == fvcore == FlopCounterMode / 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from bottlecalc.analytic import block_layers, count
from bottlecalc.api import compare_blocks, count_spec
from bottlecalc.build import Bottleneck, build, materialize
from bottlecalc.measure.engines import instantiated
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, StrideOn, block_pair
from tests.torch.flop_counter import flop_counter_total

AT_56 = InputShape(56, 56)


def test_article_blocks_measured() -> None:
    result = compare_blocks(block_pair(256, 64, 256), AT_56, cross_check=True)
    basic, bottleneck = result.blocks
    assert basic.measured.params == 3 * 3 * 256 * 256 * 2 + 2 * (256 + 256)
    assert bottleneck.measured.params == 69_632 + 2 * (64 + 64 + 256)
    assert basic.measured.fvcore == 3_699_376_128 + 2 * 2 * 256 * 56 * 56
    assert basic.measured.torch_flops == 2 * 3_699_376_128
    assert bottleneck.measured.torch_flops == 2 * 218_365_952
    assert dict(basic.measured.fvcore_unsupported) == {"aten::add": 1}
    assert result.all_agree


def test_instantiated_uses_no_memory() -> None:
    module = build(BlockSpec(BlockKind.BASIC, 4096, 1024, 4096))
    assert all(p.device.type == "meta" for p in module.parameters())
    assert instantiated(module).params == 2 * 9 * 4096 * 4096 + 2 * 2 * 4096


def test_too_wide_to_trace_uses_flopcounter_on_meta() -> None:
    spec = BlockSpec(BlockKind.BASIC, 4096, 1024, 4096)
    block = count_spec(spec, AT_56)
    assert block.measured.fvcore is None
    assert block.measured.torch_flops == 2 * 2 * 9 * 4096 * 4096 * 56 * 56
    assert block.measured.torch_device == "meta"
    assert "fvcore not run" in block.measured.notes[0]


def test_shape_only_mode_does_not_change_the_count() -> None:
    spec = BlockSpec(BlockKind.BOTTLENECK, 32, 16, 64, stride=2, groups=4)
    real = materialize(build(spec))
    x = torch.zeros(2, 32, 15, 15)
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as plain, torch.no_grad():
        real(x)
    meta = flop_counter_total(build(spec), (x.to("meta"),))
    assert meta == plain.get_total_flops()


def test_article_sample_crashes_without_projection() -> None:
    # The article's demo: in=64, width=64, expansion 4, no downsample.
    spec = BlockSpec(BlockKind.BOTTLENECK, 64, 64, 256)
    broken = materialize(build(spec))
    broken.downsample = None
    with pytest.raises(RuntimeError, match="size of tensor"):
        broken(torch.zeros(1, 64, 56, 56))
    # The meta-device engine catches the same mismatch, without computing anything.
    with pytest.raises(RuntimeError, match="broadcast"):
        flop_counter_total(_without_projection(spec), (torch.empty(1, 64, 56, 56, device="meta"),))
    fixed = materialize(build(spec))
    assert fixed(torch.zeros(1, 64, 56, 56)).shape == (1, 256, 56, 56)


def _without_projection(spec: BlockSpec) -> nn.Module:
    module = build(spec)
    module.downsample = None
    return module


def test_meta_count_never_imports_dynamo() -> None:
    code = textwrap.dedent("""
        import sys
        from bottlecalc.api import count_spec
        from bottlecalc.spec import BlockKind, BlockSpec, InputShape
        r = count_spec(BlockSpec(BlockKind.BOTTLENECK, 4096, 1024, 4096), InputShape())
        assert r.measured.torch_flops is not None
        assert "torch._dynamo" not in sys.modules
    """)
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_torch_bottleneck_matches_torchvision_layout() -> None:
    module = Bottleneck(BlockSpec(BlockKind.BOTTLENECK, 256, 64, 256))
    names = [name for name, _ in module.named_parameters()]
    assert names == ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight",
                     "bn2.bias", "conv3.weight", "bn3.weight", "bn3.bias"]


small = st.integers(1, 24)


@st.composite
def specs(draw: st.DrawFn) -> BlockSpec:
    kind = draw(st.sampled_from(list(BlockKind)))
    groups = draw(st.sampled_from([1, 2, 3])) if kind is BlockKind.BOTTLENECK else 1
    return BlockSpec(
        kind, draw(small), groups * draw(st.integers(1, 8)), draw(small),
        stride=draw(st.sampled_from([1, 2])), groups=groups,
        stride_on=draw(st.sampled_from(list(StrideOn))), bn=draw(st.booleans()),
        bias=draw(st.booleans()),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.integers(1, 20), st.integers(1, 20), st.integers(1, 2))
def test_every_route_agrees(spec: BlockSpec, h: int, w: int, batch: int) -> None:
    shape = InputShape(h, w, batch)
    expected = count(block_layers(spec, shape))
    measured = count_spec(spec, shape, cross_check=True).measured
    assert measured.params == expected.total
    assert measured.fvcore == expected.fvcore
    assert measured.torch_flops == 2 * expected.macs
    assert measured.buffers == expected.buffers
