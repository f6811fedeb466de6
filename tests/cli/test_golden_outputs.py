"""Every format of every command, byte for byte (``pytest --update-golden`` rewrites them).

The expected files were written by the CLI and read by a person; what they pin is that a
refactor or a new feature changes no output unless the change is meant (and reviewed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

TESTS = Path(__file__).parent.parent
ARTICLE = ("--in", "256", "--mid", "64")
PROJECTED = ("--in", "64", "--mid", "64", "--out", "256", "--stride", "2")
BUDGETS = ("--config", "fixtures/budgets.toml")
NET = ("fixtures/small_cnn.py:Net", "--input", "1,3,32,32")  # a model, relative to tests/
PRESET_BUDGET = ("resnet18", "--input", "1,3,64,64", "--max-params", "11.7M",
                 "--max-flops", "1G")

CASES: dict[str, tuple[str, ...]] = {
    "compare_table.txt": ("compare", *ARTICLE),
    "compare_table_explain.txt": ("compare", *PROJECTED, "--explain", "--cross-check"),
    "compare.json": ("compare", *PROJECTED, "--cross-check", "--format", "json"),
    "compare.csv": ("compare", *ARTICLE, "--format", "csv"),
    "compare_explain.csv": ("compare", *PROJECTED, "--explain", "--format", "csv"),
    "compare.md": ("compare", *ARTICLE, "--format", "markdown"),
    "compare_explain.md": ("compare", *PROJECTED, "--explain", "--format", "markdown"),
    "compare_no_measure.json": ("compare", *ARTICLE, "--no-measure", "--format", "json"),
    "network_table.txt": ("network", "resnet18", "resnet50", "--size", "64", "--conventions"),
    "network_block.txt": ("network", "resnet18", "--size", "64", "--depth", "block",
                          "--cross-check"),
    "network_layer.json": ("network", "resnet18", "--size", "64", "--depth", "layer",
                           "--format", "json"),
    "network_block.csv": ("network", "resnet50", "--size", "64", "--depth", "block",
                          "--format", "csv", "--no-measure"),
    "network_conventions.md": ("network", "resnet50", "resnet34", "--conventions",
                               "--format", "markdown", "--no-measure"),
    "network_custom.md": ("network", "custom", "--block", "bottleneck", "--layers", "1,1",
                          "--width", "16", "--size", "32", "--depth", "layer",
                          "--format", "markdown"),
    "network_model_table.txt": ("network", *NET, "--depth", "2", "--conventions"),
    "network_model.json": ("network", "fixtures/models.py:SmallViT", "--input", "1,3,64,64",
                           "--depth", "3", "--top", "4", "--format", "json"),
    "network_model.csv": ("network", *NET, "--depth", "2", "--sort", "name", "--pass", "train",
                          "--format", "csv"),
    "network_model.md": ("network", "fixtures/models.py:LSTMClassifier", "--input", "1,16,64",
                         "--conventions", "--format", "markdown"),
    "check_table.txt": ("check", *BUDGETS),
    "check.json": ("check", *BUDGETS, "--format", "json"),
    "check_github.txt": ("check", *BUDGETS, "--format", "github"),
    "check.xml": ("check", *BUDGETS, "--format", "junit"),
    "check.md": ("check", *BUDGETS, "--format", "markdown"),
    "check_baseline.md": ("check", *BUDGETS, "--baseline", "fixtures/baseline.json",
                          "--format", "markdown"),
    "check_baseline_table.txt": ("check", *BUDGETS, "--baseline", "fixtures/baseline.json"),
    "check_baseline.json": ("check", *BUDGETS, "--baseline", "fixtures/baseline.json",
                            "--format", "json"),
    "check_preset_table.txt": ("check", *PRESET_BUDGET),
    "check_block.json": ("check", "--block", "bottleneck", *ARTICLE, "--max-params", "70.4k",
                         "--max-macs", "221M", "--format", "json"),
    "sweep_table.txt": ("sweep", "--in", "256", "--mid", "16,32,64,128"),
    "sweep.json": ("sweep", "--in", "256", "--mid", "16:64:16", "--format", "json"),
    "sweep.csv": ("sweep", "--in", "64,128", "--mid", "64", "--expansion", "4",
                  "--format", "csv"),
    "sweep.md": ("sweep", "--in", "256", "--mid", "64", "--size", "7,14,28",
                 "--format", "markdown"),
    "diagram.txt": ("diagram", *PROJECTED),
    "handout.md": ("handout", *ARTICLE, "--format", "markdown", "--no-measure"),
    "handout_zh.html": ("handout", *ARTICLE, "--lang", "zh", "--no-measure"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(name: str, golden: Callable[[str, str], None],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)  # budget files and model paths are relative to tests/
    result = CliRunner().invoke(cli, list(CASES[name]), prog_name="bottlecalc")
    assert result.exit_code in (0, 1), result.output
    golden(f"outputs/{name}", result.stdout)


@pytest.mark.parametrize(("name", "args"), [
    ("diagram.svg", ("diagram", *ARTICLE, "--svg")),
    ("sweep_chart.svg", ("sweep", "--in", "256", "--mid", "16,32,64", "--plot")),
])
def test_drawn_file_is_unchanged(name: str, args: tuple[str, ...], tmp_path: Path,
                                 golden: Callable[[str, str], None]) -> None:
    path = tmp_path / name
    result = CliRunner().invoke(cli, [*args, str(path)], prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    golden(f"outputs/{name}", path.read_text(encoding="utf-8"))
