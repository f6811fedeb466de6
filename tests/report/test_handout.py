"""The handout page: numbers from compare_dict, escaping, translations, self-containment."""

from __future__ import annotations

import json
import re
import string
from html.parser import HTMLParser
from typing import Any

import pytest

from bottlecalc import __version__
from bottlecalc.api import compare_blocks
from bottlecalc.report.compare.json import compare_dict
from bottlecalc.report.handout import html
from bottlecalc.report.handout.document import render_markdown as markdown_page
from bottlecalc.report.handout.i18n import EN, STRINGS, ZH, Lang
from bottlecalc.report.handout.page import Handout, build_handout, lesson_spec
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.json import sweep_dict
from bottlecalc.results import CompareResult
from bottlecalc.spec import BlockConfig, InputShape, block_pair
from bottlecalc.sweep import Axis, Sweep, run_sweep


def render_html(page: Handout) -> str:
    return html.render(page, RenderOptions())


def render_markdown(page: Handout) -> str:
    return markdown_page(page, RenderOptions())


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """Every number written in ``text``, thousands separators removed."""
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def data_numbers(data: dict[str, Any]) -> set[str]:
    """The numbers a compare_dict holds, as JSON and formulas write them, ratios to 1 dp."""
    found = numbers(json.dumps(data, ensure_ascii=False))
    found |= {f"{v:.1f}" for v in data["ratios"].values()}
    return found


FIXED = set().union(*(numbers(s) for s in EN.values())) | numbers(__version__)


class Text(HTMLParser):
    """Visible text of a page, without <style>, <title> and the sweep chart's <svg>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or tag in ("style", "title") or ("class", "sweep-chart") in attrs:
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def measured() -> CompareResult:
    return compare_blocks(block_pair(256, 64, 256), InputShape(56, 56), measure=True,
                          cross_check=True)


@pytest.fixture(scope="module")
def sweep() -> Sweep:
    return run_sweep(BlockConfig(256, 64), Axis.MID, (16, 32, 64, 128, 256))


def lesson_data() -> dict[str, Any]:
    return compare_dict(compare_blocks((lesson_spec(),), InputShape(56, 56), measure=False))


def test_every_number_comes_from_compare_dict(measured: CompareResult, sweep: Sweep) -> None:
    page = render_html(build_handout(measured, sweep))
    shown = numbers(visible(page))
    allowed = data_numbers(compare_dict(measured)) | data_numbers(lesson_data()) | FIXED
    assert shown - allowed == set()
    # and the figures that matter are all there, written out in full
    text = visible(page)
    for block in compare_dict(measured)["blocks"]:
        for figure in (block["params"]["conv"], block["params"]["total"],
                       block["params"]["instantiated"], block["macs"]["conv"],
                       block["macs"]["fvcore"], block["flops"]["torch"]):
            assert f"{figure:,}" in text
    assert "1,179,648" in text
    assert "69,632" in text  # the article's two figures
    assert f"{16_384 + 36_864 + 16_384:,}" in text


def test_chart_points_are_the_sweep(measured: CompareResult, sweep: Sweep) -> None:
    page = render_html(build_handout(measured, sweep))
    chart = page[page.index('class="sweep-chart"'):]
    chart = chart[: chart.index("</svg>")]
    drawn = re.findall(r'data-block="(\w+)" data-x="(\d+)" data-value="(\d+)"', chart)
    expected = {(kind, str(p["value"]), str(p[kind][key]))
                for p in sweep_dict(sweep)["points"] for kind in ("basic", "bottleneck")
                for key in ("params", "macs")}
    assert set(drawn) == expected
    assert len(drawn) == 20


def test_page_is_self_contained(measured: CompareResult, sweep: Sweep) -> None:
    page = render_html(build_handout(measured, sweep))
    assert "<script" not in page
    assert "<link" not in page
    assert " src=" not in page
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}
    assert "@page { size: A4" in page
    assert page.count('class="block-diagram"') == 3  # two blocks and the lesson's


def test_title_is_escaped(measured: CompareResult, sweep: Sweep) -> None:
    title = '<script>alert("x")</script> & <b>'
    page = render_html(build_handout(measured, sweep, title=title))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    md = render_markdown(build_handout(measured, sweep, title="<img src=x> [a](b)"))
    assert "<img" not in md
    assert "\\[a\\](b)" in md


def test_chinese_page(measured: CompareResult, sweep: Sweep) -> None:
    page = render_html(build_handout(measured, sweep, lang=Lang.ZH))
    assert '<html lang="zh-CN">' in page
    assert ZH["title"] in page
    assert ZH["bottleneck"] in page
    assert EN["comparison_note"] not in page
    allowed = (data_numbers(compare_dict(measured)) | data_numbers(lesson_data())
               | set().union(*(numbers(s) for s in ZH.values())) | numbers(__version__))
    assert numbers(visible(page)) - allowed == set()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_translations_have_the_same_keys_and_placeholders() -> None:
    assert set(EN) == set(ZH)
    for key in EN:
        assert _fields(EN[key]) == _fields(ZH[key]), key
    assert set(STRINGS) == set(Lang)


def test_analytic_only_page(sweep: Sweep) -> None:
    result = compare_blocks(block_pair(256, 64, 256), InputShape(56, 56), measure=False)
    page = render_html(build_handout(result, sweep))
    assert EN["row_instantiated"] not in page
    assert EN["row_fvcore"] not in page
    assert EN["analytic_only"] in page


def test_markdown_page(measured: CompareResult, sweep: Sweep) -> None:
    md = render_markdown(build_handout(measured, sweep))
    assert md.startswith(f"# {EN['title']}\n")
    assert "256 -> 1x1 -> 64 -> 3x3 -> 64 -> 1x1 -> 256" in md
    assert "| conv weights (the article's count) | 1,179,648 | 69,632 |" in md
    allowed = (data_numbers(compare_dict(measured)) | data_numbers(lesson_data()) | FIXED
               | numbers(json.dumps(sweep_dict(sweep))))
    assert numbers(md) - allowed == set()


def test_lesson_numbers_follow_the_formulas(measured: CompareResult, sweep: Sweep) -> None:
    text = visible(render_html(build_handout(measured, sweep)))
    assert "1x256x56x56" in text  # conv3's output
    assert "1x64x56x56" in text  # the identity it cannot be added to
    assert f"{64 * 256 + 2 * 256:,} parameters ({64 * 256:,} + {2 * 256:,})" in text
    assert f"{64 * 256 * 56 * 56:,} MACs" in text
    assert "nn.Conv2d(64, 256, kernel_size=1, stride=1, bias=False)" in text


def test_chinese_diagrams_line_up_and_name_chart_points_in_chinese(sweep: Sweep) -> None:
    """On a zh page the diagrams' words are Chinese, a character two columns wide: the
    bottleneck's drawing starts in one column on every line of the Markdown text diagram
    (the basic drawing's widest line: its box, 11 columns to the shortcut, '│ 恒等映射' = 43
    columns, then a gap of 6), and the sweep chart's tooltips name the blocks in Chinese."""
    result = compare_blocks(block_pair(256, 64, 256), InputShape(56, 56), measure=False)
    page = build_handout(result, sweep, lang=Lang.ZH)
    lines = render_markdown(page).split("```text\n", 1)[1].splitlines()
    assert lines[0] == "基本块" + " " * 43 + "瓶颈块"
    assert lines[1] == "256 -> 3x3 -> 256 -> 3x3 -> 256" + " " * 18 \
        + "256 -> 1x1 -> 64 -> 3x3 -> 64 -> 1x1 -> 256"
    assert lines[3] == " " * 11 + "● 输入: 256 通道, 56x56" + " " * 15 \
        + " " * 10 + "● 输入: 256 通道, 56x56"
    assert lines[10] == "┌" + "─" * 10 + "┴" + "─" * 9 + "┐" + " " * 11 + "│ 恒等映射" + " " * 6 \
        + "┌" + "─" * 9 + "┴" + "─" * 8 + "┐" + " " * 12 + "│"
    assert lines[17] == " " * 11 + "▼ 输出: 256 通道, 56x56" + " " * 15 \
        + "│    64→256, BN    │" + " " * 12 + "│"
    chart = render_html(page)
    tips = re.findall(r"<title>(\S+), (\d+): [\d,]+</title>", chart)
    assert {name for name, _ in tips} == {"基本块", "瓶颈块"}
    assert len(tips) == 20
