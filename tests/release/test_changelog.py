"""CHANGELOG.md and ``bottlecalc --version`` agree: the latest release in the changelog is the
version the package says it is, and changes since then sit under Unreleased."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import bottlecalc
from bottlecalc.cli import cli

CHANGELOG = Path(__file__).parent.parent.parent / "CHANGELOG.md"
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.M)
SECTION = re.compile(r"^## \[([^\]]+)\]", re.M)
KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def text() -> str:
    return CHANGELOG.read_text(encoding="utf-8")


def test_the_latest_release_is_the_version_bottlecalc_reports() -> None:
    latest = RELEASE.findall(text())[0][0]
    result = CliRunner().invoke(cli, ["--version"], prog_name="bottlecalc")
    assert result.exit_code == 0
    assert result.stdout == f"bottlecalc, version {latest}\n"
    assert bottlecalc.__version__ == latest


def test_the_installed_command_reports_the_same_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "bottlecalc", "--version"], capture_output=True,
                          text=True, timeout=60, check=True)
    assert proc.stdout.split()[-1] == RELEASE.findall(text())[0][0]


def test_unreleased_comes_first_then_releases_newest_first() -> None:
    sections = SECTION.findall(text())
    assert sections[0] == "Unreleased"
    releases = [tuple(map(int, v.split("."))) for v in sections[1:]]
    assert releases == sorted(releases, reverse=True)
    assert [v for v, _ in RELEASE.findall(text())] == sections[1:]


def test_every_section_links_to_its_changes() -> None:
    for name in SECTION.findall(text()):
        assert re.search(rf"^\[{re.escape(name)}\]: https://\S+$", text(), re.M), name


def test_changes_are_grouped_by_keep_a_changelog_kinds() -> None:
    kinds = set(re.findall(r"^### (.+)$", text(), re.M))
    assert kinds <= KINDS
    assert "Added" in kinds
