"""Wording and exact number forms every scaling format shares (no rounding anywhere)."""

from __future__ import annotations

from fractions import Fraction

from bottlecalc.report.numbers import fmt
from bottlecalc.scaling import MIN_FIT, Decode, Fit, SeqPoint, share

DENSE = "dense: every MAC the kernels compute, causal attention's masked half included"
CAUSAL = ("causal-effective: causal attention's score and value products counted below "
          "and on the diagonal only, T*(T+1)/2 of T*T (docs/conventions.md)")
ATTENTION = "attention: products between two activations (no parameter operand)"
POINT_HEADERS = ("T", "tokens", "MACs (dense)", "MACs (causal)", "MACs/token", "attention",
                 "attention share")


def exact(value: Fraction) -> str:
    """A whole number with thousands separators, else a mixed number: '12,345 3/8'."""
    whole, rest = divmod(value.numerator, value.denominator)
    if value < 0 and rest:
        return f"-{exact(-value)}"
    return fmt(whole) if not rest else f"{fmt(whole)} {rest}/{value.denominator}"


def percent(value: Fraction) -> str:
    """A share to two decimals, for reading (the exact MACs stand beside it)."""
    return f"{float(value) * 100:.2f}%"


def point_row(point: SeqPoint) -> tuple[str, ...]:
    return (fmt(point.length), fmt(point.tokens), fmt(point.macs), fmt(point.causal),
            exact(point.per_token), fmt(point.attention),
            percent(share(point.attention, point.macs)))


def term(coefficient: Fraction, power: int) -> str:
    suffix = ("", "*T", "*T^2")[power]
    return f"{exact(coefficient)}{suffix}"


def reason(found: Fit) -> str:
    """Why there is no polynomial, or why it is unverified ('' for a verified fit)."""
    if found.misfit is not None:
        fitted = ", ".join(map(str, found.lengths[:MIN_FIT]))
        miss = found.misfit
        return (f"not a polynomial of degree <= 2 in T: the fit through T={fitted} gives "
                f"{miss.predicted} at T={miss.length}, counted {miss.counted}")
    if found.polynomial is None:
        return f"{len(found.lengths)} length(s) given; a fit needs {MIN_FIT}"
    return "" if found.verified else "fitted through 3 lengths; a 4th would verify it"


def polynomial(found: Fit) -> str:
    """'0 + 162,304*T + 256*T^2 (verified at T=128)', or why there is none."""
    if found.polynomial is None:
        return reason(found)
    text = " + ".join(term(c, i) for i, c in enumerate(found.polynomial.coefficients))
    if found.verified:
        return f"{text} (verified at T={', '.join(map(fmt, found.verified_at))})"
    return f"{text} ({reason(found)})"


def decode_lines(step: Decode) -> list[tuple[str, str]]:
    return [
        ("context N", fmt(step.context)),
        ("batch (new tokens)", fmt(step.batch)),
        ("prefill MACs (dense)", fmt(step.prefill_macs)),
        ("prefill MACs (causal)", fmt(step.prefill_causal)),
        ("decode step MACs", fmt(step.macs)),
        ("MACs per generated token", exact(step.per_token)),
        ("attention MACs", f"{fmt(step.attention)} "
                           f"({percent(share(step.attention, step.macs))})"),
        ("KV cache bytes at N", f"{fmt(step.kv_bytes)} in {step.kv_tensors} tensors"),
        ("KV bytes per token", exact(step.kv_bytes_per_token)),
    ]
