"""docs/api.md's walkthrough of ``bottlecalc.count`` runs, and prints what the page shows.

Its ``python`` cells run in order in one namespace, as a notebook would; a ``text`` block
right after a cell is that cell's output, compared line by line (trailing spaces aside).
"""

from __future__ import annotations

from pathlib import Path

from tests.torch.notebook import cells, run

DOC = Path(__file__).parent.parent.parent / "docs" / "api.md"
SECTION = "## Count a model you hold"


def section() -> str:
    """The walkthrough: its section of the page."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(SECTION)
    return text[start:text.index("\n## ", start + len(SECTION))]


def test_the_walkthrough_prints_what_the_page_shows() -> None:
    found = cells(section())
    assert len(found) >= 7
    run(found, DOC, "walkthrough")
