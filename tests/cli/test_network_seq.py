"""``network TARGET --seq/--phase/--context/--seq-dim`` from the command line: the figures are
the hand formulas of the small GPT-2-shaped decoder (tests/fixtures/decoders.py), the JSON is
valid against its schema, and misuse is one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from bottlecalc.cli import cli
from bottlecalc.report.jsondoc import schema_text

DECODERS = Path(__file__).parent.parent / "fixtures" / "decoders.py"
GPT2 = f"{DECODERS}:gpt2_small"
LAYERS, D, FFN, VOCAB = 2, 64, 256, 1000
LINEAR = LAYERS * (4 * D * D + 2 * D * FFN) + D * VOCAB  # per token, in weight products


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["network", *args], prog_name="bottlecalc")


def document(*args: str) -> dict[str, object]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    Draft202012Validator(json.loads(schema_text("scaling"))).validate(doc)
    return doc


def test_seq_gives_the_hand_polynomial_and_each_length() -> None:
    doc = document(GPT2, "--input", "1,8:int64", "--seq", "16,48,128,200")
    scaling = doc["scaling"]
    assert isinstance(scaling, dict)
    assert scaling["polynomial"]["dense"]["b"] == {"numerator": LINEAR, "denominator": 1}
    assert scaling["polynomial"]["dense"]["c"] == {"numerator": 2 * LAYERS * D,
                                                  "denominator": 1}
    assert scaling["polynomial"]["dense"]["verified_at"] == [200]
    assert [p["macs"] for p in scaling["points"]] == [
        LINEAR * t + 2 * LAYERS * D * t * t for t in (16, 48, 128, 200)]
    assert doc["decode"] is None
    assert doc["active"] is not None


def test_phase_decode_gives_the_step_and_the_kv_bytes() -> None:
    doc = document(GPT2, "--input", "2,8:int64", "--phase", "decode", "--context", "100")
    step = doc["decode"]
    assert isinstance(step, dict)
    assert step["batch"] == 2
    assert step["macs"] == 2 * (LINEAR + 2 * LAYERS * D * 101)
    assert step["kv_bytes"] == 2 * LAYERS * D * 100 * 2 * 4
    assert doc["scaling"] is None and doc["active"] is None


def test_phase_prefill_is_one_length() -> None:
    doc = document(GPT2, "--input", "1,8:int64", "--phase", "prefill", "--context", "64")
    scaling = doc["scaling"]
    assert isinstance(scaling, dict)
    assert [p["macs"] for p in scaling["points"]] == [LINEAR * 64 + 2 * LAYERS * D * 64 * 64]
    assert scaling["polynomial"]["dense"]["fitted"] is False


def test_csv_and_markdown_formats() -> None:
    result = run(GPT2, "--input", "1,8:int64", "--seq", "4,8", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [int(r["macs"]) for r in rows] == [LINEAR * t + 2 * LAYERS * D * t * t
                                              for t in (4, 8)]
    result = run(GPT2, "--input", "1,8:int64", "--seq", "4,8", "--format", "markdown")
    assert result.exit_code == 0
    assert f"| 8 | 8 | {LINEAR * 8 + 2 * LAYERS * D * 64:,} |" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("resnet18", "--seq", "128"), "--seq applies only to a model TARGET"),
    ((GPT2, "--input", "1,8:int64", "--phase", "decode"), "--phase and --context go together"),
    ((GPT2, "--input", "1,8:int64", "--context", "8"), "--phase and --context go together"),
    ((GPT2, "--input", "1,8:int64", "--seq-dim", "1"), "--seq-dim applies with --seq or"),
    ((GPT2, "--input", "1,8:int64", "--seq", "8", "--phase", "prefill", "--context", "8"),
     "--phase prefill counts one length"),
    ((GPT2, "--input", "1,8:int64", "--seq", "8", "--time"), "--time applies to a single"),
    ((GPT2, "--input", "1,8:int64", "--seq", "8", "--pass", "train"), "--pass applies to a"),
    ((GPT2, "--input", "1,8:int64", "--seq", "8", "--depth", "2"), "--depth applies to a"),
    ((GPT2, "--input", "1,8:int64", "--seq", "8,x"), "--seq takes sequence lengths"),
    ((GPT2, "--input", "1,8:int64", "--seq", "8,8"), "sequence lengths must differ"),
    ((GPT2, "--input", "1,8:int64", "--context", "0", "--phase", "decode"), "--context"),
])
def test_misuse_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


ENCODER = f"{DECODERS.parent / 'models.py'}:encoder"  # 2 layers, d 64, 4 heads, ffn 128


def test_an_input_with_no_known_name_needs_seq_dim() -> None:
    result = run(ENCODER, "--input", "1,16,64", "--seq", "4")
    assert result.exit_code == 2
    assert "give --seq-dim N" in result.output


def test_seq_dim_scales_an_encoder_by_its_hand_formula() -> None:
    doc = document(ENCODER, "--input", "1,16,64", "--seq", "8,16,32,64", "--seq-dim", "1")
    scaling = doc["scaling"]
    assert isinstance(scaling, dict)
    d, ffn, layers = 64, 128, 2  # per token: q, k, v, out projections and the feed-forward
    dense = scaling["polynomial"]["dense"]
    assert dense["verified"] is True
    assert dense["a"] == {"numerator": 0, "denominator": 1}
    assert dense["b"] == {"numerator": layers * (4 * d * d + 2 * d * ffn), "denominator": 1}
    assert dense["c"] == {"numerator": layers * 2 * d, "denominator": 1}
    assert scaling["polynomial"]["causal"] == dense  # not causal: nothing skipped


def test_a_decode_step_past_the_position_limit_is_an_error_not_zero() -> None:
    """The small GPT-2 has 512 positions: a step at context 512 is the 513th position, an
    empty slice of its position embeddings on meta; its count is refused, never 0."""
    result = run(GPT2, "--input", "1,8:int64", "--phase", "decode", "--context", "512")
    assert result.exit_code == 3
    assert "empty tensor" in result.stderr and result.stdout == ""


def test_a_narrow_terminal_puts_each_value_under_its_key() -> None:
    """At 40 columns the value column (from column 28) cannot hold '25,856 (13.74%)': each
    value goes on its own line under its key, at one indent, its words together (issue 16:
    they had wrapped at a hanging indent that matched no column)."""
    result = CliRunner().invoke(cli, ["network", GPT2, "--input", "1,8:int64", "--phase",
                                      "decode", "--context", "100"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("  context N")
    step, attention = LINEAR + 2 * LAYERS * D * 101, 2 * LAYERS * D * 101
    dense, causal = LINEAR * 100 + 2 * LAYERS * D * 100**2, LINEAR * 100 + 2 * LAYERS * D * 5050
    assert lines[start:start + 18] == [
        "  context N", "    100",
        "  batch (new tokens)", "    1",
        "  prefill MACs (dense)", f"    {dense:,}",
        "  prefill MACs (causal)", f"    {causal:,}",
        "  decode step MACs", f"    {step:,}",
        "  MACs per generated token", f"    {step:,}",
        "  attention MACs", f"    {attention:,} ({100 * attention / step:.2f}%)",
        "  KV cache bytes at N", f"    {2 * LAYERS * D * 100 * 4:,} in 4 tensors",
        "  KV bytes per token", f"    {2 * LAYERS * D * 4:,}"]
