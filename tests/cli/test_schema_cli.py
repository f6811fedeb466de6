"""``bottlecalc schema``, docs/json.md's validation recipes, and generated documents: every
JSON document the commands write for hypothesis-drawn options validates against its schema."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import bottlecalc
from bottlecalc.cli import cli
from bottlecalc.report.jsondoc import SCHEMA_VERSIONS, schema_file

SCHEMAS = Path(bottlecalc.__file__).parent / "schemas"
TESTS = Path(__file__).parent.parent
DOCS = TESTS.parent / "docs" / "json.md"
SMALL_CNN = TESTS / "fixtures" / "small_cnn.py"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_file(name)).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(doc: dict[str, Any]) -> list[str]:
    found = validator(doc["schema"].removeprefix("bottlecalc.")).iter_errors(doc)
    return [f"{list(e.absolute_path)}: {e.message}" for e in found]


@pytest.mark.parametrize("name", sorted(SCHEMA_VERSIONS))
def test_prints_the_shipped_schema_file(name: str) -> None:
    result = invoke("schema", name)
    assert result.exit_code == 0
    assert result.stdout == (SCHEMAS / schema_file(name)).read_text(encoding="utf-8")
    assert invoke("schema", f"bottlecalc.{name}").stdout == result.stdout


def test_writes_the_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "check.schema.json"
    result = invoke("schema", "check", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["properties"]["schema"] == {"const": "bottlecalc.check"}


@pytest.mark.parametrize("args", [("schema", "nope"), ("schema", "bottlecalc.nope"), ("schema",),
                                  ("schema", "diagram")])
def test_unknown_or_missing_name_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    proc = subprocess.run([sys.executable, "-m", "bottlecalc", *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith("bottlecalc schema: error: ")
    assert "check" in line and "sweep" in line


def test_help_lists_the_names_and_an_example() -> None:
    result = invoke("schema", "--help")
    assert result.exit_code == 0
    assert "check, compare, network and sweep" in result.stdout
    assert "bottlecalc schema network -o network.schema.json" in result.stdout
    assert "check-jsonschema --schemafile" in result.stdout


def fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)


def test_docs_ci_recipe_validates_what_it_writes(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    [recipe] = [block for block in fenced("bash") if "check-jsonschema" in block]
    *commands, validate = recipe.strip().splitlines()
    for line in commands:
        assert invoke(*line.split()[1:]).exit_code == 0, line
    _, _, schema_path, doc_path = validate.split()
    assert validate.startswith("check-jsonschema --schemafile ")
    checker = shutil.which("check-jsonschema")
    if checker is not None:  # the tool itself where it is installed; else the same check
        subprocess.run([checker, "--schemafile", schema_path, doc_path], check=True, timeout=120)
    schema = json.loads(Path(schema_path).read_text())
    Draft202012Validator(schema).validate(json.loads(Path(doc_path).read_text()))


def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``bottlecalc`` command on PATH that runs this interpreter's bottlecalc (the venv's
    bin/ need not be on PATH, nor the package installed)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "bottlecalc"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bottlecalc "$@"\n')
    command.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def test_docs_python_recipe_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path(tmp_path, monkeypatch)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.bottlecalc.budgets.net]\ntarget = "resnet18"\nmax-params = "12M"\n')
    monkeypatch.chdir(tmp_path)
    [recipe] = [block for block in fenced("python") if "Draft202012Validator" in block]
    scope: dict[str, Any] = {}
    exec(compile(recipe, "docs/json.md", "exec"), scope)
    assert scope["doc"]["summary"]["pass"] == 1


def test_an_added_key_makes_a_real_document_invalid() -> None:
    doc = json.loads(invoke("sweep", "--in", "64", "--mid", "16,32", "--format", "json").stdout)
    assert errors(doc) == []
    doc["points"][1]["basic"]["bias"] = 0
    assert errors(doc) == ["['points', 1, 'basic']: Additional properties are not allowed "
                           "('bias' was unexpected)"]


# Properties: any valid options give a valid document, measured or not.


@st.composite
def block_args(draw: st.DrawFn) -> list[str]:
    groups = draw(st.sampled_from([1, 2, 4]))
    mid = groups * draw(st.integers(1, 8))
    stride = draw(st.integers(1, 2))  # --stride-on is refused with --stride 1 (exit 2)
    stride_on = ["--stride-on", draw(st.sampled_from(["3x3", "1x1"]))] if stride == 2 else []
    return ["--in", str(draw(st.integers(1, 48))), "--mid", str(mid),
            "--groups", str(groups), "--stride", str(stride), *stride_on,
            "--size", str(draw(st.integers(1, 12))), "--batch", str(draw(st.integers(1, 2))),
            draw(st.sampled_from(["--bn", "--no-bn"])),
            draw(st.sampled_from(["--bias", "--no-bias"]))]


def valid_json(args: list[str]) -> dict[str, Any]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    assert errors(doc) == []
    return doc


PROPERTY = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(block_args(), st.sampled_from([[], ["--cross-check"], ["--no-measure"]]),
       st.sampled_from([[], ["--pass", "train"]]))
def test_every_compare_document_is_valid(args: list[str], routes: list[str],
                                         train: list[str]) -> None:
    doc = valid_json(["compare", *args, *routes, *train])
    assert doc["measured"] is ("--no-measure" not in routes)
    assert all(("train" in block["flops"]) is bool(train) for block in doc["blocks"])


@PROPERTY
@given(st.sampled_from(["basic", "bottleneck"]), st.lists(st.integers(1, 2), min_size=1,
                                                          max_size=4),
       st.sampled_from(["network", "stage", "block", "layer"]),
       st.sampled_from(["float32", "float16", "bfloat16"]), st.sampled_from(["v1.5", "v1"]),
       st.integers(1, 40), st.booleans())
def test_every_network_document_is_valid(block: str, layers: list[int], depth: str, dtype: str,
                                         variant: str, size: int, measure: bool) -> None:
    args = ["network", "custom", "--block", block, "--layers", ",".join(map(str, layers)),
            "--width", "8", "--depth", depth, "--dtype", dtype, "--variant", variant,
            "--size", str(size), "--num-classes", "3"]
    doc = valid_json(args + ([] if measure else ["--no-measure"]))
    assert ("breakdown" in doc["networks"][0]) is (depth in ("block", "layer"))


@PROPERTY
@given(st.sampled_from(["--in", "--mid", "--size"]),
       st.lists(st.integers(1, 64), min_size=1, max_size=4, unique=True),
       st.integers(1, 64), st.integers(1, 64), st.sampled_from([[], ["--out", "32"]]))
def test_every_sweep_document_is_valid(axis: str, values: list[int], c_in: int, mid: int,
                                       out: list[str]) -> None:
    options = {"--in": str(c_in), "--mid": str(mid), "--size": "8"}
    options[axis] = ",".join(map(str, [*values, 65]))  # at least two values: a series
    doc = valid_json(["sweep", *[x for pair in options.items() for x in pair], *out])
    assert doc["fixed"][axis.removeprefix("--")] is None


@PROPERTY
@given(block_args(), st.sampled_from(["--max-params", "--max-macs", "--max-flops",
                                      "--max-train-flops"]),
       st.integers(1, 10**9))
def test_every_check_document_is_valid(block: list[str], limit: str, value: int) -> None:
    doc = valid_json(["check", "--block", "bottleneck", *block, limit, str(value)])
    assert doc["budgets"][0]["status"] in ("pass", "fail")


@PROPERTY
@given(st.sampled_from(["build", "Net"]), st.sampled_from([[], ["--pass", "train"]]),
       st.integers(1, 3), st.sampled_from(["macs", "params", "name"]),
       st.sampled_from([[], ["--top", "2"]]), st.sampled_from([[], ["--conventions"]]))
@example("build", [], 2, "macs", [], ["--conventions"])
@example("build", ["--pass", "train"], 2, "macs", [], ["--conventions"])
def test_every_model_document_is_valid(target: str, train: list[str], depth: int, sort: str,
                                       top: list[str], conventions: list[str]) -> None:
    doc = valid_json(["network", f"{SMALL_CNN}:{target}", "--input", "1,3,32,32",
                      "--depth", str(depth), "--sort", sort, *top, *train, *conventions])
    [entry] = doc["networks"]
    assert (doc["depth"], entry["kind"]) == (depth, "model")
    assert ("train" in entry["flops"]) is bool(train)


def test_check_documents_with_a_baseline_are_valid(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)  # budget files and model paths are relative to tests/
    budgets = ["check", "--config", "fixtures/budgets.toml"]
    doc = valid_json([*budgets, "--baseline", "fixtures/baseline.json"])
    assert doc["baseline"] == "fixtures/baseline.json"
    assert all(budget["baseline"] is not None for budget in doc["budgets"])
    assert any(budget["changes"] for budget in doc["budgets"])
    # An earlier run of this bottlecalc as the baseline, a training step counted by both.
    earlier = tmp_path / "main.json"
    result = invoke(*budgets, "--pass", "train", "--format", "json", "-o", str(earlier))
    assert result.exit_code == 1, result.output
    doc = valid_json([*budgets, "--pass", "train", "--baseline", str(earlier)])
    assert all("train-flops" in budget["baseline"]["totals"] for budget in doc["budgets"])


@pytest.mark.usefixtures("short_timing")
def test_a_timed_compare_document_is_valid() -> None:
    doc = valid_json(["compare", "--in", "16", "--mid", "8", "--size", "8", "--time",
                      "--threads", "1"])
    assert "machine" in doc
    assert all("time" in layer for block in doc["blocks"] for layer in block["layers"])


@pytest.mark.usefixtures("short_timing")
@pytest.mark.parametrize("options", [["--depth", "2", "--top", "3"], ["--pass", "train"]])
def test_a_timed_model_document_is_valid(options: list[str]) -> None:
    doc = valid_json(["network", f"{SMALL_CNN}:Net", "--input", "1,3,32,32", *options,
                      "--time", "--threads", "1", "--dtype", "bfloat16"])
    assert doc["speedup"] is None and doc["machine"]["dtype"] == "bfloat16"
    [entry] = doc["networks"]
    assert all("time" in row and "roofline" in row for row in (entry, *entry["breakdown"]))


@pytest.mark.usefixtures("short_timing")
def test_a_models_time_keys_appear_with_time_only_and_then_everywhere() -> None:
    args = ["network", f"{SMALL_CNN}:Net", "--input", "1,3,32,32", "--format", "json"]
    timed = json.loads(invoke(*args, "--time", "--threads", "1").stdout)
    untimed = json.loads(invoke(*args).stdout)
    [entry], [plain] = timed["networks"], untimed["networks"]
    assert errors({**timed, "speedup": 1.5}) != []  # one model: no speedup
    without_machine = {k: v for k, v in timed.items() if k not in ("machine", "speedup")}
    assert errors(without_machine) != []  # times without the machine that made them
    row = {k: v for k, v in entry["breakdown"][0].items() if k != "time"}
    assert errors({**timed, "networks": [{**entry, "breakdown": [row]}]}) != []
    assert errors({**untimed, "networks": [{**plain, "time": entry["time"],
                                            "roofline": entry["roofline"]}]}) != []
    assert errors({**untimed, "machine": timed["machine"], "speedup": None}) != []
