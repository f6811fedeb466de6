"""The diagram command: both blocks side by side, channel counts, --svg."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bottlecalc.cli import cli


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def test_side_by_side_with_channel_counts(tmp_path: Path) -> None:
    svg = tmp_path / "blocks.svg"
    result = invoke("diagram", "--in", "256", "--mid", "64", "--svg", str(svg))
    assert result.exit_code == 0, result.output
    first, chains = result.stdout.splitlines()[:2]
    assert first.split() == ["basic", "block", "bottleneck", "block"]
    assert chains.split("   ")[0] == "256 -> 3x3 -> 256 -> 3x3 -> 256"
    assert chains.endswith("256 -> 1x1 -> 64 -> 3x3 -> 64 -> 1x1 -> 256")
    root = ET.fromstring(svg.read_text().split("\n", 1)[1])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert f"wrote {svg}" in result.stderr


def test_projection_when_shapes_differ() -> None:
    result = invoke("diagram", "--in", "64", "--mid", "64", "--expansion", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("(projection)") == 2
    assert "64→256, BN" in result.stdout


def test_bad_groups_exit_2() -> None:
    result = invoke("diagram", "--in", "256", "--mid", "64", "--groups", "3")
    assert result.exit_code == 2
    assert "--groups 3 must divide --mid 64" in result.stderr
