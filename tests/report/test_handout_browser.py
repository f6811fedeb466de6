"""The handout in a real browser: headless Chromium loads it cleanly and draws the figures.

Needs Chromium (``apt-get install -y chromium``); skipped with that hint when absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.report.diagram.svg import FILL, PROJ_FILL
from bottlecalc.report.sweep.svg import COLORS

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (apt-get install -y chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
# Chromium logs every console message (log, warning, error, uncaught exception) this way.
CONSOLE = re.compile(r":CONSOLE[:(]")
WINDOW = (1040, 3900)  # wide enough for both diagrams in a row, tall enough for the chart


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("handout") / "handout.html"
    result = CliRunner().invoke(cli, ["handout", "--in", "256", "--mid", "64", "-o", str(page)])
    assert result.exit_code == 0, result.output
    return page


class Svgs(HTMLParser):
    """The <svg> elements of a DOM dump: class, width, height; and the chart's points."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict[str, str | None]] = []
        self.points = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg":
            self.svgs.append(found)
        if tag == "circle" and found.get("class") == "point":
            self.points += 1


def test_console_check_catches_errors(tmp_path: Path) -> None:
    """The control: a page that does log an error is caught by the same scan."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><script>console.error("broken")</script><p>x</p>')
    proc = chromium(page, tmp_path / "profile", "--dump-dom")
    assert any("broken" in line for line in console_lines(proc.stderr))


def test_loads_without_console_messages_and_has_its_figures(handout: Path,
                                                            tmp_path: Path) -> None:
    proc = chromium(handout, tmp_path / "profile", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_lines(proc.stderr) == []
    dom = Svgs()
    dom.feed(proc.stdout)
    kinds = [svg.get("class") for svg in dom.svgs]
    assert kinds.count("block-diagram") == 3  # basic, bottleneck, the lesson's block
    assert kinds.count("sweep-chart") == 1
    for svg in dom.svgs:
        assert int(svg.get("width") or 0) > 200
        assert int(svg.get("height") or 0) > 200
    assert dom.points == 20  # 5 mids x 2 blocks x 2 panels


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def test_screenshot_shows_the_diagrams_and_the_chart(handout: Path, tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image", reason="Pillow reads the screenshot")
    shot = tmp_path / "handout.png"
    proc = chromium(handout, tmp_path / "profile", f"--screenshot={shot}",
                    f"--window-size={WINDOW[0]},{WINDOW[1]}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_lines(proc.stderr) == []
    image = image_module.open(shot).convert("RGB")
    assert image.size == WINDOW
    counts = {rgb: n for n, rgb in image.getcolors(maxcolors=1 << 20)}
    white = counts.get((255, 255, 255), 0)
    assert white < 0.97 * WINDOW[0] * WINDOW[1]  # not a blank page
    for fill in (FILL[1], FILL[3], PROJ_FILL):  # conv boxes: 1x1, 3x3, the projection
        assert counts.get(_rgb(fill), 0) > 2000, fill
    for line in COLORS.values():  # both blocks' lines in the sweep chart
        assert counts.get(_rgb(line), 0) > 100, line
