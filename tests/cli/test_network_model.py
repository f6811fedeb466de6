"""``bottlecalc network TARGET`` for a user's model: every format shows the modules' counts
written out by hand here, the options that do not apply are refused, failures exit 3.

The small CNN (tests/fixtures/small_cnn.py:Net) at 1x3x32x32: conv 3->8 3x3 (no bias) at
32x32, BN(8), ReLU, conv 8->16 3x3/2 (bias) to 16x16, global average pool, Linear(16, 10).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import bottlecalc.api
from bottlecalc.breakdown import ModelResult
from bottlecalc.cli import cli
from bottlecalc.findings import Reconcile, Why
from bottlecalc.results import Measured

TESTS = Path(__file__).parent.parent
ROOT = TESTS.parent
NET = ("fixtures/small_cnn.py:Net", "--input", "1,3,32,32")  # relative to tests/
CONV1 = (3 * 8 * 3 * 3, 3 * 3 * 3 * 8 * 32 * 32)  # (params, MACs): k*k*cin*cout*H*W
BN = (2 * 8, 0)
CONV2 = (8 * 16 * 3 * 3 + 16, 3 * 3 * 8 * 16 * 16 * 16)
FC = (16 * 10 + 10, 16 * 10)
PARAMS = CONV1[0] + BN[0] + CONV2[0] + FC[0]
MACS = CONV1[1] + CONV2[1] + FC[1]
FVCORE = MACS + 2 * 8 * 32 * 32 + 16 * 16 * 16  # + BN 2/element (eval) + avg-pool 1/element
HAND = {"body.0": CONV1, "body.1": BN, "body.3": CONV2, "body.6": FC, "body.2": (0, 0),
        "body.4": (0, 0), "body.5": (0, 0), "(other)": (0, 0)}


@pytest.fixture(autouse=True)
def in_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)  # file targets are relative to the current directory


def invoke(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, ["network", *args], env=env, prog_name="bottlecalc")


@cache
def output(*args: str, columns: str | None = None) -> str:
    result = CliRunner().invoke(cli, ["network", *args], env={"COLUMNS": columns},
                                prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    return result.stdout


def as_json(*args: str) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(output(*args, "--format", "json"))["networks"][0]
    return entry


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"


def test_table_rows_are_the_modules_by_hand() -> None:
    lines = output(*NET, "--depth", "2").splitlines()
    for name, (params, macs) in HAND.items():
        (line,) = [x for x in lines if x.split()[:1] == [name]]
        numbers = line.split()[-6:]
        assert numbers == [f"{params:,}", pct(params, PARAMS), f"{macs:,}", pct(macs, MACS),
                           f"{2 * macs:,}", numbers[-1]]
    (total,) = [x for x in lines if x.split()[:1] == ["total"]]
    assert total.split()[1:] == [f"{PARAMS:,}", "100.0%", f"{MACS:,}", "100.0%",
                                 f"{2 * MACS:,}", f"{FVCORE:,}"]


def test_depth_1_is_what_a_wrapper_with_one_child_holds() -> None:
    """Net's only child is the Sequential ``body``: it uses up no depth, so depth 1 shows
    body's children (ultralytics' ``model`` Sequential, issue 20 item 19)."""
    lines = output(*NET).splitlines()
    assert not any(x.split()[:2] == ["body", "Sequential"] for x in lines)
    for name, (params, macs) in HAND.items():
        (line,) = [x for x in lines if x.split()[:1] == [name]]
        named = 1 if name == "(other)" else 2  # (other) has no kind
        assert line.split()[named:named + 3] == [f"{params:,}", pct(params, PARAMS),
                                                 f"{macs:,}"]


def test_json_rows_by_hand_with_shares() -> None:
    entry = as_json(*NET, "--depth", "2")
    rows = {r["name"]: r for r in entry["breakdown"]}
    assert set(rows) == set(HAND)
    for name, (params, macs) in HAND.items():
        row = rows[name]
        assert (row["params"], row["macs"], row["flops"]) == (params, macs, 2 * macs)
        assert row["share"] == {"params": round(params / PARAMS, 6),
                                "macs": round(macs / MACS, 6)}
    assert rows["body.1"]["fvcore"] == 2 * 8 * 32 * 32  # fvcore counts BN; the complete count not
    assert (entry["params"]["total"], entry["macs"]["complete"]) == (PARAMS, MACS)
    assert (entry["macs"]["fvcore"], entry["flops"]["torch"]) == (FVCORE, 2 * MACS)


def test_csv_rows_sum_to_the_total_row() -> None:
    rows = list(csv.DictReader(io.StringIO(output(*NET, "--depth", "2", "--format", "csv"))))
    total, body = rows[0], rows[1:]
    assert total["row"] == "total" and [r["model"] for r in rows] == [NET[0]] * len(rows)
    assert {r["row"]: (int(r["params"]), int(r["macs"])) for r in body} == HAND
    for column, expected in (("params", PARAMS), ("macs", MACS), ("flops", 2 * MACS),
                             ("fvcore", FVCORE)):
        assert int(total[column]) == expected == sum(int(r[column]) for r in body)


def test_markdown_is_a_github_table_with_the_hand_counts() -> None:
    lines = output(*NET, "--depth", "2", "--format", "markdown").splitlines()
    assert "| module | kind | params | % params | MACs | % MACs | FLOPs | fvcore |" in lines
    assert "|---|---|---:|---:|---:|---:|---:|---:|" in lines  # names left, numbers right
    conv = f"| body.0 | Conv2d | {CONV1[0]:,} | {pct(*CONV1[:1], PARAMS)} | {CONV1[1]:,} |"
    assert any(line.startswith(conv) for line in lines)
    assert f"| **total** |  | **{PARAMS:,}** | **100.0%** | **{MACS:,}** |" in "\n".join(lines)


def test_sort_by_name_and_top_fold_the_rest_into_one_row() -> None:
    by_name = [r["name"] for r in as_json(*NET, "--depth", "2", "--sort", "name")["breakdown"]]
    assert by_name == [f"body.{i}" for i in range(7)] + ["(other)"]
    rows = as_json(*NET, "--depth", "2", "--top", "2")["breakdown"]
    assert [r["name"] for r in rows] == ["body.3", "body.0", "(5 more modules)", "(other)"]
    rest = [BN, FC, (0, 0), (0, 0), (0, 0)]
    assert (rows[2]["params"], rows[2]["macs"]) == (sum(p for p, _ in rest),
                                                    sum(m for _, m in rest))
    by_params = as_json(*NET, "--depth", "2", "--sort", "params", "--top", "1")["breakdown"]
    assert by_params[0]["name"] == "body.3" and by_params[1]["params"] == PARAMS - CONV2[0]


def test_conventions_are_the_hand_formulas() -> None:
    text = output(*NET, "--conventions", columns="200")
    expected = {"complete MACs": f"{MACS:,}", "fvcore": f"{FVCORE:,}",
                "FlopCounterMode FLOPs": f"{2 * MACS:,}", "module formulas": f"{MACS:,} ✓"}
    for label, count in expected.items():
        assert re.search(rf"│ {re.escape(label)} +│ +{re.escape(count)} │", text), label
    assert f"+{2 * 8 * 32 * 32:,} aten::batch_norm x1" in text  # the gap, explained
    assert f"+{16 * 16 * 16:,} aten::adaptive_avg_pool2d x1" in text


def test_train_pass_adds_the_training_step_to_the_totals() -> None:
    # mlp: Linear(8, 16), ReLU, Linear(16, 4) on 2x8. Forward 2*8*16 + 2*16*4 MACs; backward:
    # both weight gradients, the second layer's input gradient, none into the first layer.
    args = ("fixtures/breakdown_models.py:mlp", "--input", "2,8", "--pass", "train")
    forward = 2 * 8 * 16 + 2 * 16 * 4
    train = 2 * (forward + (2 * 8 * 16 + 2 * 16 * 4) + 2 * 16 * 4)
    assert as_json(*args)["flops"]["train"] == {"torch": train}
    assert f"training step {train:,} FLOPs" in " ".join(output(*args).split())
    rows = list(csv.DictReader(io.StringIO(output(*args, "--format", "csv"))))
    assert rows[0]["flops_train"] == str(train) and rows[1]["flops_train"] == ""


def test_keyword_inputs_from_a_callable() -> None:
    entry = as_json("fixtures/models.py:TwoInputs", "--inputs",
                    "fixtures/models.py:two_inputs_kwargs")
    rows = {r["name"]: r["macs"] for r in entry["breakdown"]}
    assert rows == {"conv": 9 * 3 * 8 * 2 * 16 * 16, "side": 2 * 12 * 8, "(other)": 0}
    assert "image=2x3x16x16, features=2x12, scale=2x8" in output(
        "fixtures/models.py:TwoInputs", "--inputs", "fixtures/models.py:two_inputs_kwargs")


def test_a_package_module_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    package = tmp_path / "bcpkg_network_demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nets.py").write_text("from torch import nn\n\ndef build():\n"
                                     "    return nn.Linear(32, 5)\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("bcpkg_network_demo.nets:build", "--input", "3,32", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["networks"][0]["macs"]["complete"] == 3 * 32 * 5


def test_file_targets_are_relative_to_the_current_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*NET)
    assert result.exit_code == 3
    assert f"no such file {tmp_path.resolve() / 'fixtures' / 'small_cnn.py'}" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((*NET, "resnet18"), "network takes one model TARGET on its own"),
    ((*NET, "fixtures/models.py:gru"), "network takes one model TARGET on its own"),
    ((*NET, "--size", "64"), "--size applies to presets and custom only"),
    ((*NET, "--no-measure"), "--no-measure applies to presets and custom only"),
    ((*NET, "--cross-check", "--size", "8"), "--size, --cross-check apply to presets"),
    ((*NET, "--dtype", "float16"), "--dtype applies only with --time"),
    ((*NET, "--threads", "2"), "--threads applies only with --time"),
    ((*NET, "--device", "cpu"), "--device applies only with --time"),
    ((*NET, "--time", "--no-measure"), "--time runs torch; drop --no-measure"),
    ((*NET, "--layers", "1,1"), "--layers applies to presets and custom only"),
    ((*NET, "--depth", "stage"), "--depth stage is for presets and custom"),
    ((*NET, "--depth", "0"), "--depth must be at least 1"),
    ((*NET, "--depth", "two"), "--depth must be an integer, got 'two'"),
    ((*NET, "--top", "0"), "'--top'"),
    ((*NET, "--inputs", "fixtures/models.py:two_inputs_kwargs"), "--input (shapes) and --inputs"),
    (("fixtures/small_cnn.py:Net", "--inputs", "a:b:c"), "--inputs: target 'a:b:c'"),
    ((*NET, "--input", "1,0"), "--input"),
    (("a:b:c",), "target 'a:b:c'"),
    (("resnet18", "--depth", "2"), "--depth for presets and custom is one of network, stage"),
    (("resnet18", "--depth", "deep"), "got 'deep'"),
    (("resnet18", "--sort", "name", "--no-measure"), "--sort applies only to a model TARGET"),
    (("resnet18", "--input", "1,3,8,8", "--top", "2"), "--input, --top apply only to a model"),
    (("resnet18", "--inputs", "x.py:f"), "--inputs applies only to a model TARGET"),
    (("resnet18", "--by", "kind", "--no-measure"), "--by applies only to a model TARGET"),
    (("resnet18", "--no-collapse", "--no-measure"), "--collapse applies only to a model"),
    ((*NET, "--by", "class"), "'--by'"),
])
def test_options_that_do_not_apply_exit_2_with_one_line(args: tuple[str, ...],
                                                        message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize(("target", "message"), [
    ("fixtures/broken_import.py:build", "No module named 'bottlecalc_no_such_module'"),
    ("fixtures/raising.py:build", "RuntimeError: checkpoint weights.pt not found"),
    ("fixtures/small_cnn.py:missing", "has no attribute 'missing'"),
    ("fixtures/small_cnn.py:build_wrong_input", "the forward pass of"),
    ("bottlecalc_missing_pkg.models:build", "No module named 'bottlecalc_missing_pkg'"),
])
def test_a_model_that_fails_to_import_build_or_run_exits_3(target: str, message: str) -> None:
    result = invoke(target)
    assert result.exit_code == 3
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_unexplained_differences_exit_3_after_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    odd = Reconcile("modules", "Linear", -7, Why.FORMULA, modules=("fc",), explained=False,
                    ours=13, seen=20)
    measured = Measured(params=10, macs=20, torch_flops=40, reconcile=(odd,))
    monkeypatch.setattr(bottlecalc.api, "count_model",
                        lambda target, **_: ModelResult(target, measured))
    result = invoke("x.py:f", "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["all_agree"] is False
    assert "the counting routes disagree" in result.stderr
    table = invoke("x.py:f")
    assert "DISAGREE: 7 MACs differ" in table.stdout and "warning: modules:" in table.stdout
    assert json.loads(result.stdout)["networks"][0]["warnings"] == [
        "modules: the Linear formula and FlopCounterMode disagree (13 vs 20 MACs) in fc"]


def documented(heading: str) -> set[str]:
    """The keys named in the first column of the table after ``heading`` in
    docs/network.md (```params.total`, `.trainable``` names ``params``)."""
    doc = (ROOT / "docs" / "network.md").read_text(encoding="utf-8")
    section = doc[doc.index(heading):]
    table = section[section.index("\n|"):].split("\n\n")[0]
    cells = [line.split("|")[1] for line in table.strip().splitlines()[2:]]
    keys = [key for cell in cells for key in re.findall(r"`([^`]*)`", cell)]
    return {key.split(".")[0] for key in keys if not key.startswith(".")}


TIMED = {"machine", "speedup", "time", "roofline"}  # the keys --time adds
# Keys only where they apply (--by kind; collapsed, tied, shared rows): test_network_kinds
MARKED = {"by_kind", "instances", "tied", "parents"}


def keys(doc: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """The keys of the document, of its model entry and of its breakdown rows."""
    entry = doc["networks"][0]
    return set(doc), set(entry), {key for row in entry["breakdown"] for key in row}


@pytest.mark.usefixtures("short_timing")
def test_json_keys_are_the_documented_ones() -> None:
    headings = ("<!-- model document -->", "<!-- model entry -->", "<!-- model row -->")
    untimed = keys(json.loads(output(*NET, "--format", "json")))
    timed = keys(json.loads(invoke(*NET, "--time", "--format", "json").stdout))
    for heading, plain, with_time in zip(headings, untimed, timed, strict=True):
        assert with_time == documented(heading) - MARKED
        assert plain == documented(heading) - TIMED - MARKED
    assert documented(headings[1]) | documented(headings[2]) >= MARKED
