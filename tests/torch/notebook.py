"""A page's ``python`` cells run as a notebook would, for the docs tests.

The cells run in order in one namespace; a ``text`` block right after a cell is that
cell's output, compared line by line (trailing spaces aside).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)


def cells(text: str) -> list[tuple[str, str | None]]:
    """(code, expected output or None) for each python block of ``text``."""
    blocks = [(m.group(1), m.group(2)) for m in BLOCK.finditer(text)]
    out: list[tuple[str, str | None]] = []
    for i, (kind, body) in enumerate(blocks):
        if kind == "python":
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((body, after[1] if after and after[0] == "text" else None))
    return out


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def run(found: list[tuple[str, str | None]], doc: Path, name: str) -> None:
    """Run every cell; each printed output must be the page's."""
    namespace: dict[str, object] = {"__name__": name}
    for code, expected in found:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(doc), "exec"), namespace)
        if expected is not None:
            assert lines(printed.getvalue()) == lines(expected), code
