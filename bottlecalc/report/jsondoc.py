"""What every JSON document shares: its schema name and version (one place), the dump, and
the per-layer record ``compare`` and ``network`` both print. Keys are a public contract
(docs/json.md)."""

from __future__ import annotations

import json
from typing import Any

from bottlecalc.analytic import Layer
from bottlecalc.spec import InputShape

# The version changes only when a key is removed or changes meaning (check 2: a max-macs
# check is held against the complete MAC count, no longer fvcore's).
SCHEMA_VERSIONS = {"compare": 1, "network": 1, "check": 2, "sweep": 1}


def header(command: str) -> dict[str, Any]:
    """``{"schema": "bottlecalc.<command>", "version": N}``: every document starts so."""
    return {"schema": f"bottlecalc.{command}", "version": SCHEMA_VERSIONS[command]}


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
