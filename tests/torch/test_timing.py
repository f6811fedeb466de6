"""--time on the torch side: timings are positive and complete, layers line up with the
counted ones, the probes give positive roofs, and refusals come before any allocation.

Structure and invariants only, never how fast: small widths and short time budgets.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch
from torch import nn

from bottlecalc.analytic import DType, Op, block_layers
from bottlecalc.api import compare_blocks, time_result
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.measure import timing
from bottlecalc.measure.forward import count_forward
from bottlecalc.measure.subject import Inputs, Make, Origin, Subject, spec_subject, zeros_of
from bottlecalc.results import analytic_result
from bottlecalc.spec import InputShape, TensorSpec, block_pair
from bottlecalc.timed import TimeOptions, align

SMALL = block_pair(32, 8, 32)
AT_8 = InputShape(8, 8)
ONE_THREAD = TimeOptions(threads=1, layers=True)


def subject_of(name: str, make: Make, shape: tuple[int, ...]) -> Subject:
    """A subject fed one zero-filled float32 tensor of ``shape``."""
    feed = (TensorSpec(shape),)
    return Subject(name=name, make=make, inputs=zeros_of(feed), feed=feed)


pytestmark = pytest.mark.usefixtures("short_timing")


def test_block_and_every_module_layer_is_timed() -> None:
    result = compare_blocks(SMALL, AT_8, measure=False, timing=ONE_THREAD)
    assert result.machine is not None and result.speedup is not None
    for block in result.blocks:
        assert block.timed is not None
        total = block.timed.total
        assert total.median_s > 0 and total.iqr_s >= 0 and total.runs >= total.samples >= 1
        assert (total.threads, total.device, total.dtype) == (1, "cpu", "float32")
        assert total.flops == block.counts.flops
        assert len(block.layer_times) == len(block.layers)
        for layer, seen in zip(block.layers, block.layer_times, strict=True):
            assert (seen is None) == (layer.op is Op.ADD), layer.name  # add: no module
            assert seen is None or (seen.median_s > 0 and seen.flops == layer.flops)


def test_timing_changes_no_count() -> None:
    plain = compare_blocks(SMALL, AT_8)
    timed = compare_blocks(SMALL, AT_8, timing=ONE_THREAD)
    for a, b in zip(plain.blocks, timed.blocks, strict=True):
        assert (a.counts, a.layers, a.measured) == (b.counts, b.layers, b.measured)
    assert plain.ratios() == timed.ratios()


@pytest.mark.parametrize("dtype", [DType.BFLOAT16, DType.FLOAT16])
def test_other_dtypes_run_in_that_dtype(dtype: DType) -> None:
    result = time_result(analytic_result(SMALL[1], InputShape(4, 4)),
                         TimeOptions(threads=1, dtype=dtype))
    assert result.timed is not None and result.timed.total.dtype == str(dtype)
    assert result.timed.calls == () and result.layer_times == ()  # layers only when asked


def test_leaf_calls_follow_the_forward_order_of_a_users_model() -> None:
    """Any module with example inputs: a user's model takes the same path as a block."""
    def make(device: str) -> nn.Module:
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 2))

    subject = subject_of("tiny", make, (1, 3, 8, 8))
    total, calls = timing.time_subject(subject, ONE_THREAD)
    assert total.median_s > 0
    assert [call.name for call in calls] == ["0", "1", "2", "3"]


def test_a_failing_forward_is_a_measure_error() -> None:
    subject = subject_of("broken", lambda device: nn.Linear(3, 2), (1, 5))
    with pytest.raises(MeasureError, match="timing broken on input 1x5"):
        timing.time_subject(subject, ONE_THREAD)


def test_probes_give_positive_roofs_named_after_this_machine() -> None:
    machine = timing.probe_machine(TimeOptions(threads=1))
    assert machine.matmul_gflops > 0 and machine.conv_gflops > 0
    assert machine.bandwidth_gbs > 0 and machine.threads == 1
    assert machine.cpu and machine.torch == torch.__version__
    assert machine.peak_gflops == max(machine.matmul_gflops, machine.conv_gflops)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_is_refused_where_there_is_none() -> None:
    with pytest.raises(SpecError, match=r"--device cuda: .* no CUDA device"):
        timing.check_device("cuda")


def test_memory_is_checked_before_anything_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_: object) -> None:
        raise AssertionError("built although it cannot fit")

    monkeypatch.setattr(timing, "available_bytes", lambda device: 1024)
    monkeypatch.setattr(timing, "time_subject", never)
    with pytest.raises(SpecError, match=r"--time: timing needs about .* GiB but cpu has"):
        compare_blocks(SMALL, AT_8, timing=ONE_THREAD)


def test_available_memory_is_read_on_linux() -> None:
    free = timing.available_bytes("cpu")
    assert free is None or free > 0


def test_align_matches_the_modules_of_a_built_block() -> None:
    """torchvision's module names are the counted layers' names."""
    spec = SMALL[1]
    subject = spec_subject(spec, AT_8, analytic_result(spec, AT_8).counts)
    _, calls = timing.time_subject(subject, ONE_THREAD)
    layers = block_layers(spec, AT_8)
    matched = align(layers, calls)
    assert [r.name for r, t in zip(layers, matched, strict=True) if t is None] == ["add"]
    assert len(calls) == len(layers) - 1


class Nested(nn.Module):
    """A ReLU that is a row of its own ('act') and also called inside another row ('block')."""

    def __init__(self) -> None:
        super().__init__()
        self.act = nn.ReLU()
        self.block = nn.Sequential(nn.Linear(8, 8), self.act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.block(x))  # type: ignore[no-any-return]


def test_a_users_model_is_timed_row_by_row_with_the_bytes_each_call_moved() -> None:
    """Nested's ReLU is a row ('act') and is called inside the other row ('block') too: timing
    'block' does not time it again; its two calls in the forward pass are both its own."""
    subject = subject_of("nested", lambda device: Nested(), (2, 8))
    machine = timing.probe_machine(ONE_THREAD)
    found = timing.time_model(subject, ["block", "act"], ONE_THREAD, flops=256, machine=machine)
    assert found.machine == machine and found.total.flops == 256 and found.total.median_s > 0
    assert sorted(call.name for call in found.calls) == ["act", "act", "block"]
    tensor = 4 * 2 * 8  # every tensor in this model is 2x8 float32
    weights = 4 * (8 * 8 + 8)
    assert {call.name: call.moved for call in found.calls} == {"act": 2 * tensor,
                                                               "block": weights + 2 * tensor}
    assert found.moved == weights + 2 * tensor  # the model: weights, input, output


def test_bottlecalcs_own_inputs_are_random_a_users_are_its_own_cast() -> None:
    feed = (TensorSpec((2, 3)), TensorSpec((2, 3), "int64"))
    mine = Subject(name="own", make=lambda device: nn.Identity(), inputs=zeros_of(feed),
                   feed=feed, origin=Origin.OWN)
    theirs = replace(mine, origin=Origin.FACTORY)
    (floats, ints), _ = timing.prepared(theirs, "cpu", torch.bfloat16)
    assert floats.dtype == torch.bfloat16 and not floats.any()  # zeros stay zeros
    assert ints.dtype == torch.int64
    (noise, ints), _ = timing.prepared(mine, "cpu", torch.float16)
    assert noise.dtype == torch.float16 and noise.any() and ints.dtype == torch.int64


def test_the_largest_activation_is_an_op_output_not_a_view() -> None:
    """Linear transposes its 300x500 weight (a view) and writes a 2x300 output."""
    with torch.device("meta"):
        model = nn.Sequential(nn.Linear(500, 300), nn.ReLU(inplace=True))
    found = count_forward(model, Inputs((torch.zeros(2, 500, device="meta"),)), device="meta")
    assert found.largest == 2 * 300
