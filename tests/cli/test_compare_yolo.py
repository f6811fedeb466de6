"""compare --blocks: ResNet's and YOLO's blocks side by side, in every format.

Expected figures are written out here from ultralytics' definitions (C3(256, 256, n=3):
625,152 parameters; C2f(256, 256, n=1): 460,288), never read back from bottlecalc.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

SCHEMA = json.loads((Path(__file__).parents[2] / "bottlecalc" / "schemas" /
                     "compare.v1.schema.json").read_text(encoding="utf-8"))
FOUR = ["compare", "--in", "256", "--blocks", "basic,bottleneck,c3,c2f"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def c3_params(c: int, n: int) -> int:
    h = c // 2
    return 2 * (c * h + 2 * h) + (2 * h * c + 2 * c) + n * (h * h + 2 * h + 9 * h * h + 2 * h)


def c2f_params(c: int, n: int) -> int:
    h = c // 2
    return (c * 2 * h + 4 * h) + ((2 + n) * h * c + 2 * c) + n * 2 * (9 * h * h + 2 * h)


def test_four_blocks_in_the_table() -> None:
    result = invoke(*FOUR, "--no-measure")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for figure in ("1,180,672", "70,400", f"{c3_params(256, 1):,}", f"{c2f_params(256, 1):,}"):
        assert figure in out
    assert "basic vs bottleneck vs c3 vs c2f" in out
    # every ratio line names the baseline: the first block
    assert "bottleneck: 16.9x fewer conv weights" in out
    assert out.count("than the basic block") == 3
    assert "bottleneck: --mid not given: 256 / 4 = 64" in out


def test_the_figures_yolo_users_quote() -> None:
    result = invoke("compare", "--in", "256", "--blocks", "c3,c2f", "--n", "3", "--format",
                    "json")
    assert result.exit_code == 0, result.output
    c3, c2f = json.loads(result.stdout)["blocks"]
    assert c3["params"]["total"] == c3_params(256, 3) == 625_152
    assert c2f["params"]["total"] == c2f_params(256, 3)
    assert c3["params"]["instantiated"] == 625_152
    assert c3["yolo"]["n"] == 3 and c2f["yolo"]["shortcut"] is False
    assert c2f_params(256, 1) == 460_288


def test_json_validates_and_carries_thop() -> None:
    result = invoke(*FOUR, "--format", "json", "--no-measure")
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    kinds = [b["kind"] for b in data["blocks"]]
    assert kinds == ["basic", "bottleneck", "c3", "c2f"]
    assert "yolo" not in data["blocks"][0]
    c2f = data["blocks"][3]
    weights = 256 * 256 + 384 * 256 + 2 * 9 * 128 * 128
    bn_elements = (256 + 256 + 128 + 128) * 56 * 56
    assert c2f["yolo"]["thop_fused"] == weights * 56 * 56
    assert c2f["yolo"]["thop_unfused"] == weights * 56 * 56 + 4 * bn_elements


def test_gflops_note_in_table() -> None:
    result = invoke("compare", "--in", "256", "--blocks", "basic,c2f", "--size", "640",
                    "--no-measure")
    macs = (256 * 256 + 384 * 256 + 2 * 9 * 128 * 128) * 640 * 640
    assert f"2 x {macs:,} MACs = {2 * macs:,} ({2 * macs / 1e9:.2f} GFLOPs) fused" in \
        " ".join(result.stdout.split())


def test_gflops_of_a_small_block_keep_three_digits() -> None:
    result = invoke("compare", "--in", "32", "--blocks", "basic,c3", "--size", "8",
                    "--no-measure")
    macs = (2 * 32 * 16 + 32 * 32 + 16 * 16 + 9 * 16 * 16) * 8 * 8
    assert f"({2 * macs / 1e9:.3g} GFLOPs) fused" in " ".join(result.stdout.split())


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_every_block_in_csv_and_markdown(fmt: str) -> None:
    result = invoke(*FOUR, "--format", fmt, "--no-measure")
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [r["kind"] for r in rows] == ["basic", "bottleneck", "c3", "c2f"]
        assert rows[3]["params_total"] == str(c2f_params(256, 1))
        assert (rows[0]["yolo_n"], rows[2]["yolo_n"], rows[3]["yolo_shortcut"]) == \
            ("", "1", "False")
    else:
        assert "| **c3** (n=1 e=0.5 shortcut" in result.stdout
        assert result.stdout.count("than the basic block**") == 3


def test_measured_routes_agree() -> None:
    result = invoke("compare", "--in", "64", "--blocks", "c3,c2f,bottleneckcsp,sppf",
                    "--size", "16", "--cross-check", "--format", "json")
    assert result.exit_code == 0, result.output
    for block in json.loads(result.stdout)["blocks"]:
        assert block["agree"] == {"params": True, "fvcore": True, "torch": True}


def test_explain_shows_each_conv_formula() -> None:
    result = invoke("compare", "--in", "256", "--blocks", "bottleneck,yolo-bottleneck",
                    "--mid", "64", "--explain", "--no-measure")
    out = result.stdout
    assert "cv1.conv" in out and "3x3x256x128 = 294,912" in out
    assert "3x3x128x256 = 294,912" in out
    assert "conv weights: 294,912 + 294,912 = 589,824" in out


@pytest.mark.parametrize(("args", "needle"), [
    (["--blocks", "c3,c4"], "--blocks: unknown block 'c4'"),
    (["--blocks", "c3"], "list at least two blocks"),
    (["--blocks", "basic,bottleneck", "--n", "3"], "--n applies to none of --blocks"),
    (["--blocks", "c3,c2f", "--k", "3"], "--k applies to none of --blocks"),
    (["--blocks", "c3,c2f", "--c3k"], "--c3k applies to c3k2 only"),
    (["--blocks", "c3,c2f", "--stride", "2"], "--stride applies to conv only"),
    (["--blocks", "c3,c2f", "--e", "0.001"], "0 hidden channels"),
    (["--blocks", "c3k,sppf", "--k", "4"], "--k must be odd"),
    (["--blocks", "c3,c2f", "--no-bn"], "always has BatchNorm"),
    (["--blocks", "c3,c2f", "--groups", "3"], "--groups 3 must divide"),
    ([], "Missing option '--mid'"),
])
def test_bad_yolo_input_is_one_line_exit_2(args: list[str], needle: str) -> None:
    result = invoke("compare", "--in", "256", *args, "--no-measure")
    assert result.exit_code == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
