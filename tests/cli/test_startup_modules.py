"""What ``compare --no-measure`` loads: start-up is mostly the records bottlecalc's modules
build at import (each frozen dataclass compiles its generated methods), so the modules that
only measured models, ``--time``, sweeps, budgets or printed pages need stay unloaded.
(The speed itself is benchmarked in benchmarks/bench_compare.py, not timed here.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

NOT_LOADED = (
    "bottlecalc.findings",  # what a model's complete count found, module by module
    "bottlecalc.timed",  # --time's records
    "bottlecalc.breakdown",  # network's rows
    "bottlecalc.sweep",
    "bottlecalc.budget.model",
    "bottlecalc.report.extra",  # the blocks only pages, charts and comments draw
    "bottlecalc.report.reasons",  # why a measured model's routes differ
    "bottlecalc.report.timing",
)


@pytest.mark.parametrize("blocks", [["--mid", "64"], ["--mid", "64", "--stride", "2"],
                                    ["--blocks", "c3,c2f"]])
def test_compare_no_measure_loads_only_what_it_draws(blocks: list[str]) -> None:
    """The terminal table, with and without notes (a projection shortcut, YOLO's blocks)."""
    args = ["compare", "--in", "256", *blocks, "--no-measure"]
    code = ("import sys\nfrom bottlecalc.cli import cli\n"
            f"try:\n    cli.main({args!r})\n"
            "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            f"print(sorted(set({list(NOT_LOADED)!r}) & set(sys.modules)), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"
