"""Timed results rendered from fixed timings (no torch): the words, and whole numbers in
every format, the terminal table at its narrowest included."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bottlecalc.analytic import DType
from bottlecalc.report import timing
from bottlecalc.report.compare.registry import RENDERERS
from bottlecalc.report.render import Format, RenderOptions
from bottlecalc.results import CompareResult, analytic_compare
from bottlecalc.spec import InputShape, block_pair
from bottlecalc.timed import Call, Machine, Timed, Timing

MACHINE = Machine(cpu="Test CPU 9000", device="cpu", dtype=DType.FLOAT32, threads=2,
                  matmul_gflops=100.0, conv_gflops=200.0, bandwidth_gbs=40.0, torch="2.x",
                  load_average=0.5, cpus=8)


def timing_of(median: float, iqr: float = 0.0) -> Timing:
    return Timing(median_s=median, iqr_s=iqr, runs=20, samples=20, threads=2, device="cpu",
                  dtype="float32")


def timed_result(basic_s: float = 0.040, bottleneck_s: float = 0.008) -> CompareResult:
    result = analytic_compare(block_pair(256, 64, 256), InputShape(56, 56))
    blocks = []
    for block, seconds in zip(result.blocks, (basic_s, bottleneck_s), strict=True):
        calls = tuple(Call(r.name, timing_of(seconds / 10)) for r in block.layers
                      if r.op != "add")
        timed = Timed(replace(timing_of(seconds), flops=block.counts.flops), calls)
        blocks.append(replace(block, timed=timed))
    return replace(result, blocks=tuple(blocks), machine=MACHINE)


@pytest.mark.parametrize(("seconds", "text"), [
    (1.234, "1.23 s"), (0.0157, "15.7 ms"), (0.000317, "317 µs"), (4e-8, "40.0 ns"),
    (None, "—"),
])
def test_durations_read_in_three_figures(seconds: float | None, text: str) -> None:
    assert timing.duration(seconds) == text


def test_speed_line_sets_the_mac_ratio_beside_the_time_ratio() -> None:
    result = timed_result()
    line = timing.speed_line(*result.blocks, MACHINE)
    assert line.startswith("bottleneck: 16.9x fewer MACs than basic, 5.0x faster here")
    slower = timed_result(0.008, 0.010)
    assert "1.2x slower here" in timing.speed_line(*slower.blocks, MACHINE)


def test_memory_bound_layers_are_named() -> None:
    line = timing.bound_line(timed_result().blocks[1], MACHINE)
    assert line.startswith("bottleneck: 7 of 10 layers memory-bound here (below 2.50 MACs/byte)")
    assert "bn1, relu, bn2, relu, bn3, add, relu" in line


def test_notes_name_the_machine_and_flag_noise() -> None:
    result = timed_result()
    notes = timing.time_notes(result.blocks, MACHINE)
    assert notes[0].startswith("timed on Test CPU 9000 (cpu), 2 threads, float32")
    assert not any("noisy" in n or "busy" in n for n in notes)
    noisy = replace(result.blocks[0], timed=Timed(timing_of(0.01, 0.005)))
    busy = replace(MACHINE, load_average=9.0)
    notes = timing.time_notes([noisy], busy)
    assert any(n.startswith("noisy:") for n in notes)
    assert any("load average 9.0 on 8 CPUs" in n for n in notes)


@pytest.mark.parametrize("width", [100, 132, 200])
def test_table_keeps_every_exact_integer_whole(width: int) -> None:
    out = RENDERERS[Format.TABLE](timed_result(), RenderOptions(width=width))
    for number in ("3,699,376,128", "218,365,952", "1,849,688,064", "115,605,504"):
        assert number in out
    assert "MACs are not time" in out and "5.0x faster here" in out


def test_json_keys_from_fixed_timings() -> None:
    doc = json.loads(RENDERERS[Format.JSON](timed_result(), RenderOptions()))
    assert doc["speedup"] == 0.040 / 0.008
    assert doc["machine"]["peak_gflops"] == 200.0 and doc["machine"]["ridge_intensity"] == 2.5
    basic = doc["blocks"][0]
    assert basic["time"]["gflops_per_s"] == basic["flops"]["analytic"] / 0.040 / 1e9
    assert basic["roofline"]["bound"] == "compute"


def test_untimed_results_render_as_before() -> None:
    plain = analytic_compare(block_pair(256, 64, 256), InputShape(56, 56))
    for fmt, render in RENDERERS.items():
        out = render(plain, RenderOptions())
        assert "MACs are not time" not in out and "time_median_s" not in out, fmt
