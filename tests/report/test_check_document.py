"""``check``'s two documents (the terminal's and the pull-request comment), drawn by the
writers, on a report built here: percentages and cells are derived in the test from the
limits and counts it sets, never read back from bottlecalc."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bottlecalc.budget.blame import TopModule
from bottlecalc.budget.model import Budget, CheckReport, Limit, Metric, Outcome, Verdict
from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.check.document import comment, render_markdown, render_table, terminal
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html, markdown, rich

GREEN, YELLOW, BOLD_RED = "\x1b[32m", "\x1b[33m", "\x1b[1;31m"


def outcome(name: str, limit: int, actual: int, *, tolerance: int = 0,
            **rest: object) -> Outcome:
    budget = Budget(name=name, target=f"nets.py:{name}", limits=(Limit(Metric.PARAMS, limit),),
                    tolerance=Fraction(tolerance))
    verdict = Verdict(Metric.PARAMS, limit, actual, tolerance=Fraction(tolerance))
    return Outcome(budget, "model", (1, 3, 8, 8), verdicts=(verdict,), **rest)  # type: ignore[arg-type]


FITS = outcome("tiny", 1_000, 750, warnings=("a warning",))  # (1000 - 750) / 1000 = 25%
OVER = outcome("wide", 1_000, 1_040, tolerance=5)  # 4% over, within 5%: tolerated
FAILS = outcome("huge", 2_000, 2_500,  # 25% over
                top_modules=(TopModule("body.conv", "params", 2_000, 0.8),))
BROKEN = Outcome(Budget(name="broken", target="nets.py:broken", limits=()), "model", (1, 3),
                 error="boom")
REPORT = CheckReport((FITS, OVER, FAILS, BROKEN))


def test_comment_opens_with_its_marker_and_the_verdict() -> None:
    text = render_markdown(REPORT, RenderOptions())
    assert text.splitlines()[0] == "<!-- bottlecalc check -->"  # what a CI bot finds
    assert "\n### ❌ bottlecalc check: 2 of 4 budgets failed (huge, broken)\n" in text
    passed = render_markdown(CheckReport((FITS,)), RenderOptions())
    assert "\n### ✅ bottlecalc check: 1 budget within budget\n" in passed


def test_comment_has_a_row_per_limit_and_a_section_per_budget() -> None:
    text = render_markdown(REPORT, RenderOptions())
    assert ("| `tiny` | `max-params` | params (torch) | 1,000 | 750 | 25.00% headroom "
            "| ✅ within budget |") in text
    assert "| 1,000 | 1,040 | 4.00% over | ⚠️ over budget, within tolerance |" in text
    assert "| 2,000 | 2,500 | 25.00% over | ❌ BUDGET EXCEEDED |" in text
    assert "| `broken` | — | — | — | — | — | ❌ NOT MEASURED |" in text
    assert "**broken** — model `nets.py:broken`, input 1x3\n\nCould not be measured: boom" in text
    assert "| `body.conv` | params | 2,000 | 80.0% |" in text
    assert ("<details><summary>details</summary>\n\n- warning: a warning\n\n</details>"
            in text)
    assert text.endswith("Headroom = (limit - actual) / limit.</sub>\n")


def test_comment_renders_as_github_would() -> None:
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable("table").render(
        render_markdown(REPORT, RenderOptions()))
    assert page.count("<table>") == 2  # the limits, the modules carrying huge's excess
    assert page.count("<details>") == 1  # only tiny has details (its warning)
    assert "<h3>❌ bottlecalc check" in page


def test_terminal_colours_each_verdict_by_its_outcome() -> None:
    text = render_table(REPORT, RenderOptions(color=True, width=200))
    assert f"{GREEN}within budget" in text
    assert f"{YELLOW}over budget, within tolerance" in text
    assert f"{BOLD_RED}BUDGET EXCEEDED" in text and f"{BOLD_RED}NOT MEASURED" in text
    assert "<!--" not in text and "✅" not in text  # the marker and heading are the comment's


def test_terminal_names_each_fact_by_its_budget() -> None:
    text = render_table(REPORT, RenderOptions(width=200))
    rows = [line.split() for line in text.splitlines()]
    assert ["huge", "nets.py:huge", "1x3x8x8", "params", "(torch)", "2,000", "2,500", "25.00%",
            "over", "BUDGET", "EXCEEDED"] in rows
    assert "tiny: warning: a warning" in text
    assert "huge: most params: body.conv 2,000 (80.0%)" in text
    assert "broken: could not be measured: boom" in text


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_terminal_never_breaks_the_headroom_formula(width: int) -> None:
    text = render_table(REPORT, RenderOptions(width=width))
    assert any("(limit - actual) / limit." in line for line in text.splitlines())
    for cell in ("1,040", "2,500", "25.00% headroom", "body.conv"):
        assert cell in text


def test_both_documents_hold_a_tone_per_cell() -> None:
    for document in (terminal(REPORT), comment(REPORT)):
        for sheet in (b for b in document.blocks if isinstance(b, doc.Sheet)):
            assert not sheet.tones or [len(t) for t in sheet.tones] == list(map(len, sheet.rows))


PAGE = doc.Document((extra.Comment("a bot's marker"), extra.Heading("all good", level=3, good=True),
                     extra.Details("details", (doc.List(("one", "two")),)),
                     doc.Prose("small print", doc.Kind.FOOTNOTE)))


def test_markdown_writes_the_comment_pieces() -> None:
    assert markdown.render(PAGE, RenderOptions()) == (
        "<!-- a bot's marker -->\n\n### ✅ all good\n\n"
        "<details><summary>details</summary>\n\n- one\n- two\n\n</details>\n\n"
        "<sub>small print</sub>\n")


def test_html_folds_details_and_keeps_the_marker() -> None:
    page = html.render(PAGE, RenderOptions())
    assert page.startswith("<!-- a bot&#x27;s marker -->\n<h3>✅ all good</h3>\n")
    assert "<details><summary>details</summary>\n<ul class=\"note\">" in page
    assert '<p class="footnote">small print</p>' in page


def test_rich_leaves_the_marker_out_and_shows_details_in_place() -> None:
    text = rich.render(PAGE, RenderOptions(width=80))
    assert text.splitlines()[0] == "✅ all good"
    assert "marker" not in text and "details" not in text
    assert "* one" in text and "small print" in text
