"""Users' numbers as exact integers: ``25557032``, ``25_557_032``, ``25.6M``, ``4.1G``, ``1e9``.

k/K = 10^3, M = 10^6, G = 10^9, T = 10^12; the result must be a whole number. Tolerances are
percentages (``5``, ``"2.5%"``) kept as exact fractions.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from fractions import Fraction

from bottlecalc.errors import SpecError

SUFFIXES = {"k": 3, "K": 3, "M": 6, "G": 9, "T": 12}
# Beyond 10^21 a budget is a typo, and capping keeps "1e999999999" from building a huge int.
MAX_COUNT = 10**21
_NUMBER = re.compile(
    r"(?P<mantissa>(?:\d+(?:_\d+)*)?(?:\.\d+(?:_\d+)*)?|\d+(?:_\d+)*\.)"
    r"(?P<exp>[eE][+-]?\d+)?\s*(?P<suffix>[kKMGT])?"
)


def parse_count(option: str, value: object) -> int:
    """An exact, positive integer from a user's number: ``25.6M`` -> 25,600,000."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SpecError(f"{option} must be a number like 25_557_032, or a string like "
                        f"\"25.6M\" or \"4.1G\", got {value!r}")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    match = _NUMBER.fullmatch(text) if len(text) <= 64 else None
    if match is None or not match["mantissa"].strip("."):
        raise SpecError(
            f"{option} must be a number like 25_557_032, 25.6M, 4.1G, 1.2T, 70k or 1e9, "
            f"got {value!r}"
        )
    return _exact(option, match, value)


def _exact(option: str, match: re.Match[str], value: object) -> int:
    number = Decimal(match["mantissa"].replace("_", "") + (match["exp"] or ""))
    # Bound the exponent before scaling, so no huge number or context overflow can arise.
    if number and number.adjusted() + SUFFIXES.get(match["suffix"] or "", 0) > 21:
        raise SpecError(f"{option} must be at most 10^21, got {value!r}")
    with localcontext() as ctx:
        ctx.prec = 200  # exact: the mantissa is at most 64 characters long
        number = number.scaleb(SUFFIXES.get(match["suffix"] or "", 0))
    if number > MAX_COUNT:
        raise SpecError(f"{option} must be at most 10^21, got {value!r}")
    if number != number.to_integral_value():
        raise SpecError(f"{option} must be a whole number, got {value!r} = {number}")
    if number < 1:
        raise SpecError(f"{option} must be at least 1, got {value!r}")
    return int(number)


def parse_tolerance(option: str, value: object) -> Fraction:
    """A percentage the actual count may exceed the limit by: ``5``, ``"2.5%"``."""
    text = str(value).strip() if isinstance(value, (int, float, str)) else ""
    text = repr(value) if isinstance(value, float) else text.removesuffix("%").strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d+(\.\d+)?", text):
        raise SpecError(f"{option} must be a percentage like 5 or \"2.5%\", got {value!r}")
    percent = Fraction(Decimal(text))
    if percent > 100:
        raise SpecError(f"{option} must be at most 100 (%), got {value!r}")
    return percent
