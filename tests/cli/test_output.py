"""``-o`` writes what the user named: stdout, a file, a link's target or a device, checked
before any work; and tables get the width and colour of where they go."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli
from bottlecalc.cli.output import output_width, use_color

FIXTURES = Path(__file__).parent.parent / "fixtures"
JSON = ("compare", "--in", "256", "--mid", "64", "--no-measure", "--format", "json")
ROOT = os.geteuid() == 0


def invoke(*args: str, **env: str | None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, prog_name="bottlecalc")


def conv_weights(text: str) -> int:
    weights: int = json.loads(text)["blocks"][0]["params"]["conv"]
    return weights


def test_dash_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*JSON, "-o", "-")
    assert result.exit_code == 0, result.output
    assert conv_weights(result.stdout) == 2 * 9 * 256 * 256
    assert list(tmp_path.iterdir()) == []


def test_a_link_writes_its_target_and_stays_a_link(tmp_path: Path) -> None:
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target.name)
    assert invoke(*JSON, "-o", str(link)).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert conv_weights(target.read_text(encoding="utf-8")) == 2 * 9 * 256 * 256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "blocks.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    assert invoke(*JSON, "-o", str(path)).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert conv_weights(path.read_text(encoding="utf-8")) == 2 * 9 * 256 * 256


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_an_existing_file_keeps_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "blocks.json"
    path.write_text("old", encoding="utf-8")
    os.chown(path, 65534, 65534)
    assert invoke(*JSON, "-o", str(path)).exit_code == 0
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_a_hard_linked_file_is_rewritten_in_place(tmp_path: Path) -> None:
    path, other = tmp_path / "blocks.json", tmp_path / "same.json"
    path.write_text("old", encoding="utf-8")
    os.link(path, other)
    assert invoke(*JSON, "-o", str(path)).exit_code == 0
    assert path.stat().st_ino == other.stat().st_ino
    assert conv_weights(other.read_text(encoding="utf-8")) == 2 * 9 * 256 * 256


def test_a_device_is_written_through_not_replaced() -> None:
    assert invoke(*JSON, "-o", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_device_is_a_tool_error_and_stays_a_device() -> None:
    result = invoke(*JSON, "-o", "/dev/full")
    assert result.exit_code == 3
    assert result.stderr.strip() == ("bottlecalc compare: error: cannot write '/dev/full': "
                                     "No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = invoke(*JSON, "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert conv_weights(received[0].decode("utf-8")) == 2 * 9 * 256 * 256
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize(("name", "reason"), [
    ("nodir/x.json", "no such directory"),
    ("", "the file name is empty"),
    (".", "it is a directory"),
    ("a\0b.json", "NUL byte"),
])
def test_a_bad_path_is_one_line_naming_o_and_the_path(
        name: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*JSON, "-o", name)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "'-o'" in result.stderr and repr(name) in result.stderr and reason in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(ROOT, reason="root may write into any directory")
def test_an_unwritable_directory_is_a_usage_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = invoke(*JSON, "-o", str(locked / "x.json"))
    assert result.exit_code == 2
    assert "is not writable" in result.stderr


def test_a_bad_path_stops_the_run_before_any_work(tmp_path: Path) -> None:
    # The model writes a marker when imported: a bad -o must be refused before that.
    model = tmp_path / "model.py"
    model.write_text(f"open({str(tmp_path / 'imported')!r}, 'w').close()\n"
                     + (FIXTURES / "small_cnn.py").read_text(encoding="utf-8"),
                     encoding="utf-8")
    result = invoke("check", f"{model}:build", "--input", "1,3,32,32", "--max-params", "1M",
                    "-o", str(tmp_path / "missing" / "report.json"))
    assert result.exit_code == 2
    assert not (tmp_path / "imported").exists()


@pytest.mark.parametrize(("args", "needle"), [
    (("diagram", "--in", "256", "--mid", "64", "--svg", "x.png"), "'--svg'"),
    (("sweep", "--in", "256", "--mid", "16,32", "--plot", "x.txt"), "'--plot'"),
    (("sweep", "--in", "256", "--mid", "16,32", "--plot", "nodir/x.png"), "'--plot'"),
    (("diagram", "--in", "256", "--mid", "64", "--svg", "-"), "'--svg'"),
    (("diagram", "--in", "256", "--mid", "64", "-o", "x.svg"), "--svg FILE"),
    ((*JSON, "-o", "x.csv"), "--format is json"),
    (("check", "resnet18", "--max-params", "12M", "-o", "x.csv"), "table, json, github"),
    (("handout", "--in", "256", "--mid", "64", "--no-measure", "-o", "x.json"), "html"),
])
def test_a_name_that_contradicts_the_format_is_refused_before_any_output(
        args: tuple[str, ...], needle: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "first"), [
    ("blocks.json", "{"), ("blocks.csv", "kind,"), ("blocks.md", "## Basic vs"),
    ("blocks.txt", "Basic vs bottleneck"),
])
def test_the_extension_picks_the_format_when_none_is_typed(
        name: str, first: str, tmp_path: Path) -> None:
    path = tmp_path / name
    result = invoke("compare", "--in", "256", "--mid", "64", "--no-measure", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").lstrip().startswith(first)


def test_color_applies_to_tables_only() -> None:
    result = invoke(*JSON, "--color")
    assert result.exit_code == 2
    assert "--color applies to --format table only" in result.stderr


def test_force_color_colours_a_pipe_and_no_color_wins_over_it() -> None:
    args = ("compare", "--in", "256", "--mid", "64", "--no-measure")
    assert "\x1b[" in invoke(*args, FORCE_COLOR="1", NO_COLOR=None).stdout
    assert "\x1b[" not in invoke(*args, FORCE_COLOR="1", NO_COLOR="1").stdout
    assert "\x1b[" in invoke(*args, "--color", NO_COLOR="1").stdout
    assert "\x1b[" not in invoke(*args, "--no-color", FORCE_COLOR="1").stdout
    assert "\x1b[" not in invoke(*args, NO_COLOR=None, FORCE_COLOR=None).stdout


@pytest.mark.parametrize(("flag", "terminal", "to_file", "environ", "expected"), [
    (None, True, False, {}, True),
    (None, False, False, {}, False),
    (None, True, False, {"NO_COLOR": "1"}, False),
    (None, True, False, {"NO_COLOR": ""}, True),  # set but empty: not set (no-color.org)
    (None, True, False, {"TERM": "dumb"}, False),
    (None, False, False, {"FORCE_COLOR": "1"}, True),
    (None, True, True, {"FORCE_COLOR": "1"}, False),  # files get no colour unless asked
    (True, False, True, {"NO_COLOR": "1"}, True),
    (False, True, False, {"FORCE_COLOR": "1"}, False),
])
def test_colour_decision(flag: bool | None, terminal: bool, to_file: bool,
                         environ: dict[str, str], expected: bool) -> None:
    assert use_color(flag, terminal=terminal, to_file=to_file, environ=environ) is expected


@pytest.mark.parametrize(("columns", "expected"), [
    ("80", 80), ("  120 ", 120), ("", None), ("0", None), ("-5", None), ("abc", None),
    ("\uff18\uff10", None), (None, None),  # fullwidth digits are not a width
])
def test_width_off_a_terminal_is_columns_or_unbounded(
        columns: str | None, expected: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert output_width(False) == expected


def test_piped_output_is_not_narrowed_by_a_terminal_default() -> None:
    args = ("compare", "--in", "2048", "--mid", "512", "--out", "4096", "--stride", "2",
            "--groups", "32", "--no-measure")
    text = invoke(*args, COLUMNS=None).stdout
    assert "226,492,416" in text and "184,146,722,816" in text and "…" not in text
    assert max(map(len, text.splitlines())) > 120  # not narrowed to a default width


def test_written_files_are_as_wide_as_they_need(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    args = ("compare", "--in", "2048", "--mid", "512", "--out", "4096", "--stride", "2",
            "--groups", "32", "--no-measure", "-o", str(path))
    assert invoke(*args, COLUMNS=None).exit_code == 0
    assert "368,293,445,632" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_new_file_gets_the_umask_mode_and_no_temp_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    assert invoke(*JSON, "-o", str(path)).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["new.json"]
