"""Budget numbers, budget files and verdicts (pure: no torch)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bottlecalc.budget.files import load_budgets
from bottlecalc.budget.model import (
    Budget,
    CheckReport,
    Limit,
    Metric,
    Outcome,
    Status,
    Verdict,
)
from bottlecalc.budget.numbers import parse_count, parse_tolerance
from bottlecalc.budget.targets import Kind, resolve
from bottlecalc.errors import SpecError
from bottlecalc.spec import TensorSpec, parse_tensor

counts = st.integers(min_value=1, max_value=10**18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25557032", 25_557_032),
        ("25_557_032", 25_557_032),
        ("25.6M", 25_600_000),
        ("4.1G", 4_100_000_000),
        ("70k", 70_000),
        ("70K", 70_000),
        ("1e9", 1_000_000_000),
        ("1.5e3", 1_500),
        (" 12 ", 12),
        (25557032, 25_557_032),
        (4.1e9, 4_100_000_000),
    ],
)
def test_parse_count_examples(text: object, expected: int) -> None:
    assert parse_count("--max-params", text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1.5", "-3", "0", "25.6m", "4.1g", "1t", "1P", "1__0", "_1", "1_", "inf", "nan",
     "1e22", "1e999999999", "1.0000000000000000000000000001k", "0x10", True, None, [1]],
)
def test_parse_count_rejects_garbage_naming_the_option(text: object) -> None:
    with pytest.raises(SpecError, match="--max-macs"):
        parse_count("--max-macs", text)


@given(counts)
def test_plain_and_underscored_integers_round_trip(n: int) -> None:
    assert parse_count("--max-params", str(n)) == n
    assert parse_count("--max-params", f"{n:_}") == n


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["k", "K", "M", "G", "T"]))
def test_suffixes_scale_exactly(n: int, suffix: str) -> None:
    scale = {"k": 1000, "K": 1000, "M": 10**6, "G": 10**9, "T": 10**12}[suffix]
    assert parse_count("--max-macs", f"{n}{suffix}") == n * scale


def test_tera_is_ten_to_the_twelfth() -> None:
    assert parse_count("--max-flops", "1.5T") == 1_500_000_000_000
    assert parse_count("--max-flops", "2 T") == 2 * 10**12


@given(st.integers(min_value=0, max_value=10**6), st.text("0123456789", min_size=1, max_size=6))
def test_decimal_megas_are_exact(whole: int, digits: str) -> None:
    # 25.6M: whole millions plus the fraction's digits shifted into place
    expected = whole * 10**6 + int(digits) * 10 ** (6 - len(digits))
    if expected == 0:
        return
    assert parse_count("--max-macs", f"{whole}.{digits}M") == expected


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=9))
def test_exponents_are_exact(mantissa: int, exponent: int) -> None:
    assert parse_count("--max-flops", f"{mantissa}e{exponent}") == mantissa * 10**exponent


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=999))
def test_fractions_of_one_are_refused(n: int, thousandths: int) -> None:
    with pytest.raises(SpecError, match="whole number"):
        parse_count("--max-params", f"{n}.{thousandths:03d}")


def test_tolerance_and_input() -> None:
    assert parse_tolerance("tolerance", "2.5%") == Fraction(5, 2)
    assert parse_tolerance("tolerance", 5) == 5
    assert parse_tensor("--input", "1,3,224,224") == TensorSpec((1, 3, 224, 224))
    assert parse_tensor("input", [2, 3, 32, 32]) == TensorSpec((2, 3, 32, 32))
    for bad in ("-1%", "101", "x"):
        with pytest.raises(SpecError, match="tolerance"):
            parse_tolerance("tolerance", bad)
    for shape in ("1,3,a,4", "", "0,3,4,4", [1, "3"]):
        with pytest.raises(SpecError, match="--input"):
            parse_tensor("--input", shape)


def verdict(limit: int, actual: int, tolerance: int = 0) -> Verdict:
    return Verdict(Metric.MACS, limit, actual, Fraction(tolerance))


def test_verdicts_headroom_and_tolerance() -> None:
    assert verdict(100, 75).headroom == Fraction(1, 4)
    assert verdict(100, 75).status is Status.PASS
    assert verdict(100, 100).status is Status.PASS
    assert verdict(100, 101).status is Status.FAIL
    assert verdict(100, 101).headroom_pct == -1.0
    assert verdict(100, 105, tolerance=5).status is Status.TOLERATED
    assert verdict(100, 106, tolerance=5).status is Status.FAIL


def outcome(*vs: Verdict, error: str | None = None) -> Outcome:
    budget = Budget("b", "resnet18", (Limit(Metric.MACS, 1),))
    return Outcome(budget, "preset", (1, 3, 224, 224), verdicts=vs, error=error)


def test_exit_codes_rank_errors_over_failures() -> None:
    ok, bad = outcome(verdict(10, 9)), outcome(verdict(10, 11))
    broken = outcome(error="cannot import x")
    assert CheckReport((ok,)).exit_code == 0
    assert CheckReport((ok, outcome(verdict(100, 104, tolerance=5)))).exit_code == 0
    assert CheckReport((ok, bad)).exit_code == 1
    assert CheckReport((bad, broken)).exit_code == 3
    assert CheckReport((ok, bad, broken)).count(Status.FAIL) == 1


BUDGETS = """\
[project]
name = "demo"

[tool.bottlecalc.budgets.backbone]
target = "resnet18"
max-params = "11.7M"
max-flops = 4e9

[tool.bottlecalc.budgets."mine"]
target = "models/net.py:build"
input = "1,3,32,32"
max-macs = "600_000"
tolerance = "2%"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_budgets_reads_every_table(tmp_path: Path) -> None:
    backbone, mine = load_budgets(write(tmp_path, BUDGETS))
    assert backbone.name == "backbone"
    assert backbone.limit(Metric.PARAMS) == 11_700_000
    assert backbone.limit(Metric.FLOPS) == 4_000_000_000
    assert backbone.limit(Metric.MACS) is None
    assert backbone.line == 4
    assert mine.input == (TensorSpec((1, 3, 32, 32)),)
    assert mine.tolerance == 2
    assert mine.line == 9
    assert resolve(backbone).kind is Kind.PRESET
    assert resolve(mine).kind is Kind.MODEL


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('target = "resnet18"\nmax-param = 5',
         "unknown key 'max-param'; did you mean 'max-params'"),
        ("max-params = 5", "missing target"),
        ('target = "resnet18"', "give at least one limit"),
        ('target = "resnet18"\nmax-macs = "lots"', "max-macs must be a number"),
        ('target = "resnet18"\nmax-macs = 5\ninput = "1,3"x', "invalid TOML"),
        ('target = "resnet18"\nmax-macs = 5\ntolerance = "x"', "tolerance must be"),
    ],
)
def test_misconfigured_budget_names_file_table_and_key(
    tmp_path: Path, table: str, message: str
) -> None:
    path = write(tmp_path, f"[tool.bottlecalc.budgets.b]\n{table}\n")
    with pytest.raises(SpecError, match=r"pyproject\.toml") as info:
        load_budgets(path)
    assert message in str(info.value)


def test_file_without_budgets_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"no \[tool\.bottlecalc\.budgets"):
        load_budgets(write(tmp_path, "[project]\nname = 'x'\n"))


@pytest.mark.parametrize(
    ("target", "message"),
    [("resnet5", "did you mean 'resnet50'"), ("pkg-name:fn", "neither a module"),
     ("models/net.py:", "must be package.module:callable")],
)
def test_bad_targets_are_config_errors(target: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        resolve(Budget("b", target, (Limit(Metric.PARAMS, 1),)))


def test_preset_input_must_match_its_channels() -> None:
    budget = Budget("b", "resnet18", (Limit(Metric.PARAMS, 1),),
                    input=(TensorSpec((1, 1, 224, 224)),))
    with pytest.raises(SpecError, match="N,3,H,W"):
        resolve(budget)
