"""The published JSON Schemas: well formed, one per document, named and versioned where the
documents say, closed (an unknown key fails), and every golden JSON output valid against its
own. The property tests that validate generated documents are in tests/cli/test_schema_cli.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import bottlecalc
from bottlecalc.report.jsondoc import SCHEMA_VERSIONS, schema_file, schema_text

PACKAGE = Path(bottlecalc.__file__).parent
GOLDEN = Path(__file__).parent.parent / "golden" / "outputs"
GOLDEN_JSON = sorted(GOLDEN.glob("*.json"))
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
MAPS = {"fvcore_unsupported"}  # objects whose keys are data (op names), not schema keys


def schema(command: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(command))
    return loaded


@cache
def validator(command: str) -> Draft202012Validator:
    return Draft202012Validator(schema(command),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(doc: dict[str, Any], command: str | None = None) -> list[str]:
    """Why ``doc`` fails ``command``'s schema, by default the one its ``schema`` key names."""
    command = command or doc["schema"].removeprefix("bottlecalc.")
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(command).iter_errors(doc)]


@pytest.mark.parametrize("command", sorted(SCHEMA_VERSIONS))
def test_schema_is_valid_draft_2020_12(command: str) -> None:
    Draft202012Validator.check_schema(schema(command))
    assert schema(command)["$schema"] == DRAFT_2020_12


@pytest.mark.parametrize("command", sorted(SCHEMA_VERSIONS))
def test_schema_names_its_document_and_version(command: str) -> None:
    found = schema(command)
    assert found["$id"] == ("https://raw.githubusercontent.com/bottlecalc/bottlecalc/main/"
                            f"bottlecalc/schemas/{command}.v{SCHEMA_VERSIONS[command]}.schema.json")
    assert found["properties"]["schema"] == {"const": f"bottlecalc.{command}"}
    assert found["properties"]["version"] == {"const": SCHEMA_VERSIONS[command]}
    assert f"version {SCHEMA_VERSIONS[command]})" in found["title"]


def test_the_package_ships_exactly_one_schema_per_document() -> None:
    shipped = {path.name for path in (PACKAGE / "schemas").iterdir()}
    assert shipped == {schema_file(command) for command in SCHEMA_VERSIONS}


def test_every_command_with_a_json_format_has_a_schema() -> None:
    writers = {path.parent.name for path in (PACKAGE / "report").glob("*/json.py")}
    assert writers == set(SCHEMA_VERSIONS)


def test_golden_outputs_cover_every_schema() -> None:
    names = {json.loads(path.read_text())["schema"] for path in GOLDEN_JSON}
    assert names == {f"bottlecalc.{command}" for command in SCHEMA_VERSIONS}


@pytest.mark.parametrize("path", GOLDEN_JSON, ids=lambda path: path.name)
def test_golden_json_output_is_valid(path: Path) -> None:
    assert errors(json.loads(path.read_text(encoding="utf-8"))) == []


def objects(node: Any, where: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every object in a document whose keys the schema fixes (maps skipped)."""
    if isinstance(node, dict):
        yield where
        for key, value in node.items():
            if key not in MAPS:
                yield from objects(value, (*where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from objects(value, (*where, index))


def first_of_each_kind(places: Iterator[tuple[str | int, ...]]) -> list[tuple[str | int, ...]]:
    """One object per place in the schema: items of a list share their schema, so the first
    item of each list stands for the rest (``networks[0].stages[0]``, not every stage)."""
    seen: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}
    for where in places:
        seen.setdefault(tuple("[]" if isinstance(step, int) else step for step in where), where)
    return list(seen.values())


def with_key(doc: Any, where: tuple[str | int, ...], key: str) -> Any:
    """A deep copy of ``doc`` with ``key: 0`` added to the object at ``where``."""
    copy = json.loads(json.dumps(doc))
    node = copy
    for step in where:
        node = node[step]
    node[key] = 0
    return copy


@pytest.mark.parametrize("path", GOLDEN_JSON, ids=lambda path: path.name)
def test_a_key_the_schema_does_not_know_fails_anywhere(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    places = first_of_each_kind(objects(doc))
    assert len(places) > 5
    accepted = [where for where in places if not errors(with_key(doc, where, "surprise"))]
    assert accepted == []


@pytest.mark.parametrize("path", GOLDEN_JSON, ids=lambda path: path.name)
def test_a_missing_key_or_a_wrong_type_fails(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    command = doc["schema"].removeprefix("bottlecalc.")
    assert errors({key: value for key, value in doc.items() if key != "version"}) != []
    assert errors({**doc, "version": SCHEMA_VERSIONS[command] + 1}) != []
    assert errors({**doc, "schema": "bottlecalc.other"}, command) != []
    others = set(SCHEMA_VERSIONS) - {command}
    assert all(errors(doc, other) != [] for other in others)


def test_a_measured_count_is_an_integer_or_null() -> None:
    doc = json.loads((GOLDEN / "compare.json").read_text(encoding="utf-8"))
    doc["blocks"][0]["macs"]["fvcore"] = 3.5
    assert errors(doc) != []
    doc["blocks"][0]["macs"]["fvcore"] = None
    assert errors(doc) == []


def test_network_breakdown_comes_with_depth_block_or_layer_only() -> None:
    doc = json.loads((GOLDEN / "network_layer.json").read_text(encoding="utf-8"))
    assert errors({**doc, "depth": "block"}) == []
    assert errors({**doc, "depth": "stage"}) != []


def test_sweep_fixes_every_option_but_the_swept_one() -> None:
    doc = json.loads((GOLDEN / "sweep.json").read_text(encoding="utf-8"))
    assert doc["axis"] == "mid"
    assert errors({**doc, "fixed": {**doc["fixed"], "mid": 64}}) != []
    assert errors({**doc, "fixed": {**doc["fixed"], "in": None}}) != []
