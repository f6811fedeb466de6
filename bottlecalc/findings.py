"""What the complete count's routes found inside a measured model, module by module and op
by op: the work done in each module (:class:`ModuleCount`), the ops no formula counts
(:class:`UnknownOp`), and where a route differs from the complete count and why
(:class:`Reconcile`, its cause a :class:`Why`). :class:`~bottlecalc.results.Measured`
holds them.

Pure Python (no torch), apart from :mod:`bottlecalc.results` so that a command counting
only closed forms (``compare --no-measure``) does not build these records at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Why(StrEnum):
    """Why a route's count differs from the complete count; ``report/reasons.py`` words it."""

    NO_FORMULA = "no_formula"  # modules: work in a module of a type no formula covers
    FORMULA = "formula"  # modules: a covered module's formula gives another count
    OPS = "ops"  # ops: the op registry's formulas give another count in a module
    EXTRA = "extra"  # fvcore: its per-element count for an op without MACs
    NOT_COUNTED = "not_counted"  # fvcore: MAC work in ops it has no handle for
    UNACCOUNTED = "unaccounted"  # fvcore: a difference no op it skipped explains
    NO_MACS = "no_macs"  # fvcore: an op it skipped that carries no MACs
    REMAINDER = "remainder"  # fvcore: its float estimates leave a fraction of a MAC


@dataclass(frozen=True)
class Reconcile:
    """Where one route's count differs from the complete count, by how much, and why: the
    cause as a ``Why`` and the facts behind it, so every language can word it."""

    engine: str  # the route that differs: "fvcore", "modules" or "ops"
    op: str  # the op (aten::layer_norm) or module type (CustomAttention) it is in
    macs: int  # that route's count minus the complete count (0: it carries no MACs)
    why: Why
    count: int = 1  # occurrences (ops) or modules
    modules: tuple[str, ...] = ()  # where: module paths
    explained: bool = True  # False: nothing known accounts for it (a warning)
    ours: int | None = None  # the route's own MACs there (FORMULA, OPS; EXTRA: predicted)
    seen: int | None = None  # FlopCounterMode's MACs there (FORMULA, OPS)
    ops: tuple[tuple[str, int], ...] = ()  # ops that ran (or fvcore skipped) there, and calls
    detail: str = ""  # the op registry's words: fvcore's extra count, the work it skips
    estimated: tuple[str, ...] = ()  # ops fvcore counted there by a float estimate
    remainder: float = 0.0  # REMAINDER: what fvcore's float estimates leave past whole MACs

    def merge(self, other: Reconcile) -> Reconcile:
        """The same difference seen in another module: counts add up, modules are listed."""
        return replace(self, macs=self.macs + other.macs, count=self.count + other.count,
                       modules=self.modules + other.modules)


@dataclass(frozen=True)
class UnknownOp:
    """An op that may multiply-accumulate and that no formula counts: its MACs are unknown,
    so the complete count is incomplete (never a silent 0)."""

    op: str  # dispatch name: aten._grouped_mm
    module: str  # the module path it ran in ('' for the model itself)
    params: tuple[str, ...]  # the parameters and buffers it read
    count: int = 1  # calls


@dataclass(frozen=True)
class ModuleCount:
    """One module of a measured model: what it holds and the work done directly in it."""

    name: str  # module path ('' for the model itself)
    kind: str  # class name
    params: int  # parameters it holds directly (not its children's); tied ones in one only
    macs: int  # complete-count MACs done in it and not in a child module
    fvcore: int | None = None  # fvcore's count for the module and its children
    tied: tuple[str, ...] = ()  # the other modules holding some of the same parameters
    parents: int = 1  # modules holding this very module object (one nn.SiLU shared by all)
