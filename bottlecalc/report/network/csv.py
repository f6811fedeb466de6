"""``network --format csv``: per network a ``total`` row, then the rows at ``--depth``.

Columns are the JSON keys flattened, so both formats carry the same numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.report.network.json import group_dict, network_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import Depth, NetworkReport, NetworkResult, breakdown

COLUMNS = [
    "network", "row", "op", "params", "params_instantiated", "macs_conv", "macs_analytic",
    "macs_fvcore", "macs_v1", "flops_analytic", "flops_torch", "weight_bytes", "input_bytes",
    "output_bytes", "intensity",
]


def _flat(name: str, row: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {"network": name, "row": row["name"], "op": row.get("op", "")}
    for group in ("params", "macs", "flops", "memory"):
        for key, value in row[group].items():
            column = key if group == "memory" else f"{group}_{key}"
            flat[column] = "" if value is None else value
    flat["params"] = flat.pop("params_total")
    return flat


def _rows(result: NetworkResult, view: NetworkReport) -> list[dict[str, Any]]:
    entry = network_dict(result, dtype=view.dtype, depth=view.depth)
    rows = [_flat(result.name, {**entry, "name": "total"})]
    if view.depth is not Depth.NETWORK:
        groups = breakdown(result.layers, view.depth)
        rows += [_flat(result.name, group_dict(g, view.dtype)) for g in groups]
    return rows


def render(view: NetworkReport, options: RenderOptions) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore",
                            restval="", lineterminator="\n")
    writer.writeheader()
    for result in view.results:
        writer.writerows(_rows(result, view))
    return buffer.getvalue()
