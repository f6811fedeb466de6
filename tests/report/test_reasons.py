"""Each cause of a route's difference, worded in the report layer from its typed facts (the
JSON ``reason``, the warnings, a budget's disagreement); the data layer holds no English."""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest

import bottlecalc.results
from bottlecalc.budget.model import Disagreement, Incomplete, Metric, disagreement, incomplete
from bottlecalc.findings import Reconcile, UnknownOp, Why
from bottlecalc.report.check.words import error_text
from bottlecalc.report.reasons import disagreement_text, reason, warning_lines
from bottlecalc.results import Measured

CASES = [
    (Reconcile("modules", "Attn", -8, Why.NO_FORMULA, ops=(("aten.bmm", 2), ("aten.mm", 1))),
     "no module formula for Attn (FlopCounterMode counted its aten.bmm, aten.mm)"),
    (Reconcile("modules", "Linear", -7, Why.FORMULA, ours=1000, seen=1007),
     "the Linear formula and FlopCounterMode disagree (1,000 vs 1,007 MACs)"),
    (Reconcile("ops", "Net", 1, Why.OPS, ours=2048, seen=2047, ops=(("aten.mm", 3),)),
     "bottlecalc's op formulas give 2,048 MACs here, FlopCounterMode 2,047 (aten.mm x3)"),
    (Reconcile("ops", "Net", 1, Why.OPS, ours=5, seen=0),
     "bottlecalc's op formulas give 5 MACs here, FlopCounterMode 0 (none)"),
    (Reconcile("fvcore", "aten::layer_norm", 40, Why.EXTRA, detail="LayerNorm: 5 per element"),
     "LayerNorm: 5 per element"),
    (Reconcile("fvcore", "aten::layer_norm", 40, Why.EXTRA, detail="LayerNorm", ours=32000),
     "LayerNorm; the module formulas predict 32,000"),
    (Reconcile("fvcore", "aten::bmm", -9, Why.NOT_COUNTED, detail="attention and products"),
     "attention and products not counted: fvcore has no handle for it"),
    (Reconcile("fvcore", "module m", 3, Why.UNACCOUNTED, ops=(("aten::add", 1),)),
     "fvcore's count differs from the complete count here; it skipped aten::add x1 here"),
    (Reconcile("fvcore", "module m", 3, Why.UNACCOUNTED),
     "fvcore's count differs from the complete count here; it skipped nothing here"),
    (Reconcile("fvcore", "aten::add", 0, Why.NO_MACS),
     "skipped by fvcore; it carries no multiply-accumulates, so no MAC convention counts it"),
    (Reconcile("fvcore", "float remainder", 0, Why.REMAINDER, remainder=0.5),
     "fvcore's float estimates leave 0.5 past whole MACs; no integer count explains it"),
    (Reconcile("fvcore", "aten::einsum", 2, Why.NOT_COUNTED, detail="products",
               estimated=("aten::einsum", "aten::mm")),
     "products not counted: fvcore has no handle for it; fvcore's count here includes its "
     "float estimate of aten::einsum, aten::mm, which no exact count reproduces"),
]


@pytest.mark.parametrize(("row", "words"), CASES)
def test_every_cause_is_worded_from_its_facts(row: Reconcile, words: str) -> None:
    assert reason(row) == words


def test_every_cause_has_words() -> None:
    assert {row.why for row, _ in CASES} == set(Why)


def test_merged_rows_keep_their_cause_and_add_up() -> None:
    a = Reconcile("fvcore", "aten::bmm", -4, Why.NOT_COUNTED, modules=("a",), detail="x")
    merged = a.merge(Reconcile("fvcore", "aten::bmm", -6, Why.NOT_COUNTED, modules=("b",)))
    assert (merged.macs, merged.count, merged.modules, merged.why) == (-10, 2, ("a", "b"),
                                                                       Why.NOT_COUNTED)


def test_results_holds_facts_not_english_wording() -> None:
    """No table of sentences (``_REASONS``) and no ``reason`` property in the data layer."""
    tree = ast.parse(Path(bottlecalc.results.__file__).read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert not {"_REASONS", "_ESTIMATED"} & names
    assert "reason" not in functions and not hasattr(Reconcile, "reason")


ODD = Reconcile("modules", "Linear", -7, Why.FORMULA, modules=("fc", "head"), explained=False,
                ours=13, seen=20)
FINE = Reconcile("fvcore", "aten::add", 0, Why.NO_MACS)
GAP = UnknownOp("aten._grouped_mm", "experts", ("experts.w1",), count=2)


def test_warnings_are_the_measurings_then_unexplained_rows_then_unknown_ops() -> None:
    m = Measured(reconcile=(FINE, ODD), unknown_ops=(GAP, UnknownOp("aten.foo", "", ())),
                 value_dependent=(1_000, 1_500))
    assert warning_lines(m) == [
        "the forward's control flow depends on input values: the count holds for the example "
        "input given (1,000 MACs); on a random input of the same shape it is 1,500 MACs",
        "modules: the Linear formula and FlopCounterMode disagree (13 vs 20 MACs) in fc, head",
        "aten._grouped_mm x2 in experts (read experts.w1): no formula counts its "
        "multiply-accumulates, so the MAC and FLOP counts are incomplete (unknown, not 0)",
        "aten.foo x1 in (root): no formula counts its multiply-accumulates, so the MAC and "
        "FLOP counts are incomplete (unknown, not 0)",
    ]


def test_a_budgets_disagreement_is_data_worded_in_the_report() -> None:
    m = Measured(macs=100, reconcile=(FINE, ODD))
    assert disagreement(m, tolerance=Fraction(10)) is None  # 7 of 100 MACs: within 10%
    found = disagreement(m, tolerance=Fraction(5))
    assert found == Disagreement(7, (ODD,))
    words = ("the complete MAC count's routes disagree by 7 MACs with no known cause (the "
             "Linear formula and FlopCounterMode disagree (13 vs 20 MACs) in fc, head); the "
             "count cannot be held against a budget")
    assert found is not None and disagreement_text(found) == words == error_text(found)
    assert error_text("No module named 'x'") == "No module named 'x'"


def test_an_incomplete_count_is_data_worded_in_the_report() -> None:
    m = Measured(macs=100, unknown_ops=(GAP, UnknownOp("aten.foo", "", ())))
    assert incomplete(m, frozenset({Metric.PARAMS})) is None  # parameters are all known
    found = incomplete(m, frozenset({Metric.MACS}))
    assert found == Incomplete(m.unknown_ops)
    assert found is not None and error_text(found) == (
        "the MAC count is incomplete: no formula counts aten._grouped_mm x2 in experts (read "
        "experts.w1); aten.foo x1 in (root); the count cannot be held against a budget")
