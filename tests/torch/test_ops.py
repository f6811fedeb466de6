"""The op registry: product ops FlopCounterMode has no formula for, unknown ops, and the op
route that checks FlopCounterMode's formulas with bottlecalc's own.

Every expected count is written here from the shapes (rows x inner x columns for a product);
where torch's FlopCounterMode has a formula it is run too, as a published figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import bottlecalc
from bottlecalc.cli import cli
from bottlecalc.measure import ops
from bottlecalc.report.reasons import reason

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXPERTS = FIXTURES / "experts.py"
DIM, HIDDEN, EXPERT_COUNT, TOP = 32, 64, 4, 2
TOKENS = 2 * 5
# the router (tokens x DIM x experts), then per routed token a gated MLP: DIM -> 2 HIDDEN -> DIM
MOE = TOKENS * DIM * EXPERT_COUNT + TOKENS * TOP * (DIM * 2 * HIDDEN + HIDDEN * DIM)


class Call(nn.Module):
    """One op on the inputs (the count's subject must be a module)."""

    def __init__(self, op: Callable[..., torch.Tensor]) -> None:
        super().__init__()
        self.op = op

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return self.op(*xs)


def zeros(*shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.zeros(*shape, dtype=dtype)


BF16, INT8 = torch.bfloat16, torch.int8
PRODUCTS: dict[str, tuple[Callable[..., torch.Tensor], tuple[torch.Tensor, ...], int]] = {
    "_int_mm": (torch._int_mm, (zeros(32, 16, dtype=INT8), zeros(16, 8, dtype=INT8)), 32 * 16 * 8),
    "addbmm": (torch.addbmm, (zeros(4, 6), zeros(3, 4, 5), zeros(3, 5, 6)), 3 * 4 * 5 * 6),
    "baddbmm": (torch.baddbmm, (zeros(3, 4, 6), zeros(3, 4, 5), zeros(3, 5, 6)), 3 * 4 * 5 * 6),
    "_grouped_mm 3d x 3d": (torch._grouped_mm, (zeros(3, 4, 8, dtype=BF16),
                                                zeros(3, 8, 16, dtype=BF16)), 3 * 4 * 8 * 16),
    "_weight_int8pack_mm": (torch._weight_int8pack_mm,
                            (zeros(4, 32, dtype=BF16), zeros(16, 32, dtype=INT8),
                             zeros(16, dtype=BF16)), 4 * 32 * 16),
    "_weight_int4pack_mm_for_cpu": (  # weight 16 x 64 packed in uint8 pairs, groups of 32
        lambda x, w, scales: torch._weight_int4pack_mm_for_cpu(x, w, 32, scales),
        (zeros(4, 64, dtype=BF16), zeros(16, 32, dtype=torch.uint8), zeros(2, 16, 2, dtype=BF16)),
        4 * 64 * 16),
    "_scaled_mm": (  # float8 operands, the second column-major
        lambda a, b, s: torch._scaled_mm(a, b.t().contiguous().t(), s, s, out_dtype=BF16),
        (zeros(16, 32, dtype=torch.float8_e4m3fn), zeros(32, 16, dtype=torch.float8_e4m3fn),
         torch.ones(())), 16 * 32 * 16),
    "einsum": (lambda a, b: torch.einsum("bij,bjk->bik", a, b), (zeros(2, 3, 4), zeros(2, 4, 5)),
               2 * 3 * 4 * 5),
    "mv": (torch.mv, (zeros(6, 5), zeros(5)), 6 * 5),
    "addr": (torch.addr, (zeros(3, 4), zeros(3), zeros(4)), 3 * 4),
    "mm": (torch.mm, (zeros(7, 3), zeros(3, 2)), 7 * 3 * 2),
    "conv grouped": (lambda x, w: nn.functional.conv2d(x, w, groups=2),
                     (zeros(1, 4, 6, 6), zeros(8, 2, 3, 3)), 8 * 4 * 4 * 2 * 3 * 3),
    "conv transposed": (lambda x, w: nn.functional.conv_transpose2d(x, w, stride=2),
                        (zeros(1, 4, 5, 5), zeros(4, 3, 3, 3)), 4 * 5 * 5 * 3 * 3 * 3),
    "sdpa": (nn.functional.scaled_dot_product_attention,
             (zeros(2, 3, 5, 8), zeros(2, 3, 7, 8), zeros(2, 3, 7, 4)), 2 * 3 * 5 * 7 * (8 + 4)),
}


@pytest.mark.parametrize("name", list(PRODUCTS))
def test_each_product_is_counted_by_both_routes(name: str) -> None:
    op, inputs, expected = PRODUCTS[name]
    measured = bottlecalc.count(Call(op), *inputs, fvcore=False).result.measured
    assert measured.macs == expected
    assert measured.macs_ops == expected
    assert measured.unknown_ops == ()


@pytest.mark.parametrize("name", ["baddbmm", "mm", "conv grouped", "conv transposed", "sdpa",
                                  "_scaled_mm"])
def test_where_torch_has_a_formula_it_agrees(name: str) -> None:
    """FlopCounterMode's own formulas (no bottlecalc mapping), on the same call."""
    op, inputs, expected = PRODUCTS[name]
    with FlopCounterMode(display=False) as counter:
        op(*(x.to("meta") for x in inputs))
    assert counter.get_total_flops() == 2 * expected


def test_a_grouped_mm_moe_is_counted_exactly() -> None:
    """Mixtral's pattern: FlopCounterMode alone sees only the router; the complete count has
    every expert's products, on meta."""
    model, x = _experts(), zeros(2, 5, DIM, dtype=BF16)
    with FlopCounterMode(display=False) as counter:
        model.to("meta")(x.to("meta"))
    assert counter.get_total_flops() == 2 * TOKENS * DIM * EXPERT_COUNT
    measured = bottlecalc.count(_experts(), x, fvcore=False).result.measured
    assert (measured.macs, measured.macs_ops, measured.torch_device) == (MOE, MOE, "meta")


def _experts() -> nn.Module:
    import importlib.util

    spec = importlib.util.spec_from_file_location("experts_fixture", EXPERTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.grouped_experts()  # type: ignore[no-any-return]


def check(target: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["check", f"{EXPERTS}:{target}", *args])


def test_a_budget_one_under_the_moe_fails() -> None:
    params = DIM * EXPERT_COUNT + EXPERT_COUNT * (DIM * 2 * HIDDEN + HIDDEN * DIM)
    assert check("grouped_experts", "--input", "2,5,32:bfloat16", "--max-macs", str(MOE),
                 "--max-params", str(params)).exit_code == 0
    assert check("grouped_experts", "--input", "2,5,32:bfloat16",
                 "--max-macs", str(MOE - 1)).exit_code == 1


def test_without_its_formula_grouped_mm_is_unknown_and_no_budget_passes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Take ``_grouped_mm`` out of the registry: the count says it is unknown, names the
    parameters it read, and a MAC budget far above the count is an error, never a pass."""
    monkeypatch.delitem(ops.OPS, "aten._grouped_mm")
    measured = bottlecalc.count(_experts(), zeros(2, 5, DIM, dtype=BF16),
                                fvcore=False).result.measured
    assert [(u.op, u.module, u.params, u.count) for u in measured.unknown_ops] == [
        ("aten._grouped_mm", "", ("down", "gate_up"), 2)]
    assert measured.macs == TOKENS * DIM * EXPERT_COUNT  # what could be counted: the router
    result = check("grouped_experts", "--input", "2,5,32:bfloat16", "--max-macs", "1000000000")
    assert result.exit_code == 3
    assert "aten._grouped_mm x2 in (root) (read down, gate_up)" in result.output


def test_an_op_reading_a_parameter_with_no_formula_is_unknown() -> None:
    """``cdist`` against learned centroids: unknown; a MAC budget is an error, a parameter
    budget is still held (10 x 8 centroids + Linear(10, 2))."""
    result = check("centroids", "--input", "3,8", "--max-macs", "1000000")
    assert result.exit_code == 3
    assert "aten._cdist_forward x1 in (root) (read centroids)" in result.output
    assert check("centroids", "--input", "3,8", "--max-params", str(10 * 8 + 10 * 2 + 2)
                 ).exit_code == 0


def test_network_exits_3_on_an_unknown_op() -> None:
    result = CliRunner().invoke(cli, ["network", f"{EXPERTS}:centroids", "--input", "3,8"])
    assert result.exit_code == 3
    assert "INCOMPLETE" in result.output


def test_an_incomplete_count_is_not_coloured_as_agreement() -> None:
    """The verdict line of a count that exits 3 is bold red, not the green of agreement
    (it was green: only an unexplained difference made it red)."""
    result = CliRunner().invoke(cli, ["network", f"{EXPERTS}:centroids", "--input", "3,8",
                                      "--color"], env={"COLUMNS": "200"})
    assert result.exit_code == 3
    assert "\x1b[1;31mroutes: instantiated, FlopCounterMode (meta device)" in result.stdout
    assert "\x1b[32mroutes:" not in result.stdout


@pytest.mark.parametrize("command", ["check", "network"])
def test_unknown_ops_are_data_in_json(command: str) -> None:
    """The same facts in the documents, valid against their schemas."""
    from jsonschema import Draft202012Validator

    from bottlecalc.report.jsondoc import schema_file

    limit = ["--max-macs", "1000000"] if command == "check" else []
    result = CliRunner().invoke(cli, [command, f"{EXPERTS}:centroids", "--input", "3,8",
                                      *limit, "--format", "json"])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    entry = doc["budgets"][0]["measured"] if command == "check" else doc["networks"][0]
    assert entry["unknown_ops"] == [{"op": "aten._cdist_forward", "module": "",
                                     "params": ["centroids"], "count": 1}]
    schema = Path(bottlecalc.__file__).parent / "schemas" / schema_file(command)
    validator = Draft202012Validator(json.loads(schema.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(doc)] == []


def test_a_wrong_op_formula_is_a_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    """The op route is bottlecalc's own: a formula that differs from FlopCounterMode's makes
    the routes disagree (exit 3), never agree by default."""
    monkeypatch.setitem(ops.OPS, "aten.mm", ops.Op(lambda a, b, **_: a[0] * b[1], ops.Torch.OWN))
    measured = bottlecalc.count(Call(torch.mm), zeros(7, 3), zeros(3, 2),
                                fvcore=False).result.measured
    assert (measured.macs, measured.macs_ops) == (7 * 3 * 2, 7 * 2)
    assert measured.unexplained == 7 * 3 * 2 - 7 * 2


# (factory, input, parameters: int8 weights and float biases, packed; MACs)
QUANTIZED = {
    "quantized_dynamic": ("3,20", 20 * 16 + 16 + 16 * 4 + 4, 3 * (20 * 16 + 16 * 4)),
    # Conv2d(3, 8, 3) on 8x8 -> 6x6, then Linear(8 x 6 x 6, 5), batch 2
    "quantized_static": ("2,3,8,8", 8 * 3 * 9 + 8 + 288 * 5 + 5,
                         2 * (8 * 6 * 6 * 3 * 9 + 288 * 5)),
}


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
@pytest.mark.filterwarnings("ignore:torch.ao.quantization is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore::UserWarning")  # observers' calibration notes
@pytest.mark.parametrize("factory", list(QUANTIZED))
def test_a_quantized_model_counts_its_packed_weights_and_products(factory: str) -> None:
    shape, params, macs = QUANTIZED[factory]
    result = check(factory, "--input", shape, "--max-macs", str(macs), "--max-params",
                   str(params), "--format", "json")
    assert result.exit_code == 0, result.output
    measured = json.loads(result.stdout)["budgets"][0]["measured"]
    assert (measured["params"], measured["macs"]) == (params, macs)
    assert check(factory, "--input", shape, "--max-macs", str(macs - 1)).exit_code == 1
    assert check(factory, "--input", shape, "--max-params", str(params - 1)).exit_code == 1


def _fvcore(raw: dict[str, dict[str, Any]], total: int) -> Any:
    from bottlecalc.measure.engines import FvcoreCount, _integers

    return FvcoreCount(total=total, skipped={"": {}}, **_integers(raw))


def _forward(macs: int) -> Any:
    from bottlecalc.measure.forward import Forward

    return Forward(flops=2 * macs, device="meta", own={"": 2 * macs}, kinds={"": "Net"})


def test_fvcore_float_estimates_are_integers_and_never_explained() -> None:
    """fvcore's einsum estimate (a float: 6,635,040.0 where the products are 6,634,992)
    is a whole number in its row, and the row is not explained away."""
    from bottlecalc.measure.reconcile import fvcore_rows

    rows = fvcore_rows(_forward(6_634_992 + 50),
                       _fvcore({"": {"einsum": 6_635_040.0, "linear": 50}}, 6_635_090))
    assert [(r.macs, type(r.macs), r.explained) for r in rows] == [(48, int, False)]
    assert "float estimate of aten::einsum" in reason(rows[0])


def test_a_float_remainder_is_its_own_row() -> None:
    from bottlecalc.measure.reconcile import fvcore_rows

    rows = fvcore_rows(_forward(10), _fvcore({"": {"einsum": 10.5}}, 10))
    assert [(r.op, r.macs, r.explained) for r in rows] == [("float remainder", 0, False)]
    assert "0.5" in reason(rows[0])


def test_partial_module_coverage_is_said_not_marked() -> None:
    """A ✗ means a disagreement (exit 3): work in a module with no formula is not one."""
    from bottlecalc.report.words import complete_line

    measured = bottlecalc.count(Call(torch.mm), zeros(7, 3), zeros(3, 2),
                                fvcore=False).result.measured
    line = complete_line(measured)
    assert line is not None and "✗" not in line
    assert f"op formulas {7 * 3 * 2} ✓" in line
    assert f"{7 * 3 * 2} in modules with no formula" in line


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_transformers_mixtral_is_counted_exactly_on_meta(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers' Mixtral, its experts on their default path, in bfloat16 from a config:
    attention (grouped keys and values), router, top-2 experts and the LM head by hand."""
    transformers = pytest.importorskip("transformers")
    layers, d, heads, kv, inter, experts, top, vocab, tokens = 2, 64, 4, 2, 128, 4, 2, 1000, 16
    config = transformers.MixtralConfig(
        hidden_size=d, intermediate_size=inter, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=kv, num_local_experts=experts,
        num_experts_per_tok=top, vocab_size=vocab)
    model = transformers.MixtralForCausalLM(config).to(torch.bfloat16).eval()
    width = d // heads
    attention = 2 * tokens * d * d + 2 * tokens * d * kv * width + 2 * heads * tokens**2 * width
    moe = tokens * d * experts + tokens * top * 3 * d * inter
    expected = layers * (attention + moe) + tokens * d * vocab
    measured = bottlecalc.count(model, torch.zeros(1, tokens, dtype=torch.long),
                                fvcore=False).result.measured
    assert (measured.macs, measured.macs_ops, measured.unknown_ops) == (expected, expected, ())
    monkeypatch.delitem(ops.OPS, "aten._grouped_mm")  # the experts' path, unknown
    unknown = bottlecalc.count(model, torch.zeros(1, tokens, dtype=torch.long),
                               fvcore=False).result.measured.unknown_ops
    experts = "model.layers.0.mlp.experts"
    assert (unknown[0].op, unknown[0].module, unknown[0].params) == (
        "aten._grouped_mm", experts, (f"{experts}.down_proj", f"{experts}.gate_up_proj"))


@pytest.mark.parametrize(("func", "reads", "unknown"), [
    (torch.ops.aten._cdist_forward.default, True, True),  # distances: products, no formula
    (torch.ops.aten.embedding.default, True, False),  # a lookup
    (torch.ops.aten.native_layer_norm.default, True, False),
    (torch.ops.aten.index.Tensor, True, False),  # an expert's weight picked by index
    (torch.ops.aten.mul.Tensor, True, False),  # elementwise (an RMSNorm's scale)
    (torch.ops.aten.t.default, True, False),  # a view
    (torch.ops.aten.mm.default, True, False),  # has a formula
    (torch.ops.aten._cdist_forward.default, False, True),  # distances: products by name
    (torch.ops.aten._fft_r2c.default, False, True),  # an FFT multiplies: no formula
    (torch.ops.aten.linalg_vecdot.default, False, True),  # a product by its name
])
def test_which_ops_are_unknown(func: Any, reads: bool, unknown: bool) -> None:
    assert ops.is_unknown(func, reads_parameter=reads) is unknown
