"""Where the cost of a model lives: its modules, at any depth of the module tree.

Pure Python (no torch). A measured model carries, per module, the parameters it holds
itself and the multiply-accumulates done in it and in no child module
(:class:`~bottlecalc.results.ModuleCount`); rows at a depth add those up over each
module's subtree. Rows at one depth, plus an ``(other)`` row for the work done outside
them (in the model's own ``forward``, or in a parent between its children), sum to the
totals exactly.

With ``--time`` (:class:`ModelTimed`) each row also carries the time its module's calls took,
each call timed on its own input, and the bytes those calls read and wrote; ``(other)``
has neither (no module of its own to time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bottlecalc.results import Machine, Measured, ModuleCount, Roofline, Timing


class Sort(StrEnum):
    """How breakdown rows are ordered (``--sort``)."""

    MACS = "macs"
    PARAMS = "params"
    NAME = "name"


OTHER = "(other)"  # the row for work done outside the rows shown
ROOT = "(root)"  # the model itself in per-module lists (torch names it '')


@dataclass(frozen=True)
class ModuleRow:
    """One row of a breakdown: a module and its subtree (or the work outside the rows)."""

    name: str  # module path, or "(other)"
    kind: str  # class name ("" for "(other)")
    params: int
    macs: int
    fvcore: int | None  # fvcore's count for the subtree, when fvcore ran
    # --time only (bottlecalc.count never times: its rows print as they always have):
    time: Timing | None = field(default=None, repr=False)  # its module's calls, timed alone
    moved: int | None = field(default=None, repr=False)  # bytes they read and wrote

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def roofline(self, machine: Machine) -> Roofline | None:
        """The roofline of the row's module taken whole (None: its calls were not timed)."""
        return None if self.moved is None else machine.roof(self.macs, self.moved)


@dataclass(frozen=True)
class Call:
    """One call of a row's module in the timed forward pass (``--time``)."""

    name: str  # module path
    timing: Timing  # the call timed on its own, on the input it got
    moved: int  # bytes: the module's weights, and this call's inputs and outputs as they were


@dataclass(frozen=True)
class ModelTimed:
    """What ``--time`` measured for a user's model, and where."""

    total: Timing  # the whole forward pass; ``flops`` is FlopCounterMode's
    moved: int  # bytes: the model's weights, its inputs and its outputs
    calls: tuple[Call, ...]  # every call of a row's module, in forward order
    machine: Machine


def summed(timings: Sequence[Timing]) -> Timing | None:
    """Several timings as one: medians and IQRs add up; runs and samples are the fewest."""
    if not timings:
        return None
    return replace(timings[0], median_s=sum(t.median_s for t in timings),
                   iqr_s=sum(t.iqr_s for t in timings), runs=min(t.runs for t in timings),
                   samples=min(t.samples for t in timings), flops=sum(t.flops for t in timings))


def timed_row(row: ModuleRow, calls: Sequence[Call]) -> ModuleRow:
    """``row`` with the time and the bytes of its module's calls (none: not timed)."""
    mine = [c for c in calls if c.name == row.name]
    time = summed([c.timing for c in mine])
    if time is None:
        return row
    return replace(row, time=replace(time, flops=row.flops), moved=sum(c.moved for c in mine))


def depth_of(path: str) -> int:
    """'' is the model (0), 'encoder' 1, 'encoder.layers.0' 3."""
    return path.count(".") + 1 if path else 0


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(f"{root}.")


def _leaf(path: str, paths: Sequence[str]) -> bool:
    return not any(p.startswith(f"{path}.") for p in paths)


def rows_at(modules: Sequence[ModuleCount], depth: int) -> list[ModuleRow]:
    """The modules at ``depth``, and the leaves above it (so no module's work is hidden in
    ``(other)`` for lack of children), each with the sums of its subtree."""
    paths = [m.name for m in modules]
    chosen = [m for m in modules if m.name and (depth_of(m.name) == depth
              or (depth_of(m.name) < depth and _leaf(m.name, paths)))]
    return [ModuleRow(m.name, m.kind,
                      sum(x.params for x in modules if _within(x.name, m.name)),
                      sum(x.macs for x in modules if _within(x.name, m.name)), m.fvcore)
            for m in chosen]


def other_row(rows: Sequence[ModuleRow], measured: Measured) -> ModuleRow:
    """What the rows leave out, so that rows and ``(other)`` add up to the totals."""
    fvcore = None
    if measured.fvcore is not None and all(r.fvcore is not None for r in rows):
        fvcore = measured.fvcore - sum(r.fvcore or 0 for r in rows)
    return ModuleRow(OTHER, "", (measured.params or 0) - sum(r.params for r in rows),
                     (measured.macs or 0) - sum(r.macs for r in rows), fvcore)


def ordered(rows: Sequence[ModuleRow], sort: Sort, top: int | None) -> list[ModuleRow]:
    """Rows in the order asked for; past ``top``, the rest are folded into one row."""
    def key(r: ModuleRow) -> tuple[int, int, str]:
        if sort is Sort.NAME:
            return 0, 0, r.name
        first, second = (r.macs, r.params) if sort is Sort.MACS else (r.params, r.macs)
        return -first, -second, r.name

    out = sorted(rows, key=key)
    if top is None or len(out) <= top:
        return out
    return [*out[:top], folded(out[top:])]


def folded(rest: Sequence[ModuleRow]) -> ModuleRow:
    """The rows past ``--top`` as one: counts add up, and so do the times of those timed."""
    fvcore = None if any(r.fvcore is None for r in rest) else sum(r.fvcore or 0 for r in rest)
    timed = [r for r in rest if r.time is not None]
    return ModuleRow(f"({len(rest)} more modules)", "", sum(r.params for r in rest),
                     sum(r.macs for r in rest), fvcore,
                     summed([r.time for r in timed if r.time is not None]),
                     sum(r.moved or 0 for r in timed) if timed else None)


@dataclass(frozen=True)
class ModelResult:
    """A user's model, counted by every route that ran (the network command and count())."""

    name: str
    measured: Measured
    timed: ModelTimed | None = None  # --time: the forward pass and the rows' calls timed

    @property
    def params(self) -> int:
        return self.measured.params or 0

    @property
    def macs(self) -> int:
        return self.measured.macs or 0

    @property
    def flops(self) -> int:
        return self.measured.torch_flops or 0

    @property
    def roofline(self) -> Roofline | None:
        """--time: the roofline of the whole model taken as one piece of work."""
        timed = self.timed
        return None if timed is None else timed.machine.roof(self.macs, timed.moved)

    def by_module(self, depth: int = 1, *, sort: Sort = Sort.MACS,
                  top: int | None = None) -> tuple[ModuleRow, ...]:
        """Rows at ``depth`` (1: the model's children) and the ``(other)`` row: they sum to
        the totals, whatever the depth, order or ``top``."""
        rows = rows_at(self.measured.modules, depth)
        if self.timed is not None:
            rows = [timed_row(row, self.timed.calls) for row in rows]
        return (*ordered(rows, sort, top), other_row(rows, self.measured))


@dataclass(frozen=True)
class ModelReport:
    """``bottlecalc network TARGET`` for a user's model: the breakdown asked for."""

    result: ModelResult
    depth: int = 1
    sort: Sort = Sort.MACS
    top: int | None = None
    conventions: bool = False
    train: bool = False  # --pass train: a training step's FLOPs beside the forward ones

    @property
    def rows(self) -> tuple[ModuleRow, ...]:
        return self.result.by_module(self.depth, sort=self.sort, top=self.top)

    @property
    def machine(self) -> Machine | None:
        """--time: where the model was timed (None: not timed)."""
        return None if self.result.timed is None else self.result.timed.machine
