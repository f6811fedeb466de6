"""The handout command: its numbers are compare --format json's; files are written atomically."""

from __future__ import annotations

import html as html_module
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottlecalc import __version__
from bottlecalc.cli import cli
from bottlecalc.report.handout.i18n import EN, ZH

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
BLOCK = ["--in", "256", "--mid", "64"]


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def json_numbers(stdout: str) -> set[str]:
    data = json.loads(stdout)
    return numbers(stdout) | {f"{v:.1f}" for v in data["ratios"].values()}


def page_text(html: str) -> str:
    """The page without styles, tags and the sweep chart (whose data is the sweep's)."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'<svg [^>]*class="sweep-chart".*?</svg>', " ", html, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


def test_numbers_are_compare_json_numbers(tmp_path: Path) -> None:
    out = tmp_path / "handout.html"
    made = invoke("handout", *BLOCK, "-o", str(out))
    assert made.exit_code == 0, made.output
    assert made.stdout == ""
    compare = invoke("compare", *BLOCK, "--cross-check", "--format", "json")
    lesson = invoke("compare", "--in", "64", "--mid", "64", "--expansion", "4",
                    "--no-measure", "--format", "json")
    text = page_text(out.read_text(encoding="utf-8"))
    fixed = set().union(*(numbers(s) for s in EN.values())) | numbers(__version__)
    allowed = json_numbers(compare.stdout) | json_numbers(lesson.stdout) | fixed
    assert numbers(text) - allowed == set()
    for block in json.loads(compare.stdout)["blocks"]:
        for figure in (block["params"]["total"], block["params"]["instantiated"],
                       block["macs"]["fvcore"], block["flops"]["torch"]):
            assert f"{figure:,}" in text


def test_markdown_by_suffix_and_chinese(tmp_path: Path) -> None:
    out = tmp_path / "handout.md"
    result = invoke("handout", *BLOCK, "--no-measure", "--lang", "zh", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# {ZH['title']}")
    assert "| 卷积权重（原文的算法） | 1,179,648 | 69,632 |" in text  # noqa: RUF001 (Chinese punctuation)


def test_format_overrides_suffix_and_stdout_is_html() -> None:
    result = invoke("handout", *BLOCK, "--no-measure", "--format", "markdown")
    assert result.stdout.startswith(f"# {EN['title']}")
    html = invoke("handout", *BLOCK, "--no-measure", "--title", "A <b>")
    assert html.stdout.startswith("<!DOCTYPE html>")
    assert "<title>A &lt;b&gt;</title>" in html.stdout


def test_sweep_option_sets_the_chart_points() -> None:
    result = invoke("handout", *BLOCK, "--no-measure", "--sweep", "16:64:16")
    xs = re.findall(r'data-block="basic" data-x="(\d+)"', result.stdout)
    assert xs == ["16", "32", "48", "64"] * 2  # the params panel, then the MACs panel


def test_failed_write_leaves_nothing_behind(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "handout.html"
    out.write_text("old page")

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    result = invoke("handout", *BLOCK, "--no-measure", "-o", str(out))
    assert result.exit_code == 3
    assert "disk full" in result.stderr
    assert out.read_text() == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.html"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lang", "fr"], "--lang"),
        (["--mid", "0"], "--mid must be at least 1, got 0"),
        (["--sweep", "0:4:1"], "--sweep must be at least 1, got 0"),
        (["--format", "pdf"], "--format"),
        (["--stride", "3"], "--stride must be 1 or 2"),
    ],
)
def test_bad_input_exit_2(args: list[str], words: str) -> None:
    result = invoke("handout", *BLOCK, "--no-measure", *args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _sweep_rows(markdown: str) -> list[list[str]]:
    section = markdown.split(f"## {EN['sweep']}", 1)[1].split("## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and "--mid" not in line]


def bottleneck_params(c_in: int, mid: int, c_out: int) -> int:
    """Conv weights + BN + a 1x1 projection with BN when in != out (stride 1)."""
    params = c_in * mid + 9 * mid * mid + mid * c_out + 2 * (mid + mid + c_out)
    return params + (c_in * c_out + 2 * c_out if c_in != c_out else 0)


@pytest.mark.parametrize(
    ("option", "outs"),
    [(["--out", "512"], {32: 512, 64: 512}), (["--expansion", "4"], {32: 128, 64: 256})],
)
def test_chart_sweep_keeps_out_or_expansion_as_typed(option: list[str],
                                                     outs: dict[int, int]) -> None:
    result = invoke("handout", "--in", "256", "--mid", "64", *option, "--sweep", "32,64",
                    "--no-measure", "--format", "markdown")
    assert result.exit_code == 0, result.output
    rows = _sweep_rows(result.stdout)
    assert [(int(r[0]), r[2]) for r in rows] == [
        (m, f"{bottleneck_params(256, m, outs[m]):,}") for m in (32, 64)]


def test_no_fvcore_leaves_fvcore_out_and_keeps_the_other_routes() -> None:
    compare = json.loads(invoke("compare", *BLOCK, "--format", "json").stdout)
    fvcore = " | ".join(f"{b['macs']['fvcore']:,} ✓" for b in compare["blocks"])
    params = [f"{b['params']['instantiated']:,}" for b in compare["blocks"]]
    with_fvcore = invoke("handout", *BLOCK, "--format", "markdown")
    without = invoke("handout", *BLOCK, "--format", "markdown", "--no-fvcore")
    assert (with_fvcore.exit_code, without.exit_code) == (0, 0)
    assert f"| MACs + BN, fvcore (measured) | {fvcore} |" in with_fvcore.stdout
    assert "fvcore (measured)" not in without.stdout
    assert all(p in without.stdout for p in params)


def test_no_fvcore_without_measuring_is_a_usage_error() -> None:
    result = invoke("handout", *BLOCK, "--no-measure", "--no-fvcore")
    assert result.exit_code == 2
    assert "--no-fvcore applies only when measuring" in result.stderr
