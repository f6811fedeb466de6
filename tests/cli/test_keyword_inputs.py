"""``--input NAME=SHAPE[:DTYPE]`` (keyword inputs), ``--fvcore/--no-fvcore``, and the one-line
refusals around inputs: a name the forward does not take, an empty dtype, a dtype the
weights refuse, a fallback to the CPU that would not fit.

Models: tests/fixtures/user_inputs.py. ``Masked`` (embedding, then Linear(8, 8) ``fc``, and
``extra`` only when the mask attends some token) on zeros: n tokens x 8 x 8 MACs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures"
MODELS = f"{FIXTURES / 'user_inputs.py'}"
MASKED = f"{MODELS}:masked"
TOKENS = 16
MASKED_MACS = TOKENS * 8 * 8  # fc on the zero mask's tokens; extra does not run
IDS = f"input_ids=1,{TOKENS}:int64"
MASK = f"attention_mask=1,{TOKENS}:int64"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def network_json(*args: str) -> dict[str, Any]:
    result = invoke("network", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    entry: dict[str, Any] = json.loads(result.stdout)["networks"][0]
    return entry


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize("first", [IDS, f"1,{TOKENS}:int64"], ids=["keyword", "positional"])
def test_keyword_inputs_on_the_command_line(first: str) -> None:
    entry = network_json(MASKED, "--input", first, "--input", MASK)
    assert entry["macs"]["complete"] == MASKED_MACS
    names = [t["name"] for t in entry["inputs"]]
    assert names == ["input_ids" if first == IDS else "0", "attention_mask"]
    assert entry["inputs"][1] == {"name": "attention_mask", "shape": [1, TOKENS],
                                  "dtype": "int64"}
    assert entry["flops"]["torch_device"] == "meta"  # the mask's .item() answered there


def test_check_holds_a_budget_with_keyword_inputs() -> None:
    at = invoke("check", MASKED, "--input", IDS, "--input", MASK,
                "--max-macs", str(MASKED_MACS))
    assert at.exit_code == 0, at.output
    under = invoke("check", MASKED, "--input", IDS, "--input", MASK,
                   "--max-macs", str(MASKED_MACS - 1))
    assert under.exit_code == 1, under.output


def test_a_name_the_forward_does_not_take_names_its_signature() -> None:
    line = one_line_error(invoke("network", MASKED, "--input", IDS, "--input",
                                 f"mask=1,{TOKENS}:int64"))
    assert "keyword input 'mask' is not a parameter of Masked.forward(input_ids" in line
    assert "attention_mask" in line


def test_a_forward_taking_any_keywords_takes_any_name() -> None:
    entry = network_json(f"{MODELS}:any_keywords", "--input", "2,16",
                         "--input", "whatever=2,3")
    assert entry["macs"]["complete"] == 2 * 16 * 4


@pytest.mark.parametrize(("given", "message"), [
    ("1,3,16,16:", "--input: nothing after ':' in '1,3,16,16:'"),
    ("2x=1,16", "--input: '2x' is not a keyword argument name"),
    ("input_ids=", "--input: no shape after '='"),
    ("=1,16", "--input: '' is not a keyword argument name"),
])
@pytest.mark.parametrize("command", ["check", "network"])
def test_malformed_inputs_are_refused(command: str, given: str, message: str) -> None:
    limit = ("--max-macs", "1G") if command == "check" else ()
    line = one_line_error(invoke(command, MASKED, *limit, "--input", given))
    assert message in line


def test_a_keyword_given_twice_is_refused() -> None:
    line = one_line_error(invoke("network", MASKED, "--input", MASK, "--input", MASK))
    assert "keyword input 'attention_mask' given more than once" in line


def test_budgets_in_a_file_take_keyword_inputs(tmp_path: Path) -> None:
    config = tmp_path / "budgets.toml"
    config.write_text(
        "[tool.bottlecalc.budgets.masked]\n"
        f"target = {MASKED!r}\n"
        f"input = [{IDS!r}, {MASK!r}]\n"
        f"max-macs = {MASKED_MACS}\n"
        "[tool.bottlecalc.budgets.masked-over]\n"
        f"target = {MASKED!r}\n"
        f"input = [{IDS!r}, {MASK!r}]\n"
        f"max-macs = {MASKED_MACS - 1}\n")
    result = invoke("check", "--config", str(config), "--format", "json")
    assert result.exit_code == 1, result.output
    budgets = json.loads(result.stdout)["budgets"]
    assert [b["status"] for b in budgets] == ["pass", "fail"]
    assert [t["name"] for t in budgets[0]["inputs"]] == ["input_ids", "attention_mask"]


def test_a_preset_takes_no_keyword_input(tmp_path: Path) -> None:
    config = tmp_path / "budgets.toml"
    config.write_text('[tool.bottlecalc.budgets.r]\ntarget = "resnet18"\n'
                      'input = "x=1,3,224,224"\nmax-params = "12M"\n')
    line = one_line_error(invoke("check", "--config", str(config)))
    assert "must be one N,3,H,W float32 shape, got x=1x3x224x224" in line


@pytest.mark.parametrize(("factory", "given", "want"), [
    ("half_linear", "2,16", "float16"), ("half_linear", "2,16:float64", "float16"),
    ("linear", "2,16:float64", "float32")])
def test_an_input_in_a_dtype_the_weights_refuse_is_refused(factory: str, given: str,
                                                           want: str) -> None:
    line = one_line_error(invoke("check", f"{MODELS}:{factory}", "--input", given,
                                 "--max-macs", "1G"))
    assert f"give the input as {want} (--input 2,16:{want})" in line


def test_no_fvcore_on_check_and_network() -> None:
    result = invoke("check", MASKED, "--input", IDS, "--max-macs", "1G", "--no-fvcore",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    measured = json.loads(result.stdout)["budgets"][0]["measured"]
    assert measured["macs_routes"]["fvcore"] is None and measured["macs"] == MASKED_MACS
    entry = network_json(MASKED, "--input", IDS, "--no-fvcore")
    assert entry["macs"]["fvcore"] is None
    assert network_json(MASKED, "--input", IDS)["macs"]["fvcore"] == MASKED_MACS


@pytest.mark.parametrize("command", [("network", "resnet18"),
                                     ("compare", "--in", "64", "--mid", "64")])
def test_no_fvcore_on_presets_and_blocks(command: tuple[str, ...]) -> None:
    result = invoke(*command, "--no-fvcore", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    entries = document.get("networks") or document["blocks"]
    assert [entry["macs"]["fvcore"] for entry in entries] == [None] * len(entries)
    line = one_line_error(invoke(*command, "--no-fvcore", "--no-measure"))
    assert "--no-fvcore applies only when measuring; drop --no-measure" in line


def test_a_cpu_fallback_that_would_not_fit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bottlecalc.measure.timing.available_bytes", lambda device: 1000)
    line = one_line_error(invoke("network", f"{MODELS}:weight_reader", "--input",
                                 "1,2:int64"))
    assert "cannot run on the meta device (" in line
    assert "GiB are free: make its forward run on meta" in line


@pytest.mark.parametrize("factory", ["decoder", "weight_reader"], ids=["meta", "cpu"])
def test_an_inputs_callable_with_a_cache(factory: str) -> None:
    """Counted on copies of the cache (on the CPU twice: the example and the random probe,
    each on a fresh 127-token copy): QK^T and AV over 129 keys, no false warning."""
    entry = network_json(f"{MODELS}:{factory}", "--inputs", f"{MODELS}:cached_batch")
    assert entry["macs"]["complete"] == 3 * 2 * 8 * 8 + 2 * 2 * 8 * (127 + 2)
    assert entry["inputs"] == [
        {"name": "input_ids", "shape": [1, 2], "dtype": "int64"},
        {"name": "cache.layers[0].keys", "shape": [1, 127, 8], "dtype": "float32"},
        {"name": "cache.layers[0].values", "shape": [1, 127, 8], "dtype": "float32"}]
    assert not any("depends on input values" in w for w in entry["warnings"])
    assert any("holds an object of type Cache" in n for n in entry["notes"])
