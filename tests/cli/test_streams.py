"""stdout as a shell may leave it: closed (``>&-``), full (``/dev/full``) or a pipe whose
reader left. Data that cannot be written is one stderr line and exit 3, never a
traceback or "internal error"; data sent to ``-o FILE`` does not need stdout at all.

These run bottlecalc in a subprocess: only a real process has a file descriptor 1 to close.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    ["--help"], ["--version"], ["compare", "--help"], ["check", "--help"],
    ["compare", "--in", "8", "--mid", "8", "--no-measure"], ["schema", "check"],
    ["network", "resnet18", "--no-measure"], ["sweep", "--in", "8", "--mid", "8,16"],
]


def bottlecalc(args: list[str], **streams: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bottlecalc", *args], stderr=subprocess.PIPE,
                          text=True, timeout=120, check=False, **streams)  # type: ignore[call-overload]


def closed_stdout() -> dict[str, object]:
    """Start the child with file descriptor 1 closed, as ``>&-`` does."""
    return {"stdout": subprocess.DEVNULL, "preexec_fn": lambda: os.close(1)}


@pytest.mark.parametrize("args", COMMANDS)
def test_a_closed_stdout_is_one_line_and_exit_3(args: list[str]) -> None:
    result = bottlecalc(args, **closed_stdout())
    assert result.returncode == 3, result.stderr
    assert result.stderr.endswith("error: cannot write to stdout: it is closed "
                                  "(name a file with -o FILE)\n"), result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", COMMANDS)
def test_a_full_stdout_is_one_line_and_exit_3(args: list[str]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = bottlecalc(args, stdout=full)
    assert result.returncode == 3, result.stderr
    assert "error: cannot write to stdout: No space left on device" in result.stderr
    assert result.stderr.count("\n") == 1


def test_data_sent_to_a_file_needs_no_stdout(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    result = bottlecalc(["compare", "--in", "8", "--mid", "8", "--no-measure", "-o", str(out)],
                        **closed_stdout())
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("{")
    assert result.stderr == f"wrote {out}\n"


def test_a_reader_that_leaves_is_no_error() -> None:
    # 140 kB of CSV: more than a pipe holds, so the writer meets the closed pipe
    with subprocess.Popen([sys.executable, "-m", "bottlecalc", "sweep", "--in", "64",
                           "--mid", "1:1024:1", "--format", "csv"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.readline()
        child.stdout.close()  # `| head -1`
        errors = child.stderr.read()
        assert child.wait(timeout=120) == 0
    assert errors == b""
