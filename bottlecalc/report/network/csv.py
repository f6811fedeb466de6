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
    entry = network_dict(result, dtype=view.dtype, depth=view.depth, machine=view.machine,
                         train=view.train)
    trained = entry["flops"].pop("train", {})  # --pass train: a column each, on the total row
    rows = [{**entry, "name": "total"}]
    if view.depth is not Depth.NETWORK:
        rows += entry.get("breakdown", entry["stages"])  # --depth stage: the stages
    flat = [_flat(result.name, row) for row in rows]
    flat[0].update({f"flops_train_{k}": "" if v is None else v for k, v in trained.items()})
    return flat


def render(view: NetworkReport, options: RenderOptions) -> str:
    buffer = io.StringIO()
    columns = COLUMNS + (["flops_train_analytic", "flops_train_torch"] if view.train else []) \
        + (TIME_COLUMNS if view.machine is not None else [])
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            restval="", lineterminator="\n")
    writer.writeheader()
    for result in view.results:
        writer.writerows(_rows(result, view))
    return buffer.getvalue()
