"""--time on the command line: the JSON keys the issue names and the invariants between them,
the table's ratio line, the refusals (exit 2, one line), and counts left untouched.

Structure and invariants only, never how fast: small widths and short time budgets.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import torch
from click.testing import CliRunner, Result

from bottlecalc.analytic import numel
from bottlecalc.cli import cli
from bottlecalc.measure import timing

SMALL = ("--in", "32", "--mid", "8", "--size", "8")
TIMED = ("--time", "--threads", "1")
TIME_KEYS = {"median_s", "iqr_s", "runs", "threads", "device", "dtype", "gflops_per_s"}
ROOFLINE_KEYS = {"intensity", "bound", "predicted_s"}
MACHINE_KEYS = {"cpu", "peak_gflops", "bandwidth_gbs"}
ITEMSIZE = {"float32": 4, "float16": 2, "bfloat16": 2}


pytestmark = pytest.mark.usefixtures("short_timing")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def data(*args: str) -> dict[str, Any]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def check_time(time: dict[str, Any], flops: int) -> None:
    assert time.keys() >= TIME_KEYS
    assert time["median_s"] > 0 and time["iqr_s"] >= 0 and time["runs"] >= 1
    assert (time["threads"], time["device"]) == (1, "cpu")
    assert time["gflops_per_s"] == pytest.approx(flops / time["median_s"] / 1e9, rel=1e-12)


def check_roofline(roof: dict[str, Any], machine: dict[str, Any], *, macs: int,
                   moved: int) -> None:
    """The verdict follows from the intensity and the probes; so does the prediction."""
    assert roof.keys() == ROOFLINE_KEYS
    assert roof["intensity"] == pytest.approx(macs / moved, rel=1e-12)
    ridge = machine["peak_gflops"] / (2 * machine["bandwidth_gbs"])
    assert machine["ridge_intensity"] == pytest.approx(ridge, rel=1e-12)
    assert roof["bound"] == ("compute" if roof["intensity"] >= ridge else "memory")
    expected = max(2 * macs / (machine["peak_gflops"] * 1e9),
                   moved / (machine["bandwidth_gbs"] * 1e9))
    assert roof["predicted_s"] == pytest.approx(expected, rel=1e-12)


def layer_bytes(layer: dict[str, Any], dtype: str) -> int:
    weights = layer["params"]
    return ITEMSIZE[dtype] * (weights + numel(layer["in_shape"]) + numel(layer["out_shape"]))


def test_compare_json_has_every_key_and_they_agree() -> None:
    doc = data("compare", *SMALL, *TIMED)
    machine = doc["machine"]
    assert machine.keys() >= MACHINE_KEYS and machine["cpu"]
    assert machine["peak_gflops"] > 0 and machine["bandwidth_gbs"] > 0
    basic, bottleneck = doc["blocks"]
    assert doc["speedup"] == basic["time"]["median_s"] / bottleneck["time"]["median_s"]
    for block in doc["blocks"]:
        check_time(block["time"], block["flops"]["analytic"])
        assert block["roofline"]["bound"] in ("compute", "memory")
        assert block["roofline"]["predicted_s"] == pytest.approx(
            sum(layer["roofline"]["predicted_s"] for layer in block["layers"]))
        for layer in block["layers"]:
            check_roofline(layer["roofline"], machine, macs=layer["macs"],
                           moved=layer_bytes(layer, "float32"))
            if layer["op"] == "add":
                assert layer["time"] is None  # no module: timed only inside the block
            else:
                check_time(layer["time"], 2 * layer["macs"])


def test_time_never_changes_a_count() -> None:
    plain, timed = data("compare", *SMALL), data("compare", *SMALL, *TIMED)
    for key in ("machine", "speedup"):
        timed.pop(key)
    for block in timed["blocks"]:
        block.pop("time"), block.pop("roofline")
        for layer in block["layers"]:
            layer.pop("time"), layer.pop("roofline")
    assert timed == plain


def test_table_shows_the_mac_ratio_beside_the_speed_ratio() -> None:
    result = invoke("compare", *SMALL, *TIMED)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "MACs are not time" in out
    assert "x fewer MACs than basic" in out and "here (measured; the roofline predicts" in out
    assert "layers memory-bound here" in out and "bottleneck: layer by layer" in out
    assert "timed on " in out and "1 thread," in out and "float32" in out
    assert result.stderr == ""


def test_csv_and_markdown_carry_the_times() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("compare", *SMALL, *TIMED, "--format",
                                                  "csv").stdout)))
    assert [row["kind"] for row in rows] == ["basic", "bottleneck"]
    assert all(float(row["time_median_s"]) > 0 and row["roofline_bound"] for row in rows)
    md = invoke("compare", *SMALL, *TIMED, "--format", "markdown").stdout
    assert "### MACs are not time" in md and "| conv1 | conv |" in md


@pytest.mark.parametrize(("args", "needle"), [
    (["--device", "cpu"], "--device applies only with --time"),
    (["--threads", "2"], "--threads applies only with --time"),
    (["--dtype", "bfloat16"], "--dtype applies only with --time"),
    (["--time", "--no-measure"], "--time runs torch; drop --no-measure"),
    (["--time", "--threads", "0"], "'--threads': 0 is not in the range"),
    (["--time", "--device", "tpu"], "'--device': 'tpu' is not one of"),
])
def test_time_options_misused_exit_2(args: list[str], needle: str) -> None:
    result = invoke("compare", *SMALL, *args)
    assert result.exit_code == 2
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_one_line_exit_2() -> None:
    result = invoke("compare", *SMALL, "--time", "--device", "cuda")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("bottlecalc compare: error: --device cuda: torch "
                                     f"{torch.__version__} sees no CUDA device here; "
                                     "use --device cpu")


def test_a_width_too_large_for_memory_is_refused_before_allocating() -> None:
    """Far beyond any machine's memory: the estimate refuses it, nothing is built."""
    result = invoke("compare", "--in", "65536", "--mid", "65536", "--size", "1024", "--time")
    assert result.exit_code == 2
    assert "--time: timing needs about" in result.stderr and "GiB free" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_refused_against_the_memory_this_machine_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timing, "available_bytes", lambda device: 100 * 2**20)
    result = invoke("network", "resnet18", "--time")
    assert result.exit_code == 2
    assert "GiB but cpu has 0.1 GiB free" in result.stderr


def test_network_time_per_layer() -> None:
    doc = data("network", "custom", "--block", "bottleneck", "--layers", "1,1", "--width", "8",
               "--size", "16", "resnet18", "--depth", "layer", *TIMED)
    first, second = doc["networks"]
    assert doc["speedup"] == first["time"]["median_s"] / second["time"]["median_s"]
    for net in doc["networks"]:
        check_time(net["time"], net["flops"]["analytic"])
        for row in net["breakdown"]:
            check_roofline(row["roofline"], doc["machine"], macs=row["macs"]["conv"],
                           moved=sum(row["memory"][k] for k in ("weight_bytes", "input_bytes",
                                                                "output_bytes")))
            assert (row["time"] is None) == (row["op"] == "add")
    assert "time" not in first["stages"][0]  # only layers are timed one by one


def test_network_time_at_stage_depth_times_the_whole_only() -> None:
    doc = data("network", "resnet18", "--size", "32", *TIMED, "--dtype", "bfloat16")
    net = doc["networks"][0]
    assert net["time"]["dtype"] == doc["machine"]["dtype"] == "bfloat16"
    assert doc["speedup"] is None and "breakdown" not in net


def test_sweep_time_curve() -> None:
    doc = data("sweep", "--in", "32", "--mid", "4,8", "--size", "8", *TIMED)
    assert doc["machine"].keys() >= MACHINE_KEYS
    for point in doc["points"]:
        for kind in ("basic", "bottleneck"):
            check_time(point[kind]["time"], point[kind]["flops"])
        assert point["speedup"] == (point["basic"]["time"]["median_s"]
                                    / point["bottleneck"]["time"]["median_s"])
    table = invoke("sweep", "--in", "32", "--mid", "4,8", "--size", "8", *TIMED).stdout
    assert "measured time (median) by --mid" in table and "timed on " in table


def test_sweep_time_refuses_too_many_points() -> None:
    result = invoke("sweep", "--in", "32", "--mid", "1:100:1", "--size", "8", "--time")
    assert result.exit_code == 2
    assert "more than 64" in result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_handout_time_section(lang: str) -> None:
    page = invoke("handout", *SMALL, *TIMED, "--lang", lang, "--format", "html").stdout
    assert '<h2 id="time">' in page and 'class="time-chart"' in page
    assert "timed on " in page  # the chart names the machine that made it
    md = invoke("handout", *SMALL, *TIMED, "--lang", lang, "--format", "markdown").stdout
    assert "```text" in md and "x" in md
    assert ("MACs are not time" if lang == "en" else "MACs 不等于时间") in md


def test_handout_without_time_has_no_time_section() -> None:
    page = invoke("handout", *SMALL, "--no-measure", "--format", "html").stdout
    assert '<h2 id="time">' not in page
