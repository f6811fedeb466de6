"""Sweeps: one block option takes a series of values; both blocks are counted at each.

Pure Python (never imports torch): every point is the analytic
:class:`~bottlecalc.results.CompareResult` of a basic and a bottleneck block, so a sweep
row carries exactly the numbers ``compare --no-measure`` prints for that point.

Values are typed as ``16,32,64`` or as inclusive ranges ``start:stop:step``
(``16:256:16`` is 16, 32, ..., 256); both forms mix (``8,16:64:16``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from bottlecalc.errors import SpecError
from bottlecalc.results import CompareResult, analytic_compare
from bottlecalc.spec import BlockConfig, BlockKind, InputShape, parse_int

if TYPE_CHECKING:
    from bottlecalc.analytic import Counts
    from bottlecalc.timed import Machine, Timing

# A sweep is for reading and plotting; past this many points it is a typo in a range.
MAX_POINTS = 1024


class Axis(StrEnum):
    """Which option is swept; the value is the option's name without dashes."""

    IN = "in"
    MID = "mid"
    SIZE = "size"

    def set(self, config: BlockConfig, value: int) -> BlockConfig:
        """``config`` with this option set to ``value`` (sizes are square)."""
        if self is Axis.IN:
            return replace(config, in_channels=value)
        if self is Axis.MID:
            return replace(config, mid=value)
        return replace(config, shape=InputShape(value, value, config.shape.batch))

    @property
    def option(self) -> str:
        return f"--{self}"


def is_series(text: str) -> bool:
    """True when an option's text lists several values (``,``) or a range (``:``)."""
    return "," in text or ":" in text


def _range(option: str, item: str, *, high: int) -> list[int]:
    parts = item.split(":")
    if len(parts) != 3:
        raise SpecError(f"{option} range must be start:stop:step, got {item!r}")
    start, stop = (parse_int(option, part, high=high) for part in parts[:2])
    step = parse_int(f"{option} range step", parts[2], high=high)
    if stop < start:
        raise SpecError(f"{option} range {item!r} ends before it starts")
    if (stop - start) // step + 1 > MAX_POINTS:
        raise SpecError(f"{option} range {item!r} has more than {MAX_POINTS:,} values")
    return list(range(start, stop + 1, step))


def parse_values(option: str, text: str, *, high: int) -> tuple[int, ...]:
    """``16,32,64`` or ``16:256:16`` (inclusive) or a mix; order kept, repeats dropped."""
    values: list[int] = []
    for item in text.split(","):
        if not item.strip():
            raise SpecError(f"{option} has an empty item in {text!r}")
        found = _range(option, item, high=high) if ":" in item else [
            parse_int(option, item, high=high)]
        values.extend(v for v in found if v not in values)
    if len(values) > MAX_POINTS:
        raise SpecError(f"{option} lists {len(values):,} values; at most {MAX_POINTS:,}")
    return tuple(values)


@dataclass(frozen=True)
class SweepPoint:
    value: int
    result: CompareResult  # analytic: blocks[0] basic, blocks[1] bottleneck

    @property
    def basic(self) -> Counts:
        return self.result.blocks[0].counts

    @property
    def bottleneck(self) -> Counts:
        return self.result.blocks[1].counts

    def counts(self, kind: BlockKind) -> Counts:
        return self.basic if kind is BlockKind.BASIC else self.bottleneck

    def timing(self, kind: BlockKind) -> Timing | None:
        """``--time``: how long the block took here (None when not timed)."""
        block = self.result.blocks[0 if kind is BlockKind.BASIC else 1]
        return block.timed.total if block.timed is not None else None


@dataclass(frozen=True)
class Sweep:
    axis: Axis
    config: BlockConfig
    points: tuple[SweepPoint, ...]
    machine: Machine | None = None  # --time: where every point was timed


def run_sweep(config: BlockConfig, axis: Axis, values: tuple[int, ...]) -> Sweep:
    """Count both blocks analytically at every value (no torch)."""
    if not values:
        raise SpecError(f"{axis.option} needs at least one value")
    points = tuple(_point(axis.set(config, v), v) for v in values)
    return Sweep(axis=axis, config=config, points=points)


def _point(config: BlockConfig, value: int) -> SweepPoint:
    return SweepPoint(value, analytic_compare(config.pair(), config.shape))


def default_mids(mid: int, groups: int = 1) -> tuple[int, ...]:
    """A handout's sweep: mid/4 .. mid*4 in powers of two, where groups still divide it."""
    candidates = (mid // 4, mid // 2, mid, mid * 2, mid * 4)
    valid = [m for m in candidates if m >= 1 and m % groups == 0]
    return tuple(sorted(set(valid)))
