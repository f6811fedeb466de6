"""The sweep command: the issue's examples, formats, --plot, errors, and no torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def bottleneck_conv(c: int, m: int) -> int:
    return c * m + 9 * m * m + m * c


def test_headline_example() -> None:
    result = invoke("sweep", "--in", "256", "--mid", "16,32,64,128,256")
    assert result.exit_code == 0, result.output
    for m in (16, 32, 64, 128, 256):
        assert f"{bottleneck_conv(256, m) * 56 * 56:,}" in result.stdout
    assert "█" in result.stdout  # the terminal chart
    assert result.stderr == ""


def test_range_json() -> None:
    result = invoke("sweep", "--in", "256", "--mid", "16:256:16", "--format", "json")
    data = json.loads(result.stdout)
    assert data["values"] == list(range(16, 257, 16))
    assert [p["bottleneck"]["conv"] for p in data["points"]] == [
        bottleneck_conv(256, m) for m in range(16, 257, 16)]


def test_in_sweep_with_expansion_csv() -> None:
    result = invoke("sweep", "--in", "64,256", "--mid", "64", "--expansion", "4",
                    "--format", "csv")
    assert result.exit_code == 0, result.output
    header, first, second = result.stdout.splitlines()
    row = dict(zip(header.split(","), first.split(","), strict=True))
    assert (row["in"], row["out"], row["projection"]) == ("64", "256", "True")
    # projection 1x1 64->256 + BN(256) is part of the bottleneck's parameters
    conv = 64 * 64 + 9 * 64 * 64 + 64 * 256
    assert int(row["bottleneck_params"]) == conv + 2 * (64 + 64 + 256) + 64 * 256 + 2 * 256
    assert second.split(",")[5] == "False"


def test_size_sweep_markdown_to_file(tmp_path: Path) -> None:
    out = tmp_path / "sizes.md"
    result = invoke("sweep", "--in", "256", "--mid", "64", "--size", "7,14", "--format",
                    "markdown", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert f"| 7 | 1,180,672 | 70,400 | 16.8 | {1_179_648 * 49:,} | {69_632 * 49:,} |" in text


def test_plot_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    png = tmp_path / "mid.png"
    result = invoke("sweep", "--in", "256", "--mid", "16,64", "--plot", str(png), "--format",
                    "json")
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {png}" in result.stderr
    assert json.loads(result.stdout)["values"] == [16, 64]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--in", "256", "--mid", "64"], "give a list or range to one of --in, --mid or --size"),
        (["--in", "64,128", "--mid", "16,32"], "--in and --mid both list values"),
        (["--in", "256", "--mid", "0,16"], "--mid must be at least 1, got 0"),
        (["--in", "256", "--mid", "32:16:1"], "ends before it starts"),
        (["--in", "256", "--mid", "4,6", "--groups", "4"], "--groups 4 must divide --mid 6"),
        (["--in", "256", "--mid", "4,8", "--plot", "x.pdf"], "must end in .png or .svg"),
        (["--in", "256", "--mid", "4,8", "--format", "xml"], "--format"),
        (["--in", "256", "--mid", "4,8", "--size", "0"], "--size must be at least 1"),
        (["--in", "256", "--mid", "4,8", "--out", "128", "--expansion", "4"], "contradicts"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], words: str) -> None:
    result = invoke("sweep", *args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_sweep_diagram_and_handout_help_never_import_torch() -> None:
    code = textwrap.dedent("""
        import sys
        from click.testing import CliRunner
        from bottlecalc.cli import cli
        runs = [["sweep", "--in", "256", "--mid", "16,64"],
                ["sweep", "--in", "256", "--mid", "16,64", "--format", "json"],
                ["diagram", "--in", "256", "--mid", "64"],
                ["handout", "--in", "256", "--mid", "64", "--no-measure"],
                ["sweep", "--help"], ["diagram", "--help"], ["handout", "--help"]]
        for args in runs:
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (args, result.output)
            assert "Example" in result.output or "--help" not in args
        heavy = {"torch", "fvcore", "matplotlib"} & set(sys.modules)
        assert not heavy, heavy
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
