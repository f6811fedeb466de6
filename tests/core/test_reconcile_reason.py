"""Each cause of a route's difference, worded from its typed facts (the JSON ``reason``)."""

from __future__ import annotations

import pytest

from bottlecalc.results import Reconcile, Why

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
    assert row.reason == words


def test_every_cause_has_words() -> None:
    assert {row.why for row, _ in CASES} == set(Why)


def test_merged_rows_keep_their_cause_and_add_up() -> None:
    a = Reconcile("fvcore", "aten::bmm", -4, Why.NOT_COUNTED, modules=("a",), detail="x")
    merged = a.merge(Reconcile("fvcore", "aten::bmm", -6, Why.NOT_COUNTED, modules=("b",)))
    assert (merged.macs, merged.count, merged.modules, merged.why) == (-10, 2, ("a", "b"),
                                                                       Why.NOT_COUNTED)
