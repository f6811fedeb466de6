"""Tables and prose at any width: every cell and every word stays whole.

The sheets here are random; what a cell must look like in the output is the cell itself
(a number with separators, a dotted layer name), found as a token of its own.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from rich import box
from rich.text import Text

from bottlecalc.report.console import natural_width, to_str
from bottlecalc.report.layout import Column, Prose, Sheet, fit, records, stacked, transposed

names = st.from_regex(r"layer[1-4]\.[0-9]\.(conv[1-3]|bn[1-3]|downsample\.[01])", fullmatch=True)
counts = st.integers(min_value=0, max_value=10**15).map(lambda n: f"{n:,}")


@st.composite
def sheets(draw: st.DrawFn) -> Sheet:
    width = draw(st.integers(min_value=1, max_value=7))
    headers = draw(st.lists(st.sampled_from(["params", "MACs\n(conv)", "fvcore", "weights",
                                             "outputs", "total\nparams"]),
                            min_size=width, max_size=width))
    rows = draw(st.lists(st.tuples(names, *[counts] * width), min_size=1, max_size=6))
    return Sheet((Column("layer", right=False), *map(Column, headers)), tuple(rows),
                 title="a title", style={"box": box.ROUNDED})


def standing(token: str, text: str) -> bool:
    return re.search(rf"(?<![\w,.]){re.escape(token)}(?![\w]|[,.]\w)", text) is not None


@given(sheets(), st.integers(min_value=10, max_value=160))
def test_every_cell_stands_whole_at_any_width(sheet: Sheet, width: int) -> None:
    text = to_str(fit(sheet, width, turn=True), color=False, width=width)
    for row in sheet.rows:
        for cell in row:
            assert standing(str(cell), text), (cell, text)
    assert "…" not in text


@given(sheets(), st.integers(min_value=10, max_value=160))
def test_lines_exceed_the_width_only_for_a_longer_word(sheet: Sheet, width: int) -> None:
    text = to_str(fit(sheet, width), color=False, width=width)
    for line in text.splitlines():  # an indent takes at most half the width
        assert len(line) <= width or max(map(len, line.split())) > width // 2, line


def test_the_first_layout_that_fits_is_chosen() -> None:
    sheet = Sheet((Column("row", right=False), *(Column(f"c{i}") for i in range(6))),
                  (("stem", *(f"{10**9 + i:,}" for i in range(6))),))
    whole = natural_width(sheet.table(range(7)))
    assert fit(sheet, whole).__class__.__name__ == "Table"
    assert fit(sheet, None).__class__.__name__ == "Table"
    narrower = fit(sheet, whole - 1)
    assert narrower == stacked(sheet, whole - 1) or narrower.__class__.__name__ == "Group"
    assert stacked(sheet, 10) is None  # even one column beside the key does not fit
    text = to_str(fit(sheet, 10), color=False, width=10)
    assert text == to_str(records(sheet), color=False, width=10)


def test_stacked_tables_each_repeat_the_key_column() -> None:
    sheet = Sheet((Column("row", right=False), *(Column(f"column{i}") for i in range(4))),
                  (("layer1.0", *(f"{123_456_789 * i:,}" for i in range(4))),))
    group = stacked(sheet, 40)
    assert group is not None
    text = to_str(group, color=False, width=40)
    assert text.count("layer1.0") == len(group.renderables) >= 2
    assert all(f"column{i}" in text for i in range(4))


def test_turned_table_has_a_column_per_row() -> None:
    sheet = Sheet((Column("block", right=False), Column("conv\nweights"), Column("MACs")),
                  (("basic", "1,179,648", "3,699,376,128"), ("bottleneck", "69,632", "1")))
    turned = transposed(sheet)
    assert [c.header for c in turned.columns] == ["", "basic", "bottleneck"]
    assert turned.rows == (("conv weights", "1,179,648", "69,632"),
                           ("MACs", "3,699,376,128", "1"))


def test_records_flatten_two_line_cells() -> None:
    sheet = Sheet((Column("block", right=False), Column("total\nparams")),
                  ((Text("basic\n3x3 256→256"), Text("1,180,672 ✓\n1.18 M")),))
    text = to_str(records(sheet), color=False, width=34)
    assert text.splitlines() == ["basic (3x3 256→256)", "  total params  1,180,672 ✓",
                                 "                (1.18 M)"]


@given(st.lists(st.one_of(counts, names, st.sampled_from(["x", "=", "+", "(1.18 M)"])),
                min_size=1, max_size=40),
       st.integers(min_value=1, max_value=120))
def test_prose_wraps_between_words_only(words: list[str], width: int) -> None:
    text = to_str(Prose(" ".join(words), hang=2), color=False, width=width)
    assert text.split() == " ".join(words).split()  # every word whole, in order
    for line in text.splitlines():
        assert len(line) <= width or len(line.split()) == 1


def test_prose_measures_at_most_a_reading_width_unless_a_word_is_longer() -> None:
    assert natural_width(Prose("word " * 100)) == 100
    assert natural_width(Prose("short")) == 5
    assert natural_width(Prose("x" * 130)) == 130


def test_unbounded_output_has_no_trailing_spaces() -> None:
    text = to_str(Prose("centre me"), color=False, width=None)
    assert text == "centre me\n"
