"""The blocks a page needs beyond tables and prose (added for the handout): preformatted
code, a figure drawn as SVG with its text or table fallback, a rule, an anchored heading, a
user's typed title and a list of defined terms, drawn by each writer its way."""

from __future__ import annotations

import pytest

from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html, markdown, rich

SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="drawn" width="10" height="10"></svg>'
SHEET = doc.Sheet((doc.Column("mid", right=False), doc.Column("MACs")),
                  (("16", "32,915,456"), ("64", "218,365,952")))
DOCUMENT = doc.Document((
    extra.Heading("A <b> [link](x) *title*", level=1, typed=True),
    extra.Heading("Why", anchor="why"),
    extra.Code("x = f(a < b)\n    y", "python"),
    extra.Figure(SVG, text="in -> 3x3 -> out"),
    extra.Figure(SVG, sheet=SHEET),
    extra.Figure(SVG),
    doc.Prose("1 MAC = 2 FLOPs", doc.Kind.ASIDE),
    extra.Rule(),
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


EXERCISES = doc.Document((extra.Entries((
    extra.Entry((doc.Prose("How many weights?", doc.Kind.QUESTION),
               doc.Prose("147,456", doc.Kind.ANSWER), extra.Code("3x3x128x128 = 147,456")),
              data=(("kind", "weights"), ("answer", '1 < "2"'))),
    extra.Entry((doc.Prose("How many MACs?", doc.Kind.QUESTION),
               doc.Prose("Answer:", doc.Kind.BLANK), doc.Prose("Working:", doc.Kind.WORK))),
), label="exercise"),))


def test_html_numbers_entries_and_carries_their_data() -> None:
    assert html.render(EXERCISES, RenderOptions()) == (
        '<ol><li class="exercise" data-kind="weights" data-answer="1 &lt; &quot;2&quot;">'
        '<p class="question">How many weights?</p><p class="answer">147,456</p>'
        '<pre class="text">3x3x128x128 = 147,456</pre></li>'
        '<li class="exercise"><p class="question">How many MACs?</p>'
        '<p class="blank">Answer:</p><p class="work">Working:</p></li></ol>\n')


def test_markdown_indents_each_entry_under_its_number() -> None:
    assert markdown.render(EXERCISES, RenderOptions()) == (
        "1. How many weights?\n\n   **147,456**\n\n   ```text\n   3x3x128x128 = 147,456\n"
        "   ```\n\n"
        "2. How many MACs?\n\n   Answer: ______\n\n   _Working:_\n")


def test_rich_numbers_entries() -> None:
    text = rich.render(EXERCISES, RenderOptions(width=40))
    assert text.index("1.") < text.index("How many weights?") < text.index("147,456")
    assert text.index("2.") < text.index("How many MACs?")


def test_page_wraps_the_body_with_its_language_title_and_styles() -> None:
    page = html.page(doc.Document((extra.Heading("Hi", level=1),)), title="A <b>", lang="zh-CN",
                     css="h1 { color: red; }")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">')
    assert "<title>A &lt;b&gt;</title>\n<style>h1 { color: red; }</style>" in page
    assert page.endswith("<main>\n<h1>Hi</h1>\n</main>\n</body>\n</html>\n")
