"""The network command: published figures, formats, conventions, memory, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli

STAGES = ["stem", "layer1", "layer2", "layer3", "layer4", "head"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["network", *args], prog_name="bottlecalc")


def as_json(*args: str) -> dict[str, Any]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def resnet18_macs(size: int) -> int:
    """conv + fc MACs of torchvision's resnet18 at size x size, written out stage by stage."""
    s = size // 2  # after the 7x7/2 stem (size a multiple of 32)
    macs = 7 * 7 * 3 * 64 * s * s
    s //= 2  # max-pool
    macs += 4 * 9 * 64 * 64 * s * s
    for cin in (64, 128, 256):
        cout, s = 2 * cin, s // 2
        macs += (9 * cin * cout + 3 * 9 * cout * cout + cin * cout) * s * s
    return macs + 512 * 1000


def test_table_shows_published_figures_and_every_stage() -> None:
    result = invoke("resnet50", "--no-measure")
    assert result.exit_code == 0, result.output
    for figure in ("25,557,032", "4,089,184,256", "weighted layers", *STAGES):
        assert figure in result.stdout
    assert result.stderr == ""


def test_side_by_side_is_the_article_comparison_for_whole_networks() -> None:
    result = invoke("resnet34", "resnet50", "--no-measure")
    assert result.exit_code == 0, result.output
    assert "21,797,672" in result.stdout and "25,557,032" in result.stdout
    params, macs = 25_557_032 / 21_797_672, 4_089_184_256 / 3_663_761_408
    line = (f"resnet50 vs resnet34: 50 vs 34 weighted layers, {params:.2f}x the parameters, "
            f"{macs:.2f}x the MACs")
    assert line in result.stdout


def test_json_every_route_on_a_small_input() -> None:
    data = as_json("resnet18", "--size", "64", "--cross-check")
    assert data["version"] == 1
    (entry,) = data["networks"]
    assert entry["name"] == "resnet18"
    assert entry["params"]["total"] == entry["params"]["instantiated"] == 11_689_512
    assert entry["macs"]["conv"] == resnet18_macs(64)
    assert entry["macs"]["fvcore"] == entry["macs"]["analytic"]
    assert entry["flops"]["torch"] == 2 * resnet18_macs(64)
    assert entry["fvcore_unsupported"] == {"aten::add": 8, "aten::max_pool2d": 1}
    assert data["all_agree"] is True


def test_json_stages_sum_to_the_network() -> None:
    data = as_json("resnet34", "resnext50_32x4d", "--no-measure")
    assert [n["name"] for n in data["networks"]] == ["resnet34", "resnext50_32x4d"]
    assert data["networks"][1]["params"]["total"] == 25_028_904
    for entry in data["networks"]:
        stages = entry["stages"]
        assert [s["name"] for s in stages] == STAGES
        assert sum(s["params"]["total"] for s in stages) == entry["params"]["total"]
        assert sum(s["macs"]["conv"] for s in stages) == entry["macs"]["conv"]
        assert sum(s["macs"]["analytic"] for s in stages) == entry["macs"]["analytic"]
        assert entry["macs"]["fvcore"] is None and entry["flops"]["torch"] is None


def test_variant_v1_lands_on_the_paper() -> None:
    (entry,) = as_json("resnet50", "--variant", "v1", "--no-measure")["networks"]
    assert entry["spec"]["variant"] == "v1"
    assert abs(entry["macs"]["conv"] / 1e9 - 3.8) < 0.1
    assert entry["macs"]["v1"] == entry["macs"]["conv"]
    assert entry["params"]["total"] == 25_557_032


def test_layer_depth_memory_at_float16() -> None:
    data = as_json("resnet50", "--depth", "layer", "--dtype", "float16", "--no-measure")
    rows = {row["name"]: row for row in data["networks"][0]["breakdown"]}
    conv3 = rows["layer4.2.conv3"]
    assert conv3["memory"]["weight_bytes"] == 2 * 512 * 2048
    assert conv3["memory"]["input_bytes"] == 2 * 512 * 7 * 7
    assert conv3["memory"]["output_bytes"] == 2 * 2048 * 7 * 7
    macs = 512 * 2048 * 7 * 7
    expected = macs / (2 * (512 * 2048 + 512 * 49 + 2048 * 49))
    assert conv3["memory"]["intensity"] == round(expected, 4)


def test_csv_rows_sum_to_the_total_row() -> None:
    result = invoke("resnet101", "--format", "csv", "--no-measure")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    total, stages = rows[0], rows[1:]
    assert total["row"] == "total" and total["params"] == "44549160"
    assert [r["row"] for r in stages] == STAGES
    for column in ("params", "macs_conv", "weight_bytes", "output_bytes"):
        assert sum(int(r[column]) for r in stages) == int(total[column])


def test_markdown_and_conventions_view() -> None:
    result = invoke("resnet152", "--format", "markdown", "--conventions", "--no-measure")
    assert result.exit_code == 0
    out = result.stdout
    assert "| **parameters** | 60,192,808 (60.19 M) |" in out
    assert "### One count, four conventions" in out
    assert "11.514 G (11,513,626,624)" in out  # torchvision's 11.514 GFLOPS


def test_table_conventions_name_each_source() -> None:
    out = invoke("resnet50", "--conventions", "--no-measure", "--depth", "network").stdout
    for words in ("torchvision's \"GFLOPS\"", "the ResNet paper's Table 1", "4.089 G",
                  "3.858 G", "FlopCounterMode"):
        assert words in out
    assert "per stage" not in out


def test_custom_networks_reproduce_the_presets() -> None:
    custom = as_json("custom", "--block", "bottleneck", "--layers", "3,4,6,3", "--groups",
                     "32", "--width-per-group", "4", "--no-measure")["networks"][0]
    assert custom["name"] == "custom"
    assert custom["params"]["total"] == 25_028_904  # resnext50_32x4d
    basic = as_json("custom", "--block", "basic", "--layers", "2,2,2,2", "--no-measure")
    assert basic["networks"][0]["params"]["total"] == 11_689_512  # resnet18


def test_output_file_keeps_stdout_empty(tmp_path: Path) -> None:
    target = tmp_path / "nets.json"
    result = invoke("resnet18", "--no-measure", "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["networks"][0]["name"] == "resnet18"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["resnet5"], "unknown network 'resnet5'; did you mean 'resnet50'?"),
        (["custom", "--block", "bottleneck", "--layers", "3,,4"], "--layers"),
        (["custom", "--block", "bottleneck", "--layers", "3,four"], "--layers"),
        (["custom", "--block", "bottleneck", "--layers", "3", "--width", "8",
          "--width-per-group", "4"], "--width-per-group 4"),
        (["custom", "--block", "basic", "--layers", "2,2", "--groups", "2"], "--groups"),
        (["custom", "--layers", "3,4"], "--block"),
        (["resnet50", "--layers", "3,4"], "--layers applies to 'network custom' only"),
        (["resnet50", "--variant", "v2"], "--variant"),
        (["resnet50", "--size", "0"], "--size"),
        (["resnet50", "--num-classes", "0"], "--num-classes"),
        (["resnet50", "--cross-check"], "--cross-check"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], words: str) -> None:
    result = invoke(*args, "--no-measure")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_has_examples_and_lists_presets() -> None:
    out = invoke("--help").stdout
    assert "Examples:" in out and "resnext101_64x4d" in out and "--width-per-group" in out


def test_no_measure_never_imports_torch() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from bottlecalc.cli import cli;"
        "r = CliRunner().invoke(cli, ['network', 'resnet50', 'resnet34', '--no-measure',"
        " '--conventions', '--format', 'json']); assert r.exit_code == 0, r.output;"
        "assert 'torch' not in sys.modules and 'fvcore' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_table_golden(golden: Any) -> None:
    golden("network_resnet18.txt", invoke("resnet18", "--no-measure").stdout)
