"""``compare --format csv``: one row per block (``--explain``: one row per layer).

Columns are the JSON keys flattened (``params_conv`` is ``params.conv``), so both formats
carry the same numbers under the same names.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.report.compare.json import block_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import CompareResult

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


def render(result: CompareResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    columns = LAYER_COLUMNS if options.explain else BLOCK_COLUMNS
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for block in map(block_dict, result.blocks):
        rows = [{"kind": block["kind"], **layer} for layer in block["layers"]]
        writer.writerows(rows if options.explain else [_flat(block)])
    return buffer.getvalue()
