"""CSV for ``compare``: one row per block (``--explain``: one row per layer)."""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.results import CompareResult, block_dict

BLOCK_COLUMNS = [
    "kind", "in", "mid", "out", "stride", "groups", "params_conv", "params_bn", "params_bias",
    "params_shortcut", "params_total", "params_instantiated", "macs_conv", "macs_analytic",
    "macs_fvcore", "flops_analytic", "flops_torch",
]
LAYER_COLUMNS = ["kind", "name", "op", "params", "buffers", "macs", "fvcore", "formula"]


def _flat(block: dict[str, Any]) -> dict[str, Any]:
    row = {key: block[key] for key in ("kind", "in", "mid", "out", "stride", "groups")}
    for group in ("params", "macs", "flops"):
        for key, value in block[group].items():
            row[f"{group}_{key}"] = "" if value is None else value
    return row


def render(result: CompareResult, *, explain: bool = False) -> str:
    buffer = io.StringIO()
    blocks = [block_dict(block) for block in result.blocks]
    columns = LAYER_COLUMNS if explain else BLOCK_COLUMNS
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for block in blocks:
        rows = [{"kind": block["kind"], **layer} for layer in block["layers"]]
        writer.writerows(rows if explain else [_flat(block)])
    return buffer.getvalue()
