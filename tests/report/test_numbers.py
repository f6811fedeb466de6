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
