"""``check --max-decode-macs N --max-kv-bytes N --context N`` and the budget-file keys
(issue 18.2). The expected figures are the hand formulas of tests/torch/test_sequence.py,
for the decoders of tests/fixtures/decoders.py: a decoding step is the linear layers once
per token plus one query against N cached keys and its own, per layer; the cache holds keys
and values, 2 x layers x kv_heads x head_dim x N elements of 4 bytes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from bottlecalc.cli import cli
from bottlecalc.report.jsondoc import schema_text

FIXTURE = Path(__file__).parent.parent / "fixtures" / "decoders.py"
LLAMA = f"{FIXTURE}:llama_small"
LAYERS, D, HEADS, KV, FFN, VOCAB = 2, 64, 8, 2, 176, 1000  # llama_small
CONTEXT = 100


def decode_macs(context: int) -> int:
    hd = D // HEADS
    linear = LAYERS * (2 * D * D + 2 * D * KV * hd + 3 * D * FFN) + D * VOCAB
    return linear + LAYERS * 2 * D * (context + 1)


def kv_bytes(context: int) -> int:
    return 2 * LAYERS * KV * (D // HEADS) * context * 4


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args], env={"COLUMNS": "200"})


def decode_args(macs: int, kv: int, *extra: str) -> list[str]:
    return [LLAMA, "--input", "input_ids=1,8:int64", "--max-decode-macs", str(macs),
            "--max-kv-bytes", str(kv), "--context", str(CONTEXT), *extra]


def document(result: Result) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(result.stdout)
    Draft202012Validator(json.loads(schema_text("check"))).validate(doc)
    return doc


def test_the_limits_hold_the_hand_formulas_exactly() -> None:
    macs, kv = decode_macs(CONTEXT), kv_bytes(CONTEXT)
    assert (macs, kv) == (177_920, 25_600)
    ok = run(*decode_args(macs, kv, "--format", "json"))
    assert ok.exit_code == 0, ok.output
    budget = document(ok)["budgets"][0]
    measured = budget["measured"]
    assert (measured["decode_context"], measured["decode_macs"], measured["kv_bytes"]) == (
        CONTEXT, macs, kv)
    assert [(c["option"], c["actual"], c["status"]) for c in budget["checks"]] == [
        ("max-decode-macs", macs, "pass"), ("max-kv-bytes", kv, "pass")]


@pytest.mark.parametrize("over", ["macs", "kv"])
def test_one_over_the_limit_fails_with_exit_1(over: str) -> None:
    macs, kv = decode_macs(CONTEXT), kv_bytes(CONTEXT)
    result = run(*decode_args(macs - (over == "macs"), kv - (over == "kv"),
                              "--format", "json"))
    assert result.exit_code == 1, result.output
    failed = [c["option"] for c in document(result)["budgets"][0]["checks"]
              if c["status"] == "fail"]
    assert failed == ["max-decode-macs" if over == "macs" else "max-kv-bytes"]


def test_every_format_names_the_limits() -> None:
    macs, kv = decode_macs(CONTEXT), kv_bytes(CONTEXT)
    table = run(*decode_args(macs - 1, kv, "--format", "table"))
    assert "decode MACs (1 token)" in table.stdout and "KV-cache bytes" in table.stdout
    assert f"a decoding step at context {CONTEXT}: {macs:,} MACs, KV cache {kv:,} bytes" \
        in table.stdout.replace("\n  ", " ")
    github = run(*decode_args(macs - 1, kv, "--format", "github"))
    assert "max-decode-macs" in github.stdout and github.exit_code == 1
    markdown = run(*decode_args(macs - 1, kv, "--format", "markdown"))
    assert "`max-decode-macs`" in markdown.stdout and "`max-kv-bytes`" in markdown.stdout
    junit = ET.fromstring(run(*decode_args(macs - 1, kv, "--format", "junit")).stdout)
    cases = {c.get("name"): c.find("failure") is not None for c in junit.iter("testcase")}
    assert cases == {"max-decode-macs": True, "max-kv-bytes": False}


def test_a_budget_file_takes_context_and_the_two_limits(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    context = 37
    (tmp_path / "pyproject.toml").write_text(
        "[tool.bottlecalc.budgets.chat]\n"
        f'target = "{FIXTURE}:llama_small"\ninput = "input_ids=1,8:int64"\n'
        f"max-decode-macs = {decode_macs(context)}\nmax-kv-bytes = {kv_bytes(context) - 1}\n"
        f"context = {context}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("--format", "json")
    assert result.exit_code == 1, result.output
    checks = document(result)["budgets"][0]["checks"]
    assert [(c["actual"], c["status"]) for c in checks] == [
        (decode_macs(context), "pass"), (kv_bytes(context), "fail")]


@pytest.mark.parametrize(("args", "message"), [
    ([LLAMA, "--max-decode-macs", "1G"], "need the context"),
    ([LLAMA, "--max-macs", "1G", "--context", "4"], "apply only with max-decode-macs"),
    (["resnet18", "--max-kv-bytes", "1G", "--context", "4"], "resnet18 is a preset"),
    (["--block", "basic", "--in", "64", "--max-decode-macs", "1G", "--context", "4"],
     "not to a --block"),
    ([LLAMA, "--max-kv-bytes", "1G", "--context", "0"], "--context"),
])
def test_bad_decode_budgets_are_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_budget_file_refuses_a_bad_context(tmp_path: Path) -> None:
    path = tmp_path / "budgets.toml"
    path.write_text("[tool.bottlecalc.budgets.chat]\n"
                    f'target = "{FIXTURE}:llama_small"\nmax-kv-bytes = "1G"\ncontext = "long"\n',
                    encoding="utf-8")
    result = run("--config", str(path))
    assert result.exit_code == 2
    assert "context must be a whole number >= 1, got a string" in result.stderr
