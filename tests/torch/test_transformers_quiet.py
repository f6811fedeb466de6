"""A decode count of a transformers model says nothing on stderr that bottlecalc did not say:
the cache is read from the output under its current name (``cache``), since reading the old
``past_key_values`` makes transformers print a deprecation warning into the user's stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def test_a_transformers_decode_step_leaves_stderr_empty() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bottlecalc", "network", "models.py:llama", "--input",
         "1,16:int64", "--phase", "decode", "--context", "64", "--format", "json"],
        cwd=EXAMPLES, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
