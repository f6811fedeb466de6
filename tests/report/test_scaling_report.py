"""``network TARGET --seq/--phase`` formats, from a report whose numbers are the hand
formulas of a small GPT-2-shaped decoder (2 layers, d=64, ffn 256, vocab 1000): every
format is a golden file, the JSON is valid against its schema, nothing is rounded."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from fractions import Fraction

import pytest

from bottlecalc.report.render import Format, RenderOptions, choices
from bottlecalc.report.scaling.registry import RENDERERS
from bottlecalc.report.scaling.words import exact, reason
from bottlecalc.scaling import Active, Decode, Scaling, SeqPoint, SequenceReport, fit

LAYERS, D, FFN, VOCAB = 2, 64, 256, 1000
LINEAR = LAYERS * (4 * D * D + 2 * D * FFN) + D * VOCAB  # MACs per token in linear layers
PARAMS = 196_864  # tests/fixtures/decoders.py:gpt2_small (512 positions, tied head)


def point(t: int, batch: int = 1) -> SeqPoint:
    attention = batch * 2 * LAYERS * t * t * D
    skipped = batch * LAYERS * 2 * D * (t * t - t * (t + 1) // 2)
    return SeqPoint(t, batch * t, batch * t * LINEAR + attention, attention, skipped)


def report(lengths: tuple[int, ...] = (16, 48, 128, 200)) -> SequenceReport:
    n = 100
    scaling = Scaling("decoders.py:gpt2_small", PARAMS, 1, ("input_ids",),
                      tuple(point(t) for t in lengths))
    step = Decode("decoders.py:gpt2_small", PARAMS, n, 1, point(n).macs, point(n).causal,
                  LINEAR + LAYERS * 2 * D * (n + 1), LAYERS * 2 * D * (n + 1),
                  2 * LAYERS * D * n * 4, 2 * LAYERS)
    active = Active("decoders.py:gpt2_small", PARAMS, PARAMS - 511 * D, LINEAR + 2 * D * LAYERS)
    return SequenceReport("decoders.py:gpt2_small", PARAMS, scaling, step, active,
                          trainable=PARAMS - VOCAB * D)  # as if the tied embedding were frozen


def render(fmt: Format, found: SequenceReport) -> str:
    return RENDERERS[fmt](found, RenderOptions())


@pytest.mark.parametrize(("fmt", "name"), [(Format.TABLE, "scaling_table.txt"),
                                           (Format.JSON, "scaling.json"),
                                           (Format.CSV, "scaling.csv"),
                                           (Format.MARKDOWN, "scaling.md")])
def test_every_format_is_unchanged(fmt: Format, name: str,
                                   golden: Callable[[str, str], None]) -> None:
    golden(f"outputs/{name}", render(fmt, report()))


def test_the_formats_are_the_usual_four() -> None:
    assert choices(RENDERERS) == ["table", "json", "csv", "markdown"]


def test_json_gives_the_polynomial_as_exact_fractions() -> None:
    doc = json.loads(render(Format.JSON, report()))
    dense = doc["scaling"]["polynomial"]["dense"]
    assert dense["fitted"] and dense["verified"] and dense["verified_at"] == [200]
    assert dense["a"] == {"numerator": 0, "denominator": 1}
    assert dense["b"] == {"numerator": LINEAR, "denominator": 1}
    assert dense["c"] == {"numerator": 2 * LAYERS * D, "denominator": 1}
    causal = doc["scaling"]["polynomial"]["causal"]
    assert causal["c"] == {"numerator": LAYERS * D, "denominator": 1}
    assert doc["decode"]["kv_bytes"] == 2 * LAYERS * D * 100 * 4
    assert doc["decode"]["kv_bytes_per_token"] == {"numerator": 2 * LAYERS * D * 4,
                                                   "denominator": 1}


def test_json_says_why_there_is_no_polynomial() -> None:
    doc = json.loads(render(Format.JSON, report(lengths=(16, 48))))
    dense = doc["scaling"]["polynomial"]["dense"]
    assert dense == {"fitted": False, "verified": False, "verified_at": [], "a": None,
                     "b": None, "c": None, "reason": "2 length(s) given; a fit needs 3"}


def test_a_fraction_is_a_mixed_number_in_text() -> None:
    assert exact(Fraction(98_765_433, 8)) == "12,345,679 1/8"
    assert exact(Fraction(-3, 2)) == "-1 1/2"
    assert exact(Fraction(1_000_000)) == "1,000,000"


def test_csv_has_a_row_per_length_and_one_for_the_decoding_step() -> None:
    rows = list(csv.DictReader(io.StringIO(render(Format.CSV, report()))))
    assert [r["phase"] for r in rows] == ["forward"] * 4 + ["decode"]
    assert [int(r["macs"]) for r in rows[:4]] == [point(t).macs for t in (16, 48, 128, 200)]
    assert rows[4]["kv_bytes"] == str(2 * LAYERS * D * 100 * 4)


def test_the_table_shows_exact_numbers_and_labels_both_counts() -> None:
    text = render(Format.TABLE, report())
    assert f"{point(200).macs:,}" in text
    assert f"{point(200).causal:,}" in text
    assert "dense: every MAC the kernels compute" in text
    assert "causal-effective" in text


def test_why_a_fit_failed_or_is_unverified_is_worded_here() -> None:
    # t^3 at T=1, 2, 3 fits 6 - 11T + 6T^2, which gives 58 at T=4 where 64 was counted
    assert reason(fit([(t, t**3) for t in (1, 2, 3, 4)])) == (
        "not a polynomial of degree <= 2 in T: the fit through T=1, 2, 3 gives 58 at T=4, "
        "counted 64")
    assert reason(fit([(1, 5), (2, 9)])) == "2 length(s) given; a fit needs 3"
    assert reason(fit([(1, 5), (2, 9), (4, 17)])) == (
        "fitted through 3 lengths; a 4th would verify it")
    assert reason(fit([(1, 5), (2, 9), (4, 17), (8, 33)])) == ""
