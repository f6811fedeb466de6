"""The blocks a page needs beyond tables and prose (added for the handout): preformatted
code, a figure drawn as SVG with its text or table fallback, a rule, an anchored heading, a
user's typed title and a list of defined terms, drawn by each writer its way."""

from __future__ import annotations

import pytest

from bottlecalc.report import document as doc
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html, markdown, rich

SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="drawn" width="10" height="10"></svg>'
SHEET = doc.Sheet((doc.Column("mid", right=False), doc.Column("MACs")),
                  (("16", "32,915,456"), ("64", "218,365,952")))
DOCUMENT = doc.Document((
    doc.Heading("A <b> [link](x) *title*", level=1, typed=True),
    doc.Heading("Why", anchor="why"),
    doc.Code("x = f(a < b)\n    y", "python"),
    doc.Figure(SVG, text="in -> 3x3 -> out"),
    doc.Figure(SVG, sheet=SHEET),
    doc.Figure(SVG),
    doc.Prose("1 MAC = 2 FLOPs", doc.Kind.ASIDE),
    doc.Rule(),
    doc.List(("one multiply-accumulate", "two operations"), doc.Kind.LEGEND,
             terms=("mac", "flop")),
))


def test_markdown_fences_code_and_falls_back_for_figures() -> None:
    assert markdown.render(DOCUMENT, RenderOptions()) == (
        "# A \\&lt;b\\&gt; \\[link\\](x) \\*title\\*\n\n"
        "## Why\n\n"
        "```python\nx = f(a < b)\n    y\n```\n\n"
        "```text\nin -> 3x3 -> out\n```\n\n"
        "| mid | MACs |\n|---|---:|\n| 16 | 32,915,456 |\n| 64 | 218,365,952 |\n\n"
        "> 1 MAC = 2 FLOPs\n\n"
        "---\n\n"
        "- **mac**: one multiply-accumulate\n- **flop**: two operations\n")


def test_html_embeds_the_svg_and_escapes_the_rest() -> None:
    page = html.render(DOCUMENT, RenderOptions())
    assert page.startswith("<h1>A &lt;b&gt; [link](x) *title*</h1>\n<h2 id=\"why\">Why</h2>\n")
    assert '<pre class="python">x = f(a &lt; b)\n    y</pre>' in page
    assert page.count(f'<div class="figure">{SVG}</div>') == 3  # no fallback table
    assert "32,915,456" not in page
    assert '<p class="aside">1 MAC = 2 FLOPs</p>\n<hr>\n' in page
    assert ('<ul class="legend"><li><b>mac</b>: one multiply-accumulate</li>'
            "<li><b>flop</b>: two operations</li></ul>") in page


@pytest.mark.parametrize("width", [30, 80, None])
def test_rich_draws_text_fallbacks_uncut(width: int | None) -> None:
    text = rich.render(DOCUMENT, RenderOptions(width=width))
    assert "<svg" not in text
    assert "x = f(a < b)\n    y" in text
    assert "in -> 3x3 -> out" in text
    assert "32,915,456" in text and "218,365,952" in text
    assert "mac: one multiply-accumulate" in text
    assert "│ 1 MAC = 2 FLOPs" in text
