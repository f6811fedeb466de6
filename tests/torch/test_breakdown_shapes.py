"""Where a repeated, tied or shared model's cost is (issue 17 item 7, issue 20 items 18-19):
identical layers in one row, tied parameters counted once, one module object shared by many
parents marked, a wrapper's only child at the wrapper's depth, and totals per module class.

The models are built from torch.nn in tests/fixtures/breakdown_models.py; every expected
count is a formula written here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bottlecalc.api import count_model
from bottlecalc.breakdown import OTHER, ModelResult, Sort, natural, tree_depths
from bottlecalc.report.words import paths
from bottlecalc.spec import TensorSpec

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOKENS, DIM, VOCAB, LAYERS = 5, 8, 50, 12
WTE = VOCAB * DIM  # held by wte; lm_head's weight is the same tensor
LAYER = (DIM * DIM + DIM, TOKENS * DIM * DIM)  # (params, MACs) of one Linear(8, 8)
HEAD_MACS = TOKENS * DIM * VOCAB
NORM = 2 * DIM
TIED_PARAMS = WTE + LAYERS * LAYER[0] + NORM
TIED_MACS = LAYERS * LAYER[1] + HEAD_MACS
# SharedAct at 16x16: three 3x3 convs without bias, 3->8 then 8->8 twice.
CONVS = [(9 * cin * 8, 9 * cin * 8 * 16 * 16) for cin in (3, 8, 8)]


@cache
def counted(target: str, shape: tuple[int, ...], dtype: str = "float32") -> ModelResult:
    return count_model(str(FIXTURES / target), feed=(TensorSpec(shape, dtype),), inputs=None,
                       base=FIXTURES)


def tied() -> ModelResult:
    return counted("breakdown_models.py:TiedLM", (1, TOKENS), "int64")


def shared() -> ModelResult:
    return counted("breakdown_models.py:SharedAct", (1, 3, 16, 16))


def test_tied_parameters_are_counted_once_and_marked_on_both_sides() -> None:
    result = tied()
    assert (result.params, result.macs) == (TIED_PARAMS, TIED_MACS)
    rows = {r.name: r for r in result.by_module(1)}
    assert (rows["wte"].params, rows["wte"].tied) == (WTE, ("lm_head",))
    assert (rows["lm_head"].params, rows["lm_head"].macs) == (0, HEAD_MACS)
    assert rows["lm_head"].tied == ("wte",)
    assert (rows[OTHER].params, rows[OTHER].macs) == (0, 0)  # never negative
    assert sum(r.params for r in rows.values()) == TIED_PARAMS


def test_each_module_names_the_others_holding_its_tied_parameters() -> None:
    result = count_model(str(FIXTURES / "breakdown_models.py:TiedLM"),
                         feed=(TensorSpec((1, TOKENS), "int64"),), inputs=None, base=FIXTURES)
    modules = {m.name: m for m in result.measured.modules}
    assert modules["wte"].tied == ("lm_head",) and modules["layers.0"].tied == ()
    assert modules["wte"].params == WTE and modules["lm_head"].params == 0


def test_identical_numbered_siblings_are_one_row_holding_their_sums() -> None:
    rows = tied().by_module(2)
    (layers,) = [r for r in rows if r.name == "layers.0-11 (x12)"]
    assert (layers.kind, layers.instances) == ("Linear", LAYERS)
    assert (layers.params, layers.macs) == (LAYERS * LAYER[0], LAYERS * LAYER[1])
    assert sum(r.params for r in rows) == TIED_PARAMS and sum(r.macs for r in rows) == TIED_MACS


def test_without_collapse_names_sort_naturally() -> None:
    rows = tied().by_module(2, sort=Sort.NAME, collapse=False)
    layers = [r.name for r in rows if r.name.startswith("layers.")]
    assert layers == [f"layers.{i}" for i in range(LAYERS)]  # 2 before 10
    assert sorted(["a.10", "a.2", "a.1", "b"], key=natural) == ["a.1", "a.2", "a.10", "b"]
    assert paths(("h.10.attn", "h.2.attn", "h.1.attn")) == "h.1.attn, h.2.attn, h.10.attn"


def test_by_kind_totals_every_class_with_its_instances() -> None:
    kinds = {r.kind: (r.instances, r.params, r.macs) for r in tied().by_kind()}
    assert kinds == {
        "Linear": (LAYERS + 1, LAYERS * LAYER[0], TIED_MACS),  # lm_head: its weight is wte's
        "ModuleList": (1, LAYERS * LAYER[0], LAYERS * LAYER[1]),
        "Embedding": (1, WTE, 0),
        "LayerNorm": (1, NORM, 0),
    }
    assert [r.kind for r in tied().by_kind()] == ["Linear", "ModuleList", "Embedding",
                                                  "LayerNorm"]


def test_a_wrapper_with_one_child_uses_no_depth() -> None:
    result = shared()
    paths = ["", "model", "model.0", "model.0.conv", "model.0.act", "model.1", "model.1.m",
             "model.1.m.fc"]
    assert tree_depths(paths) == {"": 0, "model": 0, "model.0": 1, "model.0.conv": 2,
                                  "model.0.act": 2, "model.1": 1, "model.1.m": 1,
                                  "model.1.m.fc": 1}
    rows = {r.name: (r.params, r.macs) for r in result.by_module(1)}
    assert rows == {"model.0": CONVS[0], "model.1-2 (x2)": (2 * CONVS[1][0], 2 * CONVS[1][1]),
                    OTHER: (0, 0)}


def test_a_module_object_shared_by_many_parents_is_marked() -> None:
    rows = {r.name: r for r in shared().by_module(2)}
    act = rows["model.0.act"]
    assert (act.kind, act.parents, act.params, act.macs) == ("SiLU", 3, 0, 0)
    assert rows["model.1.conv"].parents == 1
    assert "model.1.act" not in rows  # torch names a shared module once
