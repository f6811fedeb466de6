"""docs/sequence-models.md runs, and prints what the page shows.

Its ``python`` cells run in order in one namespace, as a notebook would; each figure is
checked there by the formula written beside it (``assert``), and a ``text`` block right
after a cell is that cell's output, compared line by line. The models are transformers'
own, built from their configurations on meta (transformers is an optional dependency).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.torch.notebook import cells, run

pytest.importorskip("transformers")

DOC = Path(__file__).parent.parent.parent / "docs" / "sequence-models.md"


def test_every_figure_on_the_page_is_its_formula() -> None:
    found = cells(DOC.read_text("utf-8"))
    assert len(found) >= 7
    assert sum(code.count("assert ") for code, _ in found) >= 12
    run(found, DOC, "sequence_models")
