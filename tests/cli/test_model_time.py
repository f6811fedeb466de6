"""``network TARGET --time`` (a user's model): the JSON keys and the invariants between them,
bytes written out by hand for the small CNN, rows that are not timed, counts left untouched,
the other formats, and the refusals (exit 2, one line, before anything is built).

Structure and invariants only, never how fast: small models and short time budgets.

The small CNN (tests/fixtures/small_cnn.py:Net) at 1x3x32x32: conv 3->8 3x3 (no bias) at
32x32, BN(8), ReLU, conv 8->16 3x3/2 (bias) to 16x16, global average pool, Linear(16, 10).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner, Result

from bottlecalc.analytic import numel
from bottlecalc.breakdown import OTHER
from bottlecalc.cli import cli
from bottlecalc.measure import pipeline, timing

TESTS = Path(__file__).parent.parent
NET = ("fixtures/small_cnn.py:Net", "--input", "1,3,32,32")  # relative to tests/
TIMED = ("--time", "--threads", "1")
TIME_KEYS = {"median_s", "iqr_s", "runs", "threads", "device", "dtype", "gflops_per_s", "noisy"}
MACHINE_KEYS = {"cpu", "peak_gflops", "bandwidth_gbs", "ridge_intensity", "threads", "dtype"}
# Per row at --depth 2: (parameters, input shape, output shape), float32 (4 bytes).
SHAPES = {
    "body.0": (3 * 8 * 9, (3, 32, 32), (8, 32, 32)),
    "body.1": (2 * 8, (8, 32, 32), (8, 32, 32)),
    "body.2": (0, (8, 32, 32), (8, 32, 32)),
    "body.3": (8 * 16 * 9 + 16, (8, 32, 32), (16, 16, 16)),
    "body.4": (0, (16, 16, 16), (16, 1, 1)),
    "body.5": (0, (16, 1, 1), (16,)),
    "body.6": (16 * 10 + 10, (16,), (10,)),
}
PARAMS = sum(params for params, _, _ in SHAPES.values())


@pytest.fixture(autouse=True)
def in_tests(monkeypatch: pytest.MonkeyPatch, short_timing: None) -> None:
    """File targets are relative to tests/; every run here has brief timing budgets."""
    monkeypatch.chdir(TESTS)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["network", *args], env=env, prog_name="bottlecalc")


def data(*args: str) -> dict[str, Any]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def check_time(time: dict[str, Any], flops: int, dtype: str = "float32") -> None:
    assert time.keys() == TIME_KEYS
    assert time["median_s"] > 0 and time["iqr_s"] >= 0 and time["runs"] >= 1
    assert (time["threads"], time["device"], time["dtype"]) == (1, "cpu", dtype)
    assert time["gflops_per_s"] == pytest.approx(flops / time["median_s"] / 1e9, rel=1e-12)


def check_roofline(roof: dict[str, Any], machine: dict[str, Any], *, macs: int,
                   moved: int) -> None:
    """The verdict follows from the intensity and the probes; so does the prediction."""
    assert roof["intensity"] == pytest.approx(macs / moved, rel=1e-12)
    assert machine["ridge_intensity"] == pytest.approx(
        machine["peak_gflops"] / (2 * machine["bandwidth_gbs"]), rel=1e-12)
    assert roof["bound"] == ("compute" if roof["intensity"] >= machine["ridge_intensity"]
                             else "memory")
    expected = max(2 * macs / (machine["peak_gflops"] * 1e9),
                   moved / (machine["bandwidth_gbs"] * 1e9))
    assert roof["predicted_s"] == pytest.approx(expected, rel=1e-12)


def strip_time(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without the keys --time adds."""
    doc = {key: value for key, value in doc.items() if key not in ("machine", "speedup")}
    for entry in doc["networks"]:
        for row in (entry, *entry["breakdown"]):
            row.pop("time"), row.pop("roofline")
    return doc


def test_json_has_every_key_and_the_bytes_by_hand() -> None:
    doc = data(*NET, "--depth", "2", *TIMED)
    machine, [entry] = doc["machine"], doc["networks"]
    assert machine.keys() >= MACHINE_KEYS and machine["cpu"] and machine["threads"] == 1
    assert doc["speedup"] is None  # one model: nothing to set its time against
    check_time(entry["time"], entry["flops"]["torch"])
    moved = 4 * (PARAMS + numel((1, 3, 32, 32)) + 10)  # weights, the input, the logits
    check_roofline(entry["roofline"], machine, macs=entry["macs"]["complete"], moved=moved)
    rows = {row["name"]: row for row in entry["breakdown"]}
    for name, (params, shape_in, shape_out) in SHAPES.items():
        row = rows[name]
        check_time(row["time"], row["flops"])
        check_roofline(row["roofline"], machine, macs=row["macs"],
                       moved=4 * (params + numel(shape_in) + numel(shape_out)))
    assert (rows[OTHER]["time"], rows[OTHER]["roofline"]) == (None, None)


def test_time_never_changes_a_count() -> None:
    args = (*NET, "--depth", "2", "--top", "3", "--pass", "train")
    assert strip_time(data(*args, *TIMED)) == data(*args)


def test_rows_that_are_no_call_of_a_module_are_not_timed() -> None:
    """Auxiliary heads the forward never calls, and (other): time and roofline null."""
    rows = {r["name"]: r for r in data("fixtures/models.py:WithAux", "--input", "2,32",
                                       *TIMED)["networks"][0]["breakdown"]}
    assert rows["trunk"]["time"] is not None
    assert all(rows[name]["time"] is rows[name]["roofline"] is None
               for name in ("aux1", "aux2", OTHER))
    mixer = data("fixtures/breakdown_models.py:Mixer", "--input", "3,8", *TIMED)
    other = mixer["networks"][0]["breakdown"][-1]
    assert other["name"] == OTHER and other["macs"] > 0 and other["time"] is None


def test_a_module_called_twice_is_timed_for_both_calls() -> None:
    entry = data("fixtures/breakdown_models.py:Twice", "--input", "2,16", *TIMED)["networks"][0]
    shared = {r["name"]: r for r in entry["breakdown"]}["shared"]
    one_call = 4 * ((16 * 16 + 16) + 2 * 16 + 2 * 16)  # weights, input, output
    check_time(shared["time"], 2 * 2 * 16 * 16 * 2)
    check_roofline(shared["roofline"], data(*NET, *TIMED)["machine"], macs=shared["macs"],
                   moved=2 * one_call)


def test_a_factory_that_builds_on_meta_is_timed_on_zeros() -> None:
    """breakdown_models.resnet18 pins its tensors to the meta device: timed zero-filled."""
    entry = data("fixtures/breakdown_models.py:resnet18", "--input", "1,3,32,32",
                 *TIMED)["networks"][0]
    check_time(entry["time"], entry["flops"]["torch"])
    assert all(row["time"] is not None for row in entry["breakdown"][:-1])


def test_integer_inputs_stay_integers_in_another_dtype() -> None:
    doc = data("fixtures/models.py:TokenModel", "--input", "2,16:int64", *TIMED,
               "--dtype", "bfloat16")
    entry = doc["networks"][0]
    assert doc["machine"]["dtype"] == "bfloat16"
    check_time(entry["time"], entry["flops"]["torch"], "bfloat16")
    assert entry["inputs"] == [{"name": "0", "shape": [2, 16], "dtype": "int64"}]


def test_what_the_forward_prints_goes_to_stderr() -> None:
    result = invoke("fixtures/models.py:ForwardPrints", "--input", "1,4", *TIMED,
                    "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["networks"][0]["time"]["median_s"] > 0
    assert "forward called" in result.stderr


def test_table_csv_and_markdown_carry_the_times() -> None:
    table = invoke(*NET, "--depth", "2", *TIMED, env={"COLUMNS": "200"}).stdout
    header = next(line for line in table.splitlines() if line.split()[:2] == ["module", "kind"])
    assert header.split()[-3:] == ["time", "GFLOP/s", "bound"]
    assert "timed: the forward pass took" in table and "the roofline predicts" in table
    assert "timed on " in table and "1 thread," in table and "float32" in table
    assert "timed rows memory-bound here" in table and "each timed on its own" in table
    rows = list(csv.DictReader(io.StringIO(invoke(*NET, "--depth", "2", *TIMED, "--format",
                                                  "csv").stdout)))
    assert rows[0]["row"] == "total" and float(rows[0]["time_median_s"]) > 0
    assert all(row["roofline_bound"] in ("compute", "memory") for row in rows[:-1])
    assert rows[-1]["row"] == OTHER and rows[-1]["time_median_s"] == ""
    md = invoke(*NET, *TIMED, "--format", "markdown").stdout
    assert "| fvcore | time | GFLOP/s | bound |" in md and "_time = median of many" in md


def test_without_time_nothing_is_timed() -> None:
    doc = data(*NET)
    assert "machine" not in doc and "speedup" not in doc
    assert not any("time" in row for row in doc["networks"][0]["breakdown"])
    assert "GFLOP/s" not in invoke(*NET).stdout


def never(*_: object, **__: object) -> None:
    raise AssertionError("built or probed although it cannot fit")


def test_a_model_too_large_for_memory_is_refused_before_it_is_built(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """2.5 billion float32 weights (10 GB, counted on meta) against 8 GiB free: refused from
    the estimate alone, nothing is built, no probe runs."""
    monkeypatch.setattr(timing, "available_bytes", lambda device: 8 * 2**30)
    monkeypatch.setattr(timing, "built", never)
    monkeypatch.setattr(timing, "probe_machine", never)
    result = invoke("fixtures/breakdown_models.py:huge", "--input", "1,50000", "--time")
    assert result.exit_code == 2, result.output
    params, largest = 50_000 * 50_000 + 50_000, 50_000  # the largest op output: 1x50000
    need = 4 * params + 5 * 4 * largest + 4 * 50_000 + timing.PROBE_BYTES
    assert result.stderr.strip() == (
        f"bottlecalc network: error: --time: timing needs about {need / 2**30:,.1f} GiB but "
        "cpu has 8.0 GiB free; give a smaller --input (or --inputs), or a smaller --dtype")
    assert result.stdout == ""


def test_refused_against_the_memory_this_machine_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timing, "available_bytes", lambda device: 1024)
    monkeypatch.setattr(timing, "built", never)
    result = invoke(*NET, "--time")
    assert result.exit_code == 2 and "GiB but cpu has 0.0 GiB free" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_refused_before_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "measure", never)
    result = invoke(*NET, "--time", "--device", "cuda")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("bottlecalc network: error: --device cuda: torch "
                                     f"{torch.__version__} sees no CUDA device here; "
                                     "use --device cpu")
