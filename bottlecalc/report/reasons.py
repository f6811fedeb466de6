"""Why the counting routes differ, in English: each ``findings.Why`` worded from a
``Reconcile`` row's facts (JSON's ``reason``), the warnings a measurement's data gives (rows
nothing explains, ops no formula counts) and a budget's unexplained disagreement. The data
layers hold the facts only, so another language can word the same rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bottlecalc.findings import Reconcile, UnknownOp, Why
from bottlecalc.results import Measured

if TYPE_CHECKING:  # compare and network never import budgets
    from bottlecalc.budget.model import Disagreement, Incomplete

# Each cause in English, worded from a row's facts:
_WORDS = {
    Why.NO_FORMULA: "no module formula for {op} (FlopCounterMode counted its {names})",
    Why.FORMULA: "the {op} formula and FlopCounterMode disagree ({ours:,} vs {seen:,} MACs)",
    Why.OPS: "bottlecalc's op formulas give {ours:,} MACs here, FlopCounterMode {seen:,} "
             "({calls})",
    Why.EXTRA: "{detail}{predicted}",
    Why.NOT_COUNTED: "{detail} not counted: fvcore has no handle for it",
    Why.UNACCOUNTED: "fvcore's count differs from the complete count here; it skipped "
                     "{skipped} here",
    Why.NO_MACS: "skipped by fvcore; it carries no multiply-accumulates, so no MAC convention "
                 "counts it",
    Why.REMAINDER: "fvcore's float estimates leave {remainder!r} past whole MACs; no integer "
                   "count explains it",
}
_ESTIMATED = ("; fvcore's count here includes its float estimate of {}, which no exact count "
              "reproduces")


def reason(r: Reconcile) -> str:
    """The cause of ``r`` in English, as JSON's ``reason`` and the warnings give it."""
    calls = ", ".join(f"{op} x{n}" for op, n in r.ops)
    text = _WORDS[r.why].format(
        op=r.op, ours=r.ours, seen=r.seen, detail=r.detail, remainder=r.remainder,
        names=", ".join(op for op, _ in r.ops), calls=calls or "none",
        skipped=calls or "nothing",
        predicted="" if r.ours is None else f"; the module formulas predict {r.ours:,}")
    return text + (_ESTIMATED.format(", ".join(r.estimated)) if r.estimated else "")


def _where(r: Reconcile) -> str:
    return f"{reason(r)} in {', '.join(r.modules)}"


def _ran(op: UnknownOp) -> str:
    """'aten.foo x2 in experts (read experts.w1)'."""
    read = f" (read {', '.join(op.params)})" if op.params else ""
    return f"{op.op} x{op.count} in {op.module or '(root)'}{read}"


def unknown_text(op: UnknownOp) -> str:
    """'aten.foo x2 in experts (read experts.w1): no formula counts it; ...'."""
    return (f"{_ran(op)}: no formula counts its multiply-accumulates, so the MAC and FLOP "
            "counts are incomplete (unknown, not 0)")


def warning_lines(m: Measured) -> list[str]:
    """Every warning of a measurement: whether its control flow reads input values, then
    each difference nothing explains (by route), then each op no formula counts."""
    return [*_value_dependence(m), *(f"{r.engine}: {_where(r)}" for r in m.reconcile
                                     if not r.explained),
            *(unknown_text(u) for u in m.unknown_ops)]


def _value_dependence(m: Measured) -> list[str]:
    if m.value_dependent is None:
        return []
    example, random = m.value_dependent
    return [f"the forward's control flow depends on input values: the count holds for the "
            f"example input given ({example:,} MACs); on a random input of the same shape "
            f"it is {random:,} MACs"]


def disagreement_text(gap: Disagreement) -> str:
    """Why a budget's complete count cannot be held against it, in one sentence."""
    where = "; ".join(_where(r) for r in gap.rows)
    return (f"the complete MAC count's routes disagree by {gap.macs:,} MACs "
            f"with no known cause ({where}); the count cannot be held against a budget")


def incomplete_text(gap: Incomplete) -> str:
    """Why a limit on MACs or FLOPs cannot be held, in one sentence."""
    ops = "; ".join(_ran(u) for u in gap.ops)
    return (f"the MAC count is incomplete: no formula counts {ops}; the count cannot be "
            "held against a budget")

