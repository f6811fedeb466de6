"""What every JSON document shares: its schema name and version (one place), the JSON Schema
that describes it (shipped in ``bottlecalc/schemas/``), the dump, and the per-layer record
``compare`` and ``network`` both print. Keys are a public contract (docs/json.md)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from bottlecalc.analytic import Layer
from bottlecalc.spec import InputShape

# The version changes only when a key is removed or changes meaning.
SCHEMA_VERSIONS = {"compare": 1, "network": 1, "check": 1, "sweep": 1}
# Where the schemas are published: their ``$id`` is this URL plus the file name.
SCHEMA_URL = "https://raw.githubusercontent.com/bottlecalc/bottlecalc/main/bottlecalc/schemas/"


def header(command: str) -> dict[str, Any]:
    """``{"schema": "bottlecalc.<command>", "version": N}``: every document starts so."""
    return {"schema": f"bottlecalc.{command}", "version": SCHEMA_VERSIONS[command]}


def schema_file(command: str) -> str:
    """The JSON Schema's file name in ``bottlecalc/schemas/``: ``compare.v1.schema.json``."""
    return f"{command}.v{SCHEMA_VERSIONS[command]}.schema.json"


def schema_id(command: str) -> str:
    """The ``$id`` of ``command``'s JSON Schema."""
    return SCHEMA_URL + schema_file(command)


def schema_text(command: str) -> str:
    """The JSON Schema (draft 2020-12) of ``bottlecalc.<command>``, as shipped in the package."""
    path = resources.files("bottlecalc").joinpath("schemas", schema_file(command))
    return path.read_text(encoding="utf-8")


def input_dict(shape: InputShape) -> dict[str, int]:
    return {"batch": shape.batch, "height": shape.height, "width": shape.width}


def routes_dict(*, measured: bool, cross_checked: bool, all_agree: bool) -> dict[str, bool]:
    """Which routes ran, and whether every one that ran gave the analytic integer."""
    return {"measured": measured, "cross_checked": cross_checked, "all_agree": all_agree}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def layer_dict(layer: Layer) -> dict[str, Any]:
    return {
        "name": layer.name,
        "op": str(layer.op),
        "in_shape": list(layer.in_shape),
        "out_shape": list(layer.out_shape),
        "params": layer.params,
        "buffers": layer.buffers,
        "macs": layer.macs,
        "fvcore": layer.fvcore,
        "shortcut": layer.shortcut,
        "formula": layer.formula,
        "macs_formula": layer.macs_formula,
    }
