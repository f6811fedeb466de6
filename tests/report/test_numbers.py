"""The exact form of every count: written in report/, never by the formula layer."""

from __future__ import annotations

import ast
from pathlib import Path

import bottlecalc
from bottlecalc.report.numbers import exact, fmt

PACKAGE = Path(bottlecalc.__file__).parent


def test_exact_counts_keep_every_digit() -> None:
    assert fmt(1179648) == "1,179,648"
    assert fmt(-65536) == "-65,536"
    assert fmt(999) == "999"
    assert exact(3699376128) == "3,699,376,128"
    assert exact(None) == "—"


def test_only_report_formats_numbers_for_reading() -> None:
    """analytic holds integer formulas and measure returns facts: neither offers nor imports a
    number formatter (report.numbers is the one)."""
    offenders = []
    for path in [PACKAGE / "analytic.py", PACKAGE / "results.py", *PACKAGE.glob("measure/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "fmt":
                offenders.append(f"{path.name} defines fmt")
            if isinstance(node, ast.ImportFrom) and any(a.name == "fmt" for a in node.names):
                offenders.append(f"{path.name} imports fmt from {node.module}")
    assert offenders == []


# The counting functions of the formula layer; a renderer reads their results from the typed
# result (Counted.v1_macs, .traffic(dtype), .thop_macs(fused=), .weighted_layers, ...).
COUNTING = {"count", "traffic", "v1_macs", "thop_macs", "weighted_layers", "layers_of",
            "block_layers", "network_layers", "numel", "totals_moved", "snapshot_of"}


def test_renderers_read_counts_they_never_count() -> None:
    """Issue 16: no renderer recomputes a count (the table and the JSON would each count it,
    and could drift): report/ imports no counting function."""
    offenders = [f"{path.relative_to(PACKAGE)} imports {alias.name} from {node.module}"
                 for path in PACKAGE.glob("report/**/*.py")
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.ImportFrom) and node.module
                 and node.module.startswith("bottlecalc.") and not node.module.startswith(
                     "bottlecalc.report")
                 for alias in node.names if alias.name in COUNTING]
    assert offenders == []
