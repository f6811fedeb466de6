"""The exact polynomial in T (pure Python): fitted through three lengths, verified at the
others, refused when the counts are not a polynomial of degree <= 2."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bottlecalc.errors import SpecError
from bottlecalc.scaling import (
    Decode,
    Misfit,
    SeqPoint,
    causal_pairs,
    fit,
    interpolate,
    parse_lengths,
)


@given(st.integers(-10**6, 10**12), st.integers(-10**6, 10**9), st.integers(-10**4, 10**6),
       st.lists(st.integers(1, 10**5), min_size=4, max_size=7, unique=True))
def test_a_quadratic_is_recovered_exactly_and_verified(a: int, b: int, c: int,
                                                       lengths: list[int]) -> None:
    points = [(t, a + b * t + c * t * t) for t in lengths]
    found = fit(points)
    assert found.polynomial is not None
    assert found.polynomial.coefficients == (a, b, c)
    assert found.verified_at == tuple(lengths[3:])
    assert found.verified


def test_a_rational_polynomial_is_kept_exact() -> None:
    # T*(T+1)/2: the causal count of a T x T product, exactly 1/2*T + 1/2*T^2
    found = interpolate([(t, t * (t + 1) // 2) for t in (3, 8, 11)])
    assert found.coefficients == (0, Fraction(1, 2), Fraction(1, 2))


def test_a_cubic_is_reported_not_polynomial() -> None:
    found = fit([(t, t**3) for t in (1, 2, 3, 4)])
    assert found.polynomial is None
    assert not found.verified
    # the parabola through (1, 1), (2, 8), (3, 27) is 6 - 11T + 6T^2: 58 at T=4, not 64
    assert found.misfit == Misfit(4, Fraction(58), 64)
    assert found.lengths == (1, 2, 3, 4)


def test_three_lengths_fit_but_do_not_verify() -> None:
    found = fit([(1, 5), (2, 9), (4, 17)])
    assert found.polynomial is not None
    assert found.polynomial.coefficients == (1, 4, 0)
    assert not found.verified
    assert found.verified_at == () and found.misfit is None


def test_two_lengths_give_no_fit() -> None:
    found = fit([(1, 5), (2, 9)])
    assert found.polynomial is None
    assert found.lengths == (1, 2) and found.misfit is None


@pytest.mark.parametrize(("queries", "keys"), [(1, 1), (5, 5), (1, 9), (4, 9), (9, 4), (7, 1)])
def test_causal_pairs_count_the_kept_cells_of_a_lower_triangular_mask(queries: int,
                                                                       keys: int) -> None:
    kept = sum(1 for i in range(queries) for j in range(keys) if j <= i)
    assert causal_pairs(queries, keys) == kept


def test_a_point_gives_exact_per_token_figures() -> None:
    point = SeqPoint(length=3, tokens=6, macs=1001, attention=12, causal_skipped=5)
    assert point.causal == 996
    assert point.per_token == Fraction(1001, 6)
    assert point.causal_per_token == 166


def test_a_decoding_step_gives_bytes_per_token_of_context() -> None:
    step = Decode("m", params=1, context=100, batch=2, prefill_macs=0, prefill_causal=0,
                  macs=300, attention=0, kv_bytes=204_800, kv_tensors=4)
    assert step.per_token == 150
    assert step.kv_bytes_per_token == 1024


def test_lengths_parse_in_the_order_given() -> None:
    assert parse_lengths("128, 512,2048,8192") == (128, 512, 2048, 8192)


@pytest.mark.parametrize("text", ["", "128,,512", "0,1,2", "1,1,2", "-4", "1.5", "a"])
def test_bad_lengths_are_refused(text: str) -> None:
    with pytest.raises(SpecError):
        parse_lengths(text)
