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
from bottlecalc.report.timing import TIME_COLUMNS
from bottlecalc.results import CompareResult

BLOCK_COLUMNS = [
    "kind", "in", "mid", "out", "stride", "groups", "params_conv", "params_bn", "params_bias",
    "params_shortcut", "params_total", "params_instantiated", "macs_conv", "macs_analytic",
    "macs_fvcore", "flops_analytic", "flops_torch",
]
LAYER_COLUMNS = ["kind", "name", "op", "params", "buffers", "macs", "fvcore", "formula"]


def _flat(entry: dict[str, Any], groups: tuple[str, ...]) -> dict[str, Any]:
    """``entry`` with each of ``groups`` spread into ``group_key`` columns."""
    row = dict(entry)
    for group in groups:
        for key, value in (entry.get(group) or {}).items():
            row[f"{group}_{key}"] = "" if value is None else value
    return row


def render(result: CompareResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    columns = LAYER_COLUMNS if options.explain else BLOCK_COLUMNS
    timed = TIME_COLUMNS if result.machine is not None else []
    writer = csv.DictWriter(buffer, fieldnames=columns + timed, extrasaction="ignore",
                            restval="", lineterminator="\n")
    writer.writeheader()
    for block in (block_dict(b, result.machine) for b in result.blocks):
        layers = [_flat({"kind": block["kind"], **layer}, ("time", "roofline"))
                  for layer in block["layers"]]
        whole = _flat(block, ("params", "macs", "flops", "time", "roofline"))
        writer.writerows(layers if options.explain else [whole])
    return buffer.getvalue()
