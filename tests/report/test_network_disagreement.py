"""A summary cell whose route disagrees says what was measured, as the last stop did: the
terminal sets the measured line bold red (never dim, like a detail), Markdown and HTML write
it after the short form, "[measured ...]" (the last stop's ``Cell.flat``)."""

from __future__ import annotations

from bottlecalc.report import document as doc
from bottlecalc.report.network import document as network_document
from bottlecalc.report.network.words import Cell
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html, markdown, rich

DISAGREES = Cell("11,689,512", "11.69 M", False, "11,689,000")
SHEET = doc.Sheet((doc.Column("", right=False, detail=True), doc.Column("resnet18", detail=True)),
                  (("params", network_document.stacked(DISAGREES)),))


def test_the_terminal_sets_what_was_measured_bold_red_and_the_short_form_dim() -> None:
    cell = rich.detail(network_document.stacked(DISAGREES))
    assert cell.plain == "11,689,512 ✗\nmeasured 11,689,000\n11.69 M"
    assert [(cell.plain[s.start:s.end], str(s.style)) for s in cell.spans] == [
        (" ✗", "bold red"), ("\nmeasured 11,689,000", "bold red"), ("\n11.69 M", "dim")]


def test_a_coloured_summary_shows_the_measured_count_in_red() -> None:
    coloured = rich.render(doc.Document((SHEET,)), RenderOptions(color=True))
    assert "\x1b[1;31mmeasured 11,689,000" in coloured


def test_markdown_and_html_write_the_measured_count_after_the_short_form() -> None:
    expected = "11,689,512 ✗ (11.69 M) [measured 11,689,000]"
    assert f"| {expected} |" in markdown.render(doc.Document((SHEET,)), RenderOptions())
    assert f">{expected}</td>" in html.render(doc.Document((SHEET,)), RenderOptions())
    assert doc.folded("4,096 ✓\n4.10 k") == "4,096 ✓ (4.10 k)"  # no measured line: as before
