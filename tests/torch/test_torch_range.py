"""The tested torch range: the same in pyproject.toml, docs/compatibility.md and the code, and
one stderr line, once, when counting on a torch outside it."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import torch

from bottlecalc.measure.torch_range import NEWEST, OLDEST, release, untested_note

ROOT = Path(__file__).parent.parent.parent


def test_oldest_is_pyprojects_lower_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [torch_req] = [dep for dep in project["dependencies"] if dep.startswith("torch")]
    assert torch_req == "torch>=" + ".".join(map(str, OLDEST))


def test_range_ends_are_releases_the_matrix_passed() -> None:
    text = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    passed = {release(v) for v in re.findall(r"^\| (\d+\.\d+\.\d+) \| [^|]+\| pass", text, re.M)}
    assert OLDEST in passed
    assert NEWEST in passed
    assert min(passed) == OLDEST
    assert max(passed) == NEWEST


@pytest.mark.parametrize("version", ["2.3.1", "2.13.0+cpu", "2.14.1", "2.15.0+cu132", "2.15.4"])
def test_no_line_inside_the_range(version: str) -> None:
    assert untested_note(version) is None


@pytest.mark.parametrize("version", ["2.3.0", "2.2.2", "1.13.1", "2.16.0", "2.16.0.dev20261101+cpu",
                                     "3.0.0", "nightly"])
def test_one_line_outside_the_range(version: str) -> None:
    note = untested_note(version)
    assert note is not None
    assert "\n" not in note
    assert f"torch {version} is outside the tested range 2.3.1 to 2.15.x" in note


def test_release_reads_local_and_pre_release_versions() -> None:
    assert release("2.13.0+cpu") == (2, 13, 0)
    assert release("2.16.0a0+git1234") == (2, 16, 0)
    assert release("2.4") == (2, 4, 0)


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300, check=True)


UNTESTED = ("torch 2.99.0 is outside the tested range 2.3.1 to 2.15.x; counts may differ "
            "(see docs/compatibility.md)")


def test_counting_on_an_untested_torch_warns_once() -> None:
    proc = run("""
        import warnings
        import torch
        torch.__version__ = "2.99.0"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            from bottlecalc.api import compare_blocks
            from bottlecalc.spec import InputShape, block_pair
            for _ in range(2):
                compare_blocks(block_pair(8, 4, 8), InputShape(8, 8), cross_check=True)
            import bottlecalc.measure.engines, bottlecalc.measure.pipeline
        for w in caught:
            print(w.category.__module__, w.category.__name__, w.message)
    """)
    assert proc.stdout.splitlines() == [f"bottlecalc.errors UntestedTorchWarning {UNTESTED}"]
    assert proc.stderr == ""


def test_the_cli_says_it_in_one_stderr_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import torch; torch.__version__ = '2.99.0'; "
         "from bottlecalc.cli import main; main()",
         "compare", "--in", "8", "--mid", "4", "--out", "8", "--size", "8", "--cross-check"],
        capture_output=True, text=True, timeout=300, check=True)
    assert proc.stderr.splitlines() == [f"bottlecalc: warning: {UNTESTED}"]
    assert "fvcore" in proc.stdout


def test_the_cli_passes_other_warnings_on_as_python_shows_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bottlecalc.cli.main import _one_line_warning
    from bottlecalc.errors import UntestedTorchWarning

    shown: list[object] = []
    say = _one_line_warning(lambda message, *rest, **kw: shown.append(message))
    say(UserWarning("plain"), UserWarning, "f.py", 1)
    say(UntestedTorchWarning("out\nof range"), UntestedTorchWarning, "f.py", 1)
    assert [str(m) for m in shown] == ["plain"]
    assert capsys.readouterr().err == "bottlecalc: warning: out\\nof range\n"  # one line
    assert _one_line_warning(say) is say


def test_the_torch_in_use_gets_its_warning_or_none() -> None:
    note = untested_note(str(torch.__version__))
    proc = run("""
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import bottlecalc.measure.pipeline
        print([str(w.message) for w in caught])
    """)
    assert proc.stdout == f"{[] if note is None else [note]}\n"
