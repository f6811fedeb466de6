"""``network TARGET --format csv`` (a user's model): a ``total`` row, then one row per
breakdown row, ``(other)`` included; the breakdown rows sum to the total row.

Columns are the JSON's keys flattened (:mod:`~bottlecalc.report.network.model_json`), so
both formats carry the same numbers; ``--pass train`` adds ``flops_train`` (total row).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.breakdown import ModelReport
from bottlecalc.report.network.model_json import model_dict
from bottlecalc.report.render import RenderOptions

COLUMNS = ["model", "row", "kind", "params", "macs", "flops", "fvcore", "share_params",
           "share_macs"]


def _total(entry: dict[str, Any]) -> dict[str, Any]:
    """The model's own figures, as a row: every route's total."""
    return {"name": "total", "kind": "", "params": entry["params"]["total"],
            "macs": entry["macs"]["complete"], "flops": entry["flops"]["torch"],
            "fvcore": entry["macs"]["fvcore"], "share": {"params": 1.0, "macs": 1.0},
            "flops_train": (entry["flops"].get("train") or {}).get("torch")}


def _flat(model: str, row: dict[str, Any]) -> dict[str, Any]:
    flat = {key: value for key, value in row.items() if key not in ("name", "share")}
    flat.update(model=model, row=row["name"], share_params=row["share"]["params"],
                share_macs=row["share"]["macs"])
    return {key: "" if value is None else value for key, value in flat.items()}


def render(report: ModelReport, options: RenderOptions) -> str:
    entry = model_dict(report)
    buffer = io.StringIO()
    columns = COLUMNS + (["flops_train"] if report.train else [])
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", restval="",
                            lineterminator="\n")
    writer.writeheader()
    for row in (_total(entry), *entry["breakdown"]):
        writer.writerow(_flat(entry["name"], row))
    return buffer.getvalue()
