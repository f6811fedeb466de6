"""``network TARGET --by kind``, collapsed siblings and the marks of tied and shared modules,
in every format; the counts are formulas written here (tests/fixtures/breakdown_models.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from bottlecalc.cli import cli
from bottlecalc.report.jsondoc import schema_file

TESTS = Path(__file__).parent.parent
SCHEMA = json.loads((TESTS.parent / "bottlecalc" / "schemas" / schema_file("network"))
                    .read_text(encoding="utf-8"))
TIED = ("fixtures/breakdown_models.py:TiedLM", "--input", "1,5:int64")
SHARED = ("fixtures/breakdown_models.py:SharedAct", "--input", "1,3,16,16")
TOKENS, DIM, VOCAB, LAYERS = 5, 8, 50, 12
PARAMS = VOCAB * DIM + LAYERS * (DIM * DIM + DIM) + 2 * DIM  # lm_head's weight is wte's
LINEAR_MACS = LAYERS * TOKENS * DIM * DIM + TOKENS * DIM * VOCAB
MACS = LINEAR_MACS
# kind: (instances, params, MACs); an instance with everything inside it
KINDS = {"Linear": (LAYERS + 1, LAYERS * (DIM * DIM + DIM), LINEAR_MACS),
         "ModuleList": (1, LAYERS * (DIM * DIM + DIM), LAYERS * TOKENS * DIM * DIM),
         "Embedding": (1, VOCAB * DIM, 0), "LayerNorm": (1, 2 * DIM, 0)}


@pytest.fixture(autouse=True)
def in_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)


def output(*args: str) -> str:
    result = CliRunner().invoke(cli, ["network", *args], prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    return result.stdout


def document(*args: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(output(*args, "--format", "json"))
    Draft202012Validator(SCHEMA).validate(doc)
    return doc


def test_by_kind_table_has_a_row_per_class_with_its_instances() -> None:
    lines = output(*TIED, "--by", "kind").splitlines()
    assert lines[0] == f"{TIED[0]}: input 1x5:int64; module kinds, by MACs"
    for kind, (instances, params, macs) in KINDS.items():
        (line,) = [x for x in lines if x.split()[:1] == [kind]]
        assert line.split()[1:3] == [str(instances), f"{params:,}"]
        assert line.split()[4] == f"{macs:,}"
    assert any(line.startswith("--by kind: a row per module class") for line in lines)


def test_by_kind_json_validates_and_keeps_the_module_rows() -> None:
    entry = document(*TIED, "--by", "kind")["networks"][0]
    kinds = {r["kind"]: (r["instances"], r["params"], r["macs"]) for r in entry["by_kind"]}
    assert kinds == KINDS
    linear = entry["by_kind"][0]
    assert linear["share"] == {"params": round(KINDS["Linear"][1] / PARAMS, 6), "macs": 1.0}
    assert sum(r["params"] for r in entry["breakdown"]) == PARAMS
    assert "by_kind" not in document(*TIED)["networks"][0]


def test_by_kind_csv_has_the_instances_column() -> None:
    rows = list(csv.DictReader(io.StringIO(output(*TIED, "--by", "kind", "--format", "csv"))))
    assert rows[0]["row"] == "total" and int(rows[0]["params"]) == PARAMS
    assert {r["row"]: (int(r["instances"]), int(r["params"]), int(r["macs"]))
            for r in rows[1:]} == KINDS


def test_by_kind_markdown_is_a_table_of_kinds() -> None:
    text = output(*TIED, "--by", "kind", "--format", "markdown")
    assert "| kind | instances | params | % params | MACs | % MACs | FLOPs | fvcore |" in text
    assert f"| Linear | {LAYERS + 1} | {KINDS['Linear'][1]:,} |" in text


def test_tied_parameters_are_marked_and_other_is_not_negative() -> None:
    lines = output(*TIED).splitlines()
    (head,) = [x for x in lines if x.startswith("  lm_head")]
    assert head.split()[:5] == ["lm_head", "(shared", "with", "wte)", "Linear"]
    assert head.split()[5] == "0"
    (other,) = [x for x in lines if x.split()[:1] == ["(other)"]]
    assert other.split()[1:3] == ["0", "0.0%"]
    entry = document(*TIED)["networks"][0]
    rows = {r["name"]: r for r in entry["breakdown"]}
    assert rows["lm_head"]["tied"] == ["wte"] and rows["wte"]["tied"] == ["lm_head"]
    assert "tied" not in rows["layers"]


def test_collapsed_rows_in_json_and_no_collapse() -> None:
    rows = {r["name"]: r for r in document(*TIED, "--depth", "2")["networks"][0]["breakdown"]}
    layers = rows["layers.0-11 (x12)"]
    assert (layers["instances"], layers["params"]) == (LAYERS, LAYERS * (DIM * DIM + DIM))
    each = document(*TIED, "--depth", "2", "--no-collapse", "--sort", "name")
    names = [r["name"] for r in each["networks"][0]["breakdown"]]
    assert [n for n in names if n.startswith("layers")] == [f"layers.{i}" for i in range(12)]


def test_a_shared_module_is_marked_with_its_parents() -> None:
    lines = output(*SHARED, "--depth", "2").splitlines()
    (act,) = [x for x in lines if x.startswith("  model.0.act")]
    assert act.split()[:6] == ["model.0.act", "(shared", "by", "3", "parents)", "SiLU"]
    assert any(line.startswith("(shared with X): parameters tied") for line in lines)
    rows = {r["name"]: r for r in document(*SHARED, "--depth", "2")["networks"][0]["breakdown"]}
    assert rows["model.0.act"]["parents"] == 3
