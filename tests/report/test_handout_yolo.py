"""handout --yolo: "From ResNet to YOLO", in English and Chinese, with the numbers.

Expected figures are written out here from the blocks' definitions (ultralytics' Bottleneck,
C3 and C2f; ResNet's bottleneck and basic blocks), never read back from bottlecalc.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

ARGS = ["handout", "--in", "256", "--mid", "64", "--yolo", "--no-measure"]
RESNET = 256 * 64 + 9 * 64 * 64 + 64 * 256  # 69,632
YOLO_BOTTLENECK = 9 * 256 * 128 + 9 * 128 * 256
C3_N1 = 2 * (256 * 128 + 256) + (256 * 256 + 512) + (128 * 128 + 256) + (9 * 128 * 128 + 256)
C2F_N1 = (256 * 256 + 512) + (384 * 256 + 512) + 2 * (9 * 128 * 128 + 256)


def page(*extra: str) -> str:
    result = CliRunner().invoke(cli, [*ARGS, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("lang", "title"), [("en", "From ResNet to YOLO"),
                                             ("zh", "从 ResNet 到 YOLO")])
@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_section_has_the_numbers(lang: str, title: str, fmt: str) -> None:
    text = page("--lang", lang, "--format", fmt)
    assert title in text
    for n in (RESNET, YOLO_BOTTLENECK, YOLO_BOTTLENECK + 256 + 512, C3_N1, C2F_N1):
        assert f"{n:,}" in text, n
    assert "3x3x256x128 + 3x3x128x256 = 589,824" in text
    assert C2F_N1 == 460_288


def test_three_baselines_side_by_side() -> None:
    text = page("--format", "markdown")
    two, one, narrow = 2 * 9 * 256 * 256, 9 * 256 * 256, 2 * 9 * 64 * 64
    assert f"| {two:,} | {RESNET:,} | {two / RESNET:.1f}x |" in text
    assert f"| {one:,} | {RESNET:,} | {one / RESNET:.1f}x |" in text
    assert f"| {narrow:,} | {RESNET:,} | {narrow / RESNET:.1f}x |" in text
    assert (f"{two / RESNET:.1f}x", f"{one / RESNET:.1f}x") == ("16.9x", "8.5x")
    assert '16.9x, 8.5x or "similar"?' in text


def test_absent_without_the_flag() -> None:
    result = CliRunner().invoke(cli, ["handout", "--in", "256", "--mid", "64", "--no-measure",
                                      "--format", "markdown"])
    assert "From ResNet to YOLO" not in result.stdout


CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install -y "
                    "chromium)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_renders_in_chromium(lang: str, tmp_path: Path) -> None:
    html = tmp_path / "yolo.html"
    html.write_text(page("--lang", lang), encoding="utf-8")
    assert CHROMIUM is not None
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           html.as_uri()], capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'id="yolo"' in proc.stdout
    assert f"{C2F_N1:,}" in proc.stdout
