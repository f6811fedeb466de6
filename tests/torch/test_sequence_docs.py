"""docs/sequence-models.md runs, and prints what the page shows.

Its ``python`` cells run in order in one namespace, as a notebook would; each figure is
checked there by the formula written beside it (``assert``), and a ``text`` block right
after a cell is that cell's output, compared line by line. The models are transformers'
own, built from their configurations on meta (transformers is an optional dependency).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("transformers")

DOC = Path(__file__).parent.parent.parent / "docs" / "sequence-models.md"
BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)


def cells() -> list[tuple[str, str | None]]:
    """(code, expected output or None) for each python block of the page."""
    blocks = [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text("utf-8"))]
    out: list[tuple[str, str | None]] = []
    for i, (kind, body) in enumerate(blocks):
        if kind == "python":
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((body, after[1] if after and after[0] == "text" else None))
    return out


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_every_figure_on_the_page_is_its_formula() -> None:
    namespace: dict[str, object] = {"__name__": "sequence_models"}
    found = cells()
    assert len(found) >= 7
    assert sum(code.count("assert ") for code, _ in found) >= 12
    for code, expected in found:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(DOC), "exec"), namespace)
        if expected is not None:
            assert lines(printed.getvalue()) == lines(expected), code
