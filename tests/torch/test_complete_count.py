"""Users' models counted completely: attention, recurrent and transformer layers included.

Every expected count is a formula written here from the model's shapes (tests/fixtures/
models.py): QKV, QK^T, AV and output projections for attention, gate products for every
layer, direction and step of an RNN, one MAC per kernel element for convolutions. A budget
at the count passes and one MAC under fails, whatever kernel torch would have picked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner, Result
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.cli import cli
from bottlecalc.measure.ops import custom_mapping
from tests.torch.flop_counter import flop_counter_total

FIXTURES = Path(__file__).parent.parent / "fixtures"
MODELS = f"{FIXTURES / 'models.py'}"


def attention(batch: int, length: int, keys: int, embed: int, kdim: int | None = None,
              vdim: int | None = None) -> int:
    """nn.MultiheadAttention: q and out projections, k and v projections, QK^T and AV."""
    kdim, vdim = kdim or embed, vdim or embed
    return batch * (2 * length * embed * embed + keys * embed * (kdim + vdim)
                    + 2 * length * keys * embed)


def encoder_layer(batch: int, length: int, embed: int, ffn: int) -> int:
    return attention(batch, length, length, embed) + 2 * batch * length * embed * ffn


def lstm_layers(steps: int, sizes: list[int], hidden: int, gates: int, dirs: int = 1) -> int:
    """Each layer and direction: gates x hidden x (its input + hidden) per step."""
    return steps * dirs * sum(gates * hidden * (width + hidden) for width in sizes)


ENCODER = 2 * encoder_layer(1, 16, 64, 128)  # the issue's 1,114,112
LSTM = lstm_layers(16, [64, 128], 128, gates=4) + 128 * 10  # the issue's 3,671,296
GRU = lstm_layers(10 * 2, [32, 2 * 24], 24, gates=3, dirs=2)
VIT_TOKENS = (64 // 16) ** 2 + 1
SMALL_VIT = (48 * 4 * 4 * 3 * 16 * 16 + 2 * encoder_layer(1, VIT_TOKENS, 48, 96) + 48 * 10)
DECODER = attention(3, 6, 6, 32) + attention(3, 6, 9, 32, kdim=16, vdim=24)
SDPA = 2 * (2 * 4) * 12 * 12 * 8  # QK^T and AV for batch 2 x 4 heads, 12 tokens, 8 per head
CUSTOM = 2 * 12 * 32 * 96 + SDPA + 2 * 12 * 32 * 32
CONVS = (2 * 16 * 50 * 8 * 5  # Conv1d: output elements x C_in x kernel
         + 2 * 16 * 12 * 12 * 9  # depthwise 3x3: one input channel per output
         + 2 * 16 * 12 * 12 * 4 * 16  # transposed 4x4: input elements x C_out x kernel
         + 6 * 3 * 4 * 5 * 3 * 27)  # Conv3d 3x3x3 on 5x6x7 -> 3x4x5
TOKENS = 2 * 32 * 4  # the Embedding is a lookup; the Linear(32, 4) on 2 rows
TWO_INPUTS = 8 * 16 * 16 * 3 * 9 + 12 * 8
BILINEAR = 3 * 4 * 5 * (6 + 1)  # (x1 W) then (. x2): out x in2 x (in1 + 1) per row

CASES = {
    "encoder": (("--input", "1,16,64"), ENCODER),
    "LSTMClassifier": (("--input", "1,16,64"), LSTM),
    "gru": (("--input", "10,2,32"), GRU),
    "SmallViT": (("--input", "1,3,64,64"), SMALL_VIT),
    "Decoder": (("--input", "6,3,32", "--input", "9,3,16", "--input", "9,3,24"), DECODER),
    "CustomAttention": (("--input", "2,12,32"), CUSTOM),
    "BareMatmul": (("--input", "5,20"), 5 * 20 * 7),
    "convs": (("--input", "2,8,50", "--input", "2,16,12,12", "--input", "1,3,5,6,7"), CONVS),
    "TokenModel": (("--input", "2,7:int64"), TOKENS),
    "TwoInputs": (("--input", "1,3,16,16", "--input", "1,12"), TWO_INPUTS),
    "bilinear": (("--input", "3,6", "--input", "3,5"), BILINEAR),
}


def check(target: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["check", f"{MODELS}:{target}", *args, "--format", "json"],
                              prog_name="bottlecalc")


def budget(result: Result) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(result.stdout)["budgets"][0]
    return found


def test_the_issues_figures() -> None:
    assert (ENCODER, LSTM) == (1_114_112, 3_671_296)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_budget_at_the_count_passes_and_one_mac_under_fails(name: str) -> None:
    args, macs = CASES[name]
    at = check(name, *args, "--max-macs", str(macs), "--max-flops", str(2 * macs))
    assert at.exit_code == 0, at.output
    found = budget(at)["measured"]
    assert found["macs"] == macs
    assert found["macs_routes"]["torch"] == macs
    assert found["flops_torch"] == 2 * macs
    under = check(name, *args, "--max-macs", str(macs - 1))
    assert under.exit_code == 1, under.output


def model_and_inputs(name: str, device: str) -> tuple[torch.nn.Module, tuple[torch.Tensor, ...]]:
    args, _ = CASES[name]
    shapes = [a for a in args if a != "--input"]
    inputs = tuple(torch.zeros([int(d) for d in s.split(":")[0].split(",")], device=device,
                               dtype=torch.int64 if s.endswith("int64") else torch.float32)
                   for s in shapes)
    with torch.device(device):
        return fixture_model(name), inputs


@pytest.mark.parametrize("name", ["encoder", "LSTMClassifier", "gru", "SmallViT", "Decoder",
                                  "CustomAttention", "bilinear"])
def test_the_count_does_not_depend_on_the_kernel_torch_picks(name: str) -> None:
    """Meta (math path) and CPU (fused attention, oneDNN RNN, flash attention), grad on and off:
    FlopCounterMode with bottlecalc's formulas for the fused kernels gives one number."""
    seen = set()
    for device in ("meta", "cpu"):
        for grad in (False, True):
            model, inputs = model_and_inputs(name, device)
            with torch.set_grad_enabled(grad), \
                    FlopCounterMode(display=False, custom_mapping=custom_mapping()) as counter:
                model(*inputs)
            seen.add(counter.get_total_flops())
    assert seen == {2 * CASES[name][1]}


def test_without_the_fused_formulas_the_cpu_would_miss_the_attention() -> None:
    """Why the formulas are there: plain FlopCounterMode on the CPU, no grad, counts the
    encoder's fast path as nothing and the LSTM's oneDNN kernel as nothing."""
    for name, missed in (("encoder", ENCODER), ("LSTMClassifier", LSTM - 1280)):
        model, inputs = model_and_inputs(name, "cpu")
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(*inputs)
        assert counter.get_total_flops() == 2 * (CASES[name][1] - missed)


def test_fvcore_is_reconciled_op_by_op_on_the_encoder() -> None:
    found = budget(check("encoder", "--input", "1,16,64", "--max-macs", "2M"))
    rows = {r["op"]: r for r in found["reconcile"] if r["engine"] == "fvcore"}
    qk_av = 2 * 2 * 16 * 16 * 64  # two layers of QK^T and AV: fvcore has no SDPA handle
    layer_norm = 4 * 16 * 64 * 5  # four LayerNorms of 16 x 64, 5 per element
    assert rows["aten::scaled_dot_product_attention"]["macs"] == -qk_av
    assert rows["aten::scaled_dot_product_attention"]["count"] == 2
    assert rows["aten::layer_norm"]["macs"] == layer_norm
    assert found["measured"]["macs_fvcore"] == ENCODER - qk_av + layer_norm
    assert rows["aten::add"]["macs"] == 0  # skipped, and carries no MACs
    assert sum(r["macs"] for r in rows.values()) == found["measured"]["macs_fvcore"] - ENCODER
    assert found["warnings"] == []


def test_fvcore_misses_the_whole_lstm_and_says_so() -> None:
    found = budget(check("LSTMClassifier", "--input", "1,16,64", "--max-macs", "4M"))
    (row,) = [r for r in found["reconcile"] if r["macs"]]
    assert (row["op"], row["macs"], row["modules"]) == ("aten::lstm", -(LSTM - 1280), ["lstm"])
    assert found["measured"]["macs_routes"] == {"torch": LSTM, "ops": LSTM, "modules": LSTM,
                                                "fvcore": 1280}


def test_a_preset_reconciles_batchnorm_and_pooling() -> None:
    result = CliRunner().invoke(cli, ["check", "resnet18", "--input", "1,3,64,64",
                                      "--max-macs", "1G", "--format", "json"])
    rows = {r["op"]: r["macs"] for r in budget(result)["reconcile"]}
    # resnet18 at 64x64: BN outputs per stage (stem 64x32x32, then 16, 8, 4, 2 per side)
    bn_elements = 64 * 32 * 32 + 4 * 64 * 16 * 16 + 5 * 128 * 8 * 8 + 5 * 256 * 4 * 4 \
        + 5 * 512 * 2 * 2
    assert rows["aten::batch_norm"] == 2 * bn_elements
    assert rows["aten::adaptive_avg_pool2d"] == 512 * 2 * 2
    assert rows["aten::add"] == rows["aten::max_pool2d"] == 0


def test_work_outside_known_modules_is_named_with_its_macs() -> None:
    found = budget(check("CustomAttention", "--input", "2,12,32", "--max-macs", "1M"))
    (row,) = [r for r in found["reconcile"] if r["engine"] == "modules"]
    assert (row["op"], row["macs"], row["modules"]) == ("SDPA", -SDPA, ["attn"])
    assert found["measured"]["macs_routes"]["modules"] == CUSTOM - SDPA
    assert found["status"] == "pass" and found["warnings"] == []
    bare = budget(check("BareMatmul", "--input", "5,20", "--max-macs", "1k"))
    assert [(r["op"], r["macs"]) for r in bare["reconcile"] if r["engine"] == "modules"] == [
        ("BareMatmul", -700)]


def test_keyword_and_tuple_inputs_from_a_callable() -> None:
    by_keyword = budget(check("TwoInputs", "--inputs", f"{MODELS}:two_inputs_kwargs",
                              "--max-macs", "1M"))
    assert by_keyword["measured"]["macs"] == 2 * TWO_INPUTS  # batch 2
    assert [i["name"] for i in by_keyword["inputs"]] == ["image", "features", "scale"]
    by_position = budget(check("TwoInputs", "--inputs", f"{MODELS}:two_inputs_tuple",
                               "--max-macs", "1M"))
    assert by_position["measured"]["macs"] == TWO_INPUTS
    assert by_position["input"] == [1, 3, 16, 16]


def test_integer_inputs_carry_their_dtype() -> None:
    found = budget(check("TokenModel", "--input", "2,7:int64", "--max-macs", "1k"))
    assert found["inputs"] == [{"name": "0", "shape": [2, 7], "dtype": "int64"}]
    assert found["measured"]["params"] == 1000 * 32 + 32 * 4 + 4


def test_a_model_with_a_tensor_attribute_is_counted_by_every_route() -> None:
    found = budget(check("PositionTable", "--input", "1,16,64", "--max-macs", "1M"))
    assert found["status"] == "pass"
    assert found["measured"]["macs"] == found["measured"]["macs_fvcore"] == 16 * 64 * 64
    assert any("outside its parameters and buffers" in n for n in found["notes"])


def test_a_data_dependent_forward_is_flagged() -> None:
    found = budget(check("DataDependent", "--input", "1,64", "--max-macs", "10"))
    assert found["measured"]["macs"] == 0  # zeros take the branch without the Linear
    (warning,) = found["warnings"]
    assert "depends on input values" in warning and f"{64 * 64:,} MACs" in warning


def test_parameters_the_forward_never_uses_are_reported() -> None:
    found = budget(check("WithAux", "--input", "1,32", "--max-params", "10k"))
    aux = (32 * 100 + 100) + (100 * 10 + 10) + (32 * 10 + 10)
    assert found["measured"]["params"] == 32 * 32 + 32 + aux  # max-params counts them all
    assert found["measured"]["params_unused"] == aux
    assert found["measured"]["unused_modules"] == ["aux1", "aux2"]


def test_the_users_prints_never_reach_stdout() -> None:
    for target in ("printing", "ForwardPrints"):
        result = check(target, "--input", "1,4", "--max-macs", "8")
        assert result.exit_code == 0, result.output
        assert budget(result)["measured"]["macs"] == 8  # stdout is JSON and nothing else
        assert "building the model..." in result.stderr or "forward called" in result.stderr


def test_sys_exit_in_the_users_code_is_one_error_line() -> None:
    result = check("exiting", "--input", "1,4", "--max-macs", "8")
    assert result.exit_code == 3
    assert "called sys.exit(5)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_budget_file_takes_input_lists_and_input_callables(tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(f"""
[tool.bottlecalc.budgets.tokens]
target = "{MODELS}:TokenModel"
input = ["2,7:int64"]
max-macs = {TOKENS}

[tool.bottlecalc.budgets.fused]
target = "{MODELS}:TwoInputs"
inputs = "{MODELS}:two_inputs_tuple"
max-macs = {TWO_INPUTS - 1}
""", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--format", "json"])
    assert result.exit_code == 1
    statuses = {b["name"]: b["status"] for b in json.loads(result.stdout)["budgets"]}
    assert statuses == {"tokens": "pass", "fused": "fail"}


def resnet18_macs(size: int) -> int:
    """conv + fc MACs of torchvision's resnet18 at size x size, stage by stage."""
    s = size // 4  # the 7x7/2 stem, then the max-pool
    macs = 7 * 7 * 3 * 64 * (size // 2) ** 2 + 4 * 9 * 64 * 64 * s * s
    for cin in (64, 128, 256):
        cout, s = 2 * cin, s // 2
        macs += (9 * cin * cout + 3 * 9 * cout * cout + cin * cout) * s * s
    return macs + 512 * 1000


def test_a_huge_input_is_counted_on_meta_under_a_gigabyte() -> None:
    code = ("import resource, sys\nfrom bottlecalc.cli import main\n"
            "sys.argv = ['bottlecalc', 'check', 'resnet18', '--input', '1,3,8192,8192', "
            "'--max-macs', '10000G', '--format', 'json']\n"
            "try:\n    main()\nfinally:\n"
            "    print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)["budgets"][0]
    assert found["measured"]["macs"] == resnet18_macs(8192)
    assert found["measured"]["macs_fvcore"] is None
    assert any("fvcore not run" in n for n in found["notes"])
    peak_kib = int(proc.stderr.rsplit("PEAK", 1)[1].split()[0])
    assert peak_kib < 1024 * 1024


def test_a_vit_b16_built_from_torch_nn_has_torchvisions_published_count() -> None:
    """torchvision's vit_b_16 card: 17.56 GFLOPS (multiply-accumulates), 86.57 M params."""
    patches = (224 // 16) ** 2
    expected = (patches * 768 * 3 * 16 * 16 + 12 * encoder_layer(1, patches + 1, 768, 3072)
                + 768 * 1000)
    with torch.device("meta"):
        model = fixture_model("vit_b16")
    flops = flop_counter_total(model, (torch.zeros(1, 3, 224, 224, device="meta"),))
    assert flops == 2 * expected
    assert round(expected / 1e9, 2) == 17.56
    assert round(sum(p.numel() for p in model.parameters()) / 1e6, 2) == 86.57


def fixture_model(name: str) -> torch.nn.Module:
    sys.path.insert(0, str(FIXTURES))
    try:
        import models
    finally:
        sys.path.remove(str(FIXTURES))
    return getattr(models, name)().eval()  # type: ignore[no-any-return]
