"""Validation names the option and the value."""

from __future__ import annotations

import pytest

from bottlecalc.errors import SpecError
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, resolve_out


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"in_channels": 0}, "--in must be at least 1, got 0"),
    ({"mid": -3}, "--mid must be at least 1, got -3"),
    ({"out_channels": 2**40}, "--out must be at most 16,777,216"),
    ({"stride": 3}, "--stride must be 1 or 2, got 3"),
    ({"groups": 3}, "--groups 3 must divide --mid 64"),
    ({"in_channels": 2.5}, "--in must be an integer, got 2.5"),
])
def test_bad_block_specs(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"kind": BlockKind.BOTTLENECK, "in_channels": 256, "mid": 64,
                               "out_channels": 256, **kwargs}
    with pytest.raises(SpecError, match=message.replace("(", r"\(")):
        BlockSpec(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [("56", (56, 56)), ("224x160", (224, 160)),
                                                ("7X7", (7, 7)), (" 1_024 ", (1024, 1024))])
def test_size_parses(text: str, expected: tuple[int, int]) -> None:
    shape = InputShape.parse(text)
    assert (shape.height, shape.width) == expected


@pytest.mark.parametrize("text", ["0", "x", "5x", "1x2x3", "abc", "-4", "2.5"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(SpecError, match="--size"):
        InputShape.parse(text)


def test_expansion_sets_out_and_must_agree() -> None:
    assert resolve_out(64, 64, None, 4) == 256
    assert resolve_out(64, 64, 256, 4) == 256
    assert resolve_out(64, 16, None, None) == 64
    with pytest.raises(SpecError, match="--out 100 contradicts --expansion 4"):
        resolve_out(64, 64, 100, 4)
