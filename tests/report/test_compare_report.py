"""Rendered output: the golden table, and the number forms every format shares."""

from __future__ import annotations

from collections.abc import Callable

from bottlecalc.api import compare_blocks
from bottlecalc.report.compare.document import render_table
from bottlecalc.report.numbers import human
from bottlecalc.report.render import RenderOptions
from bottlecalc.spec import InputShape, block_pair


def test_default_table_golden(golden: Callable[[str, str], None]) -> None:
    result = compare_blocks(block_pair(256, 64, 256), InputShape())
    golden("compare_256_64.txt", render_table(result, RenderOptions()))


def test_explain_table_golden(golden: Callable[[str, str], None]) -> None:
    result = compare_blocks(block_pair(64, 64, 256, stride=2), InputShape(), measure=False)
    golden("compare_64_64_256_s2_explain.txt", render_table(result, RenderOptions(explain=True)))


def test_human_forms() -> None:
    assert human(1_179_648) == "1.18 M"
    assert human(3_699_376_128) == "3.70 G"
    assert human(69_632) == "69.63 k"
    assert human(768) == "768"
    assert human(None) == "—"
