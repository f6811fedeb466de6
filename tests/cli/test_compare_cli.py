"""The compare command: headline figures, formats, exit codes, stdout/stderr discipline."""

from __future__ import annotations

import csv
import importlib.metadata
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

HEADLINE = ["compare", "--in", "256", "--mid", "64"]


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def test_headline_shows_the_article_figures() -> None:
    result = invoke(*HEADLINE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for figure in ("1,179,648", "69,632", "3,699,376,128", "218,365,952", "1.18 M", "3.70 G",
                   "16.9x fewer conv weights, 16.9x fewer MACs", "all agree"):
        assert figure in out
    assert "✗" not in out
    assert result.stderr == ""


def test_json_contract() -> None:
    result = invoke(*HEADLINE, "--format", "json", "--cross-check")
    data = json.loads(result.stdout)
    assert data["version"] == 1
    basic, bottleneck = data["blocks"]
    assert basic["kind"] == "basic" and bottleneck["kind"] == "bottleneck"
    assert {"in", "mid", "out", "stride", "groups"} <= basic.keys()
    assert basic["params"]["conv"] == 1_179_648
    assert bottleneck["params"]["conv"] == 69_632
    assert set(basic["params"]) >= {"conv", "bn", "bias", "shortcut", "total", "instantiated"}
    assert basic["params"]["instantiated"] == basic["params"]["total"] == 1_179_648 + 1_024
    assert basic["macs"]["conv"] == 3_699_376_128
    assert basic["macs"]["analytic"] == basic["macs"]["fvcore"] == 3_699_376_128 + 4 * 256 * 3136
    assert basic["flops"]["torch"] == 2 * 3_699_376_128
    layer = bottleneck["layers"][0]
    assert {"name", "params", "macs", "formula"} <= layer.keys()
    assert layer["name"] == "conv1" and layer["params"] == 256 * 64
    assert layer["formula"] == "1x1x256x64 = 16,384"


def test_no_measure_leaves_measured_fields_null() -> None:
    data = json.loads(invoke(*HEADLINE, "--no-measure", "--format", "json").stdout)
    for block in data["blocks"]:
        assert block["params"]["instantiated"] is None
        assert block["macs"]["fvcore"] is None
        assert block["flops"]["torch"] is None
    assert data["blocks"][0]["params"]["conv"] == 1_179_648


def test_csv_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke(*HEADLINE, "--format", "csv").stdout)))
    assert [r["kind"] for r in rows] == ["basic", "bottleneck"]
    assert int(rows[1]["params_conv"]) == 69_632
    assert int(rows[1]["macs_fvcore"]) == 218_365_952 + 2 * 3136 * (64 + 64 + 256)


def test_markdown_table() -> None:
    out = invoke(*HEADLINE, "--format", "markdown", "--explain").stdout
    assert "| block |" in out and "1,179,648" in out
    assert "| conv2 | 1x256x56x56 → 1x256x56x56 |" in out  # the terminal's shape column too
    assert "3x3x64x64 = 36,864" in out


def test_explain_shows_derivation() -> None:
    out = invoke(*HEADLINE, "--explain").stdout
    assert "3x3x256x256 = 589,824" in out
    assert "conv weights: 589,824 + 589,824 = 1,179,648" in out
    assert "conv weights: 16,384 + 36,864 + 16,384 = 69,632" in out


def test_projection_is_explained() -> None:
    out = invoke("compare", "--in", "64", "--mid", "64", "--expansion", "4").stdout
    assert "projection shortcut" in out and "crashes" in out
    assert f"{64 * 256 + 2 * 256:,}" in out


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "blocks.json"
    result = invoke(*HEADLINE, "--no-measure", "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["blocks"][0]["params"]["conv"] == 1_179_648
    assert "wrote" in result.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["--in", "0", "--mid", "64"], "--in must be at least 1, got 0"),
    (["--in", "-5", "--mid", "64"], "--in must be at least 1"),
    (["--in", "abc", "--mid", "64"], "'--in': 'abc' is not a valid integer"),
    (["--in", "2.5", "--mid", "64"], "'--in': '2.5' is not a valid integer"),
    (["--in", "256", "--mid", str(10**30)], "--mid must be at most"),
    (["--in", "256", "--mid", "64", "--groups", "3"], "--groups 3 must divide --mid 64"),
    (["--in", "256", "--mid", "64", "--stride", "3"], "--stride must be 1 or 2, got 3"),
    (["--in", "256", "--mid", "64", "--size", "0"], "--size must be at least 1, got 0"),
    (["--in", "256", "--mid", "64", "--size", "axb"], "--size"),
    (["--in", "256", "--mid", "64", "--out", "100", "--expansion", "4"],
     "--out 100 contradicts --expansion 4"),
    (["--in", "256", "--mid", "64", "--format", "xml"], "'--format': 'xml' is not one of"),
    (["--in", "256", "--mid", "64", "--batch", "0"], "--batch must be at least 1"),
    (["--in", "256"], "Missing option '--mid'"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], needle: str) -> None:
    result = invoke("compare", *args, "--no-measure")
    assert result.exit_code == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_huge_width_is_measured_not_refused() -> None:
    result = invoke("compare", "--in", "4096", "--mid", "1024", "--format", "json")
    assert result.exit_code == 0, result.stderr
    basic = json.loads(result.stdout)["blocks"][0]
    assert basic["macs"]["fvcore"] is None
    assert basic["flops"]["torch"] == 2 * 2 * 9 * 4096 * 4096 * 56 * 56
    assert any("FlopCounterMode measured on the meta device" in n for n in basic["notes"])


def test_every_command_has_help_with_example() -> None:
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.stdout, name


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "bottlecalc", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    # click's own --version line, which bottlecalc writes itself (see cli/main.py)
    assert proc.stdout == f"bottlecalc, version {importlib.metadata.version('bottlecalc')}\n"


def test_importing_the_cli_loads_neither_locale_nor_shell_completion() -> None:
    """Start-up cost: click translates version_option's words through gettext (which imports
    locale), and shell completion is needed only when a shell asks."""
    code = ("import sys\nimport bottlecalc.cli.main, bottlecalc.cli.options\n"
            "print(sorted({'locale', 'click.shell_completion'} & set(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert proc.stdout.strip() == "[]"


def test_output_file_has_default_permissions(tmp_path: Path) -> None:
    import os

    target = tmp_path / "blocks.md"
    invoke(*HEADLINE, "--no-measure", "--format", "markdown", "-o", str(target))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_groups_note_and_grouped_weights() -> None:
    out = invoke("compare", "--in", "256", "--mid", "128", "--groups", "32", "--no-measure",
                 "--format", "json").stdout
    data = json.loads(out)
    assert data["blocks"][1]["params"]["conv"] == 256 * 128 + 9 * (128 // 32) * 128 + 128 * 256
    assert data["blocks"][0]["params"]["conv"] == 9 * 256 * 256 * 2
    assert any("3x3 conv only" in note for note in data["notes"])


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv"])
def test_text_formats_never_import_rich(fmt: str) -> None:
    """Only the terminal table draws with rich: the other formats skip its start-up cost."""
    code = ("import sys\nfrom bottlecalc.cli import cli\n"
            f"try:\n    cli.main({[*HEADLINE, '--no-measure', '--format', fmt]!r})\n"
            "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'), "
            "file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"
