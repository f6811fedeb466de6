"""``network --format csv``: per network a ``total`` row, then the rows at ``--depth``.

Columns are the JSON keys flattened, so both formats carry the same numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.report.network.json import network_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.timing import TIME_COLUMNS
from bottlecalc.results import Depth, NetworkReport, NetworkResult

COLUMNS = [
    "network", "row", "op", "params", "params_instantiated", "macs_conv", "macs_analytic",
    "macs_fvcore", "macs_v1", "flops_analytic", "flops_torch", "weight_bytes", "input_bytes",
    "output_bytes", "intensity",
]


def _flat(name: str, row: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {"network": name, "row": row["name"], "op": row.get("op", "")}
    for group in ("params", "macs", "flops", "memory", "time", "roofline"):
        for key, value in (row.get(group) or {}).items():
            column = key if group == "memory" else f"{group}_{key}"
            flat[column] = "" if value is None else value
    flat["params"] = flat.pop("params_total")
    return flat


def _rows(result: NetworkResult, view: NetworkReport) -> list[dict[str, Any]]:
    entry = network_dict(result, dtype=view.dtype, depth=view.depth, machine=view.machine)
    rows = [{**entry, "name": "total"}]
    if view.depth is not Depth.NETWORK:
        rows += entry.get("breakdown", entry["stages"])  # --depth stage: the stages
    return [_flat(result.name, row) for row in rows]


def render(view: NetworkReport, options: RenderOptions) -> str:
    buffer = io.StringIO()
    columns = COLUMNS + (TIME_COLUMNS if view.machine is not None else [])
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            restval="", lineterminator="\n")
    writer.writeheader()
    for result in view.results:
        writer.writerows(_rows(result, view))
    return buffer.getvalue()
