#!/usr/bin/env python3
"""Count the code lines of a package: no blank lines, no comments, no docstrings.

Issue 16 measures ``bottlecalc/`` this way. A line counts when a token other than a comment
or a line break starts on it or a multi-line token (a string, a bracketed expression's later
lines) spans it; the lines of every module, class and function docstring are left out
(found with ``ast``, so a string used as a value still counts).

    python tools/code_lines.py bottlecalc            # the total
    python tools/code_lines.py bottlecalc --files    # and each file's count, largest first
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from pathlib import Path

LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
          tokenize.ENCODING, tokenize.ENDMARKER}
DEFINITIONS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def docstring_lines(tree: ast.Module) -> set[int]:
    """Every line a docstring (the first statement of a module, class or function) spans."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, DEFINITIONS) or not node.body:
            continue
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def code_lines(source: str) -> int:
    """The number of lines of ``source`` that hold code."""
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in LAYOUT:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstring_lines(ast.parse(source)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a package directory (every *.py below it)")
    parser.add_argument("--files", action="store_true", help="also each file's count")
    args = parser.parse_args()
    counts = {path: code_lines(path.read_text(encoding="utf-8"))
              for path in sorted(args.root.rglob("*.py"))}
    if args.files:
        for path, n in sorted(counts.items(), key=lambda item: -item[1]):
            print(f"{n:7,}  {path.relative_to(args.root)}")
    print(f"{sum(counts.values()):,} code lines in {len(counts)} files under {args.root}")


if __name__ == "__main__":
    main()
