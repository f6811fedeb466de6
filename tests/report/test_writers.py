"""The three writers draw any document: each block as the format writes it, and no
number ever cut, whatever the width."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html, markdown, rich

COLUMNS = (doc.Column("layer", right=False), doc.Column("conv weights", short="conv\nweights"),
           doc.Column("MACs"))
SHEET = doc.Sheet(COLUMNS, (("conv1", "16,384", "3,211,264"), ("conv2 <a|b>", "36,864",
                                                                 "1,806,336\nnoisy")),
                  title="per layer", footer=("total", "53,248", "5,017,600"))
CHART = extra.Chart("MACs by layer", ("basic", "bottleneck"),
                  (extra.Bars("64", (4.0, 1.0), ("4 M", "1 M")),))
DOCUMENT = doc.Document((
    extra.Heading("A block"), SHEET, CHART,
    doc.Prose("4.0x fewer MACs", doc.Kind.RATIO),
    doc.Prose("MAC = one multiply-accumulate", doc.Kind.LEGEND),
    doc.List(("busy machine", "noisy times")),
), title="bottlecalc")


def test_markdown_writes_each_block_its_way() -> None:
    assert markdown.render(DOCUMENT, RenderOptions()) == (
        "## bottlecalc\n\n"
        "## A block\n\n"
        "| layer | conv weights | MACs |\n"
        "|---|---:|---:|\n"
        "| conv1 | 16,384 | 3,211,264 |\n"
        "| conv2 <a\\|b> | 36,864 | 1,806,336 noisy |\n"
        "| **total** | **53,248** | **5,017,600** |\n\n"
        "**4.0x fewer MACs**\n\n"
        "_MAC = one multiply-accumulate_\n\n"
        "- busy machine\n"
        "- noisy times\n")


def test_html_escapes_and_aligns() -> None:
    page = html.render(DOCUMENT, RenderOptions())
    assert page.startswith("<h2>bottlecalc</h2>\n<h2>A block</h2>\n")
    assert "<caption>per layer</caption>" in page
    assert '<td style="text-align:left">conv2 &lt;a|b&gt;</td>' in page
    assert '<td style="text-align:right">1,806,336 noisy</td>' in page
    assert '<tfoot><tr><th style="text-align:left">total</th>' in page
    assert '<p class="legend">MAC = one multiply-accumulate</p>' in page
    assert '<ul class="note"><li>busy machine</li><li>noisy times</li></ul>' in page
    assert "<caption>MACs by layer</caption>" in page  # the chart, as its values


def test_rich_draws_the_chart_and_the_notes() -> None:
    text = rich.render(DOCUMENT, RenderOptions())
    assert "64 basic      " + "█" * 40 + " 4 M" in text
    assert "   bottleneck " + "█" * 10 + " 1 M" in text
    assert "* busy machine" in text
    assert "conv weights" not in text  # the terminal's short header, over two lines
    assert "  layer         weights        MACs" in text


@pytest.mark.parametrize("width", [20, 30, 45, 80, None])
def test_rich_never_cuts_a_number(width: int | None) -> None:
    text = rich.render(DOCUMENT, RenderOptions(width=width))
    for number in ("16,384", "3,211,264", "36,864", "1,806,336", "53,248", "5,017,600"):
        assert number in text


def test_a_headed_sheet_shows_its_title_where_tables_have_no_caption() -> None:
    headed = doc.Sheet((COLUMNS[0], replace(COLUMNS[1], detail=True)),
                       (("conv1", "16,384\n16.38 k"),), title="per layer", heading=3)
    assert markdown.render(doc.Document((headed,)), RenderOptions()) == (
        "### per layer\n\n| layer | conv weights |\n|---|---:|\n| conv1 | 16,384 (16.38 k) |\n")
    page = html.render(doc.Document((headed,)), RenderOptions())
    assert "<caption>per layer</caption>" in page and "16,384 (16.38 k)" in page
    text = rich.render(doc.Document((headed,)), RenderOptions())
    assert "### per layer" not in text and "16.38 k" in text and "(16.38 k)" not in text


DETAILED = doc.Sheet(
    (doc.Column("block", right=False, detail=True), doc.Column("params", detail=True),
     doc.Column("fvcore", detail=True)),
    (("basic\n3x3 64→64\n3x3 64→64", "73,728 ✓\n73.73 k", "—\nnot run"),
     ("bottleneck\n1x1 64→64", "4,096 ✗\n4.10 k", "8,192\n8.19 k")),
    title="Basic vs bottleneck", heading=2)


def test_markdown_brackets_details_and_heads_a_sheet_that_asks() -> None:
    assert markdown.render(doc.Document((DETAILED,)), RenderOptions()) == (
        "## Basic vs bottleneck\n\n"
        "| block | params | fvcore |\n"
        "|---|---:|---:|\n"
        "| **basic** (3x3 64→64, 3x3 64→64) | 73,728 ✓ (73.73 k) | — (not run) |\n"
        "| **bottleneck** (1x1 64→64) | 4,096 ✗ (4.10 k) | 8,192 (8.19 k) |\n")


def test_html_brackets_details() -> None:
    page = html.render(doc.Document((DETAILED,)), RenderOptions())
    assert '<td style="text-align:right">73,728 ✓ (73.73 k)</td>' in page


def test_rich_sets_the_figure_bold_its_mark_in_colour_and_details_dim() -> None:
    plain = rich.render(doc.Document((DETAILED,)), RenderOptions())
    assert "73,728 ✓" in plain and "73.73 k" in plain and "\x1b[" not in plain
    cell = rich.detail("4,096 ✗\n4.10 k")
    assert cell.plain == "4,096 ✗\n4.10 k" and str(cell.style) == "bold"
    assert [(cell.plain[s.start:s.end], str(s.style)) for s in cell.spans] == [
        (" ✗", "bold red"), ("\n4.10 k", "dim")]
    assert str(rich.detail("—\nnot run").style) == "dim"  # unknown is not a figure
    coloured = rich.render(doc.Document((DETAILED,)), RenderOptions(color=True))
    assert "\x1b[1;32m ✓" in coloured and "\x1b[2m" in coloured


def test_rich_turns_a_sheet_that_may_turn_when_narrow() -> None:
    wide = doc.Sheet(tuple(doc.Column(f"column {i}") for i in range(9)),
                     (tuple(f"{i},000,000" for i in range(9)), ("x",) * 9))
    turned = rich.render(doc.Document((replace(wide, turn=True),)), RenderOptions(width=40))
    stacked = rich.render(doc.Document((wide,)), RenderOptions(width=40))
    assert turned != stacked
    assert "column 8" in turned.splitlines()[-2] and "8,000,000" in turned


KEYED = doc.Sheet((doc.Column(""), doc.Column("value")),
                  (("context N", "100"), ("KV cache bytes", "102,400 in 4 tensors")),
                  title="One decoding step", look=doc.Look.PAIRS, heading=3)
GRID = doc.Sheet(tuple(doc.Column(name) for name in ("T", "MACs", "attention")),
                 (("16", "2,662,400", "65,536"), ("200", "42,700,800", "10,240,000")),
                 look=doc.Look.GRID)
LONG = "causal: " + " ".join(["word"] * 30)  # 158 characters, past the reading width
SPACED = doc.Document((GRID, extra.Gap(), KEYED, extra.Gap(), doc.Prose(LONG, doc.Kind.LEGEND)),
                      title="gpt2: 196,864 params", run_on=True)


def test_rich_draws_a_grid_pairs_and_gaps_and_runs_on_when_piped() -> None:
    assert rich.render(SPACED, RenderOptions()) == (
        "gpt2: 196,864 params\n"
        "  T        MACs   attention\n"
        " 16   2,662,400      65,536\n"
        "200  42,700,800  10,240,000\n"
        "\n"
        "One decoding step:\n"
        "  context N       100\n"
        "  KV cache bytes  102,400 in 4 tensors\n"
        "\n"
        f"{LONG}\n")


def test_prose_wraps_at_the_reading_width_unless_the_document_runs_on() -> None:
    wrapped = rich.render(replace(SPACED, run_on=False), RenderOptions())
    assert max(map(len, wrapped.splitlines())) <= 100


def test_rich_wraps_a_pair_under_its_value_at_a_given_width() -> None:
    text = rich.render(doc.Document((KEYED,), run_on=True), RenderOptions(width=36))
    assert text.splitlines()[1:] == ["  context N       100",
                                     "  KV cache bytes  102,400 in 4",
                                     "                  tensors"]


def test_rich_puts_each_value_under_its_key_when_the_value_column_is_too_narrow() -> None:
    """At 40 columns values would start at column 28: '10,322,182,144' does not fit there,
    so every value goes under its key, at one indent."""
    sheet = replace(KEYED, rows=(("MACs per generated token", "2,520,576"),
                                 ("prefill MACs (dense)", "10,322,182,144")))
    assert rich.render(doc.Document((sheet,), run_on=True), RenderOptions(width=40)) == (
        "One decoding step:\n"
        "  MACs per generated token\n"
        "    2,520,576\n"
        "  prefill MACs (dense)\n"
        "    10,322,182,144\n")


def test_stacked_grids_are_set_apart_by_a_blank_line() -> None:
    lines = rich.render(doc.Document((GRID,)), RenderOptions(width=20)).splitlines()
    assert lines == ["  T        MACs", " 16   2,662,400", "200  42,700,800", "",
                     "  T   attention", " 16      65,536", "200  10,240,000"]


def test_markdown_and_html_draw_pairs_as_a_table_and_leave_gaps_out() -> None:
    assert markdown.render(SPACED, RenderOptions()).split("\n\n")[2:4] == [
        "### One decoding step",
        "|  | value |\n|---:|---:|\n| context N | 100 |\n| KV cache bytes | 102,400 in 4 tensors |"]
    page = html.render(SPACED, RenderOptions())
    assert "<caption>One decoding step</caption>" in page and "\n\n" not in page
