"""The shape of the package: the layer order holds, and no function is too long to read at once."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bottlecalc

PACKAGE = Path(bottlecalc.__file__).parent
ROOT = PACKAGE.parent
MAX_LINES = 40  # a plain cap: a function longer than this is hard to read at once


def code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, source: list[str]) -> int:
    """Lines of code in a function: no docstring, blank or comment-only lines."""
    skip: set[int] = set()
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        skip.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
    return sum(1 for n in span if n not in skip
               and source[n - 1].strip() and not source[n - 1].strip().startswith("#"))


def functions() -> dict[str, int]:
    """'module.py:function' -> its lines of code, for every function in the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(source))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{path.relative_to(PACKAGE)}:{node.name}:{node.lineno}"
                found[key] = code_lines(node, source)
    return found


def test_no_function_is_longer_than_40_lines_of_code() -> None:
    long = {name: n for name, n in functions().items() if n > MAX_LINES}
    assert long == {}


def test_the_code_line_count_skips_docstrings_and_comments() -> None:
    source = ['def f():', '    """Doc', '    string."""', '', '    # why', '    return 1']
    node = ast.parse("\n".join(source)).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert code_lines(node, source) == 2


def test_the_layer_order_is_kept() -> None:
    # import-linter from this interpreter, not from PATH (a venv need not be activated)
    lint = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    proc = subprocess.run([sys.executable, "-c", lint, "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout
