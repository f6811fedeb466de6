"""The --time data model: throughput, noise, the roofline's verdict, alignment of
per-module timings with counted layers, a user's model's rows and their times (one Timed for
every subject), and the memory estimates made before allocating (measure/timing.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bottlecalc.analytic import ITEMSIZE, DType, block_layers, count, numel, traffic
from bottlecalc.breakdown import OTHER, ModelResult, NetworkReport, summed
from bottlecalc.findings import ModuleCount
from bottlecalc.measure.timing import PROBE_BYTES, model_memory, time_memory
from bottlecalc.results import Measured, analytic_compare, speedup
from bottlecalc.spec import InputShape, TensorSpec, block_pair
from bottlecalc.timed import NOISY_IQR, Bound, Call, Machine, Timed, Timing, align

ARTICLE = block_pair(256, 64, 256)
AT_56 = InputShape(56, 56)


def timing(median: float = 0.01, iqr: float = 0.0001, *, samples: int = 8,
           flops: int = 0) -> Timing:
    return Timing(median_s=median, iqr_s=iqr, runs=samples, samples=samples, threads=2,
                  device="cpu", dtype="float32", flops=flops)


def machine(peak: float = 200.0, bandwidth: float = 40.0,
            dtype: DType = DType.FLOAT32) -> Machine:
    return Machine(cpu="test CPU", device="cpu", dtype=dtype, threads=2, matmul_gflops=peak / 2,
                   conv_gflops=peak, bandwidth_gbs=bandwidth, torch="test")


def test_gflops_per_s_is_flops_over_the_median() -> None:
    t = timing(0.004, flops=7_398_752_256)
    assert t.gflops_per_s == 7_398_752_256 / 0.004 / 1e9


def test_noisy_when_the_spread_is_wide_or_the_runs_few() -> None:
    assert not timing(0.01, 0.01 * NOISY_IQR).noisy
    assert timing(0.01, 0.01 * NOISY_IQR * 1.01).noisy
    assert timing(0.01, 0.0, samples=3).noisy


def test_peak_is_the_faster_probe_and_the_ridge_follows() -> None:
    m = Machine(cpu="x", device="cpu", dtype=DType.FLOAT32, threads=1, matmul_gflops=300.0,
                conv_gflops=120.0, bandwidth_gbs=50.0)
    assert m.peak_gflops == 300.0
    assert m.ridge == 300.0 / (2 * 50.0)


@given(peak=st.floats(1.0, 1e5), bandwidth=st.floats(1.0, 1e4),
       dtype=st.sampled_from(list(DType)), mid=st.integers(1, 512),
       size=st.integers(1, 64))
def test_bound_agrees_with_intensity_and_probes(peak: float, bandwidth: float, dtype: DType,
                                                mid: int, size: int) -> None:
    """Per layer: compute-bound exactly when intensity >= the ridge, i.e. when its FLOPs at
    peak take at least as long as its bytes at bandwidth; the prediction is the longer."""
    m = machine(peak, bandwidth, dtype)
    _, bottleneck = block_pair(256, mid, 256)
    for layer in block_layers(bottleneck, InputShape(size, size)):
        roof = m.roofline((layer,))
        moved = traffic((layer,), dtype).total_bytes
        compute, memory = layer.flops / (peak * 1e9), moved / (bandwidth * 1e9)
        assert roof.intensity == layer.macs / moved
        assert (roof.bound is Bound.COMPUTE) == (roof.intensity >= m.ridge)
        assert roof.predicted_s == max(compute, memory)
        if roof.intensity != m.ridge:
            assert (roof.bound is Bound.COMPUTE) == (compute > memory)


def test_a_blocks_roofline_sums_its_layers() -> None:
    m = machine()
    layers = block_layers(ARTICLE[1], AT_56)
    roof = m.roofline(layers)
    assert roof.predicted_s == pytest.approx(sum(m.layer_seconds(r) for r in layers))
    assert roof.intensity == traffic(layers).intensity


def test_memory_bound_layers_are_the_ones_without_macs_on_a_fast_cpu() -> None:
    m = machine(peak=200.0, bandwidth=40.0)  # ridge 2.5 MACs/byte
    layers = block_layers(ARTICLE[1], AT_56)
    memory = {r.name for r in layers if m.roofline((r,)).bound is Bound.MEMORY}
    assert memory == {"bn1", "bn2", "bn3", "relu", "add"}


def test_align_gives_the_kth_layer_the_kth_call_of_its_module() -> None:
    layers = block_layers(ARTICLE[1], AT_56)  # relu is one module called three times
    calls = [Call(r.name, timing(0.001 * (i + 1))) for i, r in enumerate(layers) if r.op != "add"]
    found = align(layers, calls)
    assert len(found) == len(layers)
    assert Timed(timing(), tuple(calls)).per_layer(layers) == found
    assert Timed(timing()).per_layer(layers) == ()  # not timed layer by layer
    for layer, call, got in zip([r for r in layers if r.op != "add"], calls,
                                [t for t in found if t is not None], strict=True):
        assert call.name == layer.name and got.median_s == call.timing.median_s
        assert got.flops == layer.flops
    assert [r.name for r, t in zip(layers, found, strict=True) if t is None] == ["add"]


def test_speedup_is_the_time_ratio() -> None:
    result = analytic_compare(ARTICLE, AT_56)
    assert result.speedup is None
    basic, bottleneck = result.blocks
    timed = replace(result, blocks=(replace(basic, timed=Timed(timing(0.040))),
                                    replace(bottleneck, timed=Timed(timing(0.008)))))
    assert timed.speedup == 0.040 / 0.008 == speedup(*timed.blocks)


@pytest.mark.parametrize("dtype", list(DType))
def test_memory_estimate_counts_weights_activations_and_probes(dtype: DType) -> None:
    layers = block_layers(ARTICLE[0], AT_56)
    c, size = count(layers), ITEMSIZE[dtype]
    largest = 256 * 56 * 56
    assert max(numel(r.out_shape) for r in layers) == largest
    assert time_memory(layers, dtype) == ((4 + size) * (c.total + c.buffers)
                                          + 5 * size * largest + PROBE_BYTES)


@given(macs=st.integers(0, 10**12), moved=st.integers(0, 10**12), peak=st.floats(1.0, 1e5),
       bandwidth=st.floats(1.0, 1e4))
def test_a_module_taken_whole_is_bound_by_the_slower_roof(macs: int, moved: int, peak: float,
                                                          bandwidth: float) -> None:
    m = machine(peak, bandwidth)
    roof = m.roof(macs, moved)
    assert roof.intensity == (macs / moved if moved else 0.0)
    assert (roof.bound is Bound.COMPUTE) == (roof.intensity >= m.ridge)
    assert roof.predicted_s == max(2 * macs / (m.peak_gflops * 1e9), moved / (bandwidth * 1e9))


# A model: 'a' (a Linear called twice, 1,000 MACs), 'b' (600 MACs) and 'c' (never called);
# 400 MACs in the model's own forward, (other).
MODULES = (ModuleCount("", "Net", 10, 400), ModuleCount("a", "Linear", 110, 1000),
           ModuleCount("b", "Linear", 66, 600), ModuleCount("c", "Linear", 5, 0))
MEASURED = Measured(params=191, buffers=0, macs=2000, torch_flops=4000, modules=MODULES,
                    inputs=(("0", TensorSpec((4, 10))),), largest=400)
CALLS = (Call("a", timing(0.002, 0.0001, samples=6), 1000), Call("b", timing(0.003), 500),
         Call("a", timing(0.004, 0.0003, samples=5), 1200))
TIMED = Timed(timing(0.012, flops=4000), CALLS, 3000, machine())


def test_a_row_gets_the_sum_of_its_modules_calls() -> None:
    rows = {r.name: r for r in ModelResult("net", MEASURED, TIMED).by_module(1)}
    a = rows["a"].time
    assert a is not None and rows["a"].moved == 1000 + 1200
    assert (a.median_s, a.iqr_s) == (0.002 + 0.004, 0.0001 + 0.0003)
    assert (a.runs, a.samples, a.flops) == (5, 5, 2 * 1000)
    assert a.gflops_per_s == 2000 / 0.006 / 1e9
    assert rows["b"].time is not None and rows["b"].time.flops == 2 * 600
    for never in ("c", OTHER):  # not called as a module / no module: neither time nor bytes
        assert (rows[never].time, rows[never].moved) == (None, None)
        assert rows[never].roofline(machine()) is None


def test_folded_rows_add_the_times_of_those_timed() -> None:
    rows = ModelResult("net", MEASURED, TIMED).by_module(1, top=1)
    assert [r.name for r in rows] == ["a", "(2 more modules)", OTHER]
    folded = rows[1]
    assert folded.time is not None and folded.time.median_s == 0.003 and folded.moved == 500
    untimed = ModelResult("net", MEASURED).by_module(1, top=1)
    assert all(r.time is None and r.moved is None for r in untimed)


def test_summed_of_nothing_is_nothing() -> None:
    assert summed([]) is None


def test_the_model_is_timed_on_its_machine() -> None:
    report = NetworkReport(model=ModelResult("net", MEASURED, TIMED), depth=1)
    assert report.result.roofline == machine().roof(2000, 3000)
    assert ModelResult("net", MEASURED).roofline is None


@pytest.mark.parametrize("dtype", list(DType))
def test_a_models_memory_estimate_comes_from_its_meta_count(dtype: DType) -> None:
    """Weights built in float32 (and converted), five of the largest tensor an op made,
    the inputs and the probes: known from the meta count alone."""
    size = ITEMSIZE[dtype]
    tokens = replace(MEASURED, buffers=9, inputs=(("0", TensorSpec((4, 10))),
                                                  ("ids", TensorSpec((4, 7), "int64"))))
    weights = 4 * 200 + (0 if dtype is DType.FLOAT32 else size * 200)
    assert model_memory(tokens, dtype) == (weights + 5 * size * 400 + size * 40 + 8 * 28
                                           + PROBE_BYTES)
