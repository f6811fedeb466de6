"""``sweep --format csv``: one row per point, the JSON keys flattened into columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.json import point_dict
from bottlecalc.sweep import Sweep


def flat_row(point: dict[str, Any]) -> dict[str, Any]:
    """One point of the JSON document as flat columns."""
    row: dict[str, Any] = {key: point[key] for key in ("value", "in", "mid", "out")}
    row["size"] = "x".join(map(str, point["size"]))
    row["projection"] = point["projection"]
    for block in ("basic", "bottleneck"):
        for key, value in point[block].items():
            if key == "time":  # --time: basic_time_median_s, ...
                row.update({f"{block}_time_{k}": v for k, v in value.items()})
            else:
                row[f"{block}_{key}"] = value
    for key, value in point["ratios"].items():
        row[f"ratio_{key}"] = value
    if "speedup" in point:
        row["speedup"] = "" if point["speedup"] is None else point["speedup"]
    return row


def render(sweep: Sweep, options: RenderOptions) -> str:
    rows = [flat_row(point_dict(point)) for point in sweep.points]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
