"""docs/api.md's walkthrough of ``bottlecalc.count`` runs, and prints what the page shows.

Its ``python`` cells run in order in one namespace, as a notebook would; a ``text`` block
right after a cell is that cell's output, compared line by line (trailing spaces aside).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).parent.parent.parent / "docs" / "api.md"
SECTION = "## Count a model you hold"
BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)


def cells() -> list[tuple[str, str | None]]:
    """(code, expected output or None) for each python block of the walkthrough."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start:text.index("\n## ", start + len(SECTION))]
    blocks = [(m.group(1), m.group(2)) for m in BLOCK.finditer(section)]
    out: list[tuple[str, str | None]] = []
    for i, (kind, body) in enumerate(blocks):
        if kind == "python":
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((body, after[1] if after and after[0] == "text" else None))
    return out


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_the_walkthrough_prints_what_the_page_shows() -> None:
    namespace: dict[str, object] = {"__name__": "walkthrough"}
    found = cells()
    assert len(found) >= 7
    for code, expected in found:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(DOC), "exec"), namespace)
        if expected is not None:
            assert lines(printed.getvalue()) == lines(expected), code
