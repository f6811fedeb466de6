"""``bottlecalc.count`` is one attribute away, and finding it imports no torch.

Fresh processes: whatever this test session imported must not hide a heavy import.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import bottlecalc


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_count_is_found_without_importing_torch_rich_or_click() -> None:
    out = run("""
        import sys
        import bottlecalc
        from bottlecalc import Count, count
        assert count is bottlecalc.library.count and Count is bottlecalc.library.Count
        assert "count" in dir(bottlecalc) and "count" in bottlecalc.__all__
        print(sorted({"torch", "fvcore", "rich", "click"} & set(sys.modules)))
    """)
    assert out.strip() == "[]"


def test_star_import_gives_count_too() -> None:
    assert run("from bottlecalc import *; print(count.__module__)").strip() \
        == "bottlecalc.library"


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'counts'"):
        bottlecalc.counts  # noqa: B018
