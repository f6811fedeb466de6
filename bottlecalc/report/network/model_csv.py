"""``network TARGET --format csv`` (a user's model): a ``total`` row, then one row per
breakdown row, ``(other)`` included; the breakdown rows sum to the total row.

Columns are the JSON's keys flattened (:mod:`~bottlecalc.report.network.model_json`), so
both formats carry the same numbers; ``--pass train`` adds ``flops_train`` (total row), and
``--time`` the ``time_*`` and ``roofline_*`` columns (empty where a row was not timed).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.breakdown import By, ModelReport
from bottlecalc.report.network.model_json import model_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.timing import TIME_COLUMNS

COLUMNS = ["model", "row", "kind", "params", "macs", "flops", "fvcore", "share_params",
           "share_macs"]
TIMED = ("time", "roofline")  # --time: objects flattened into time_* and roofline_* columns


def _total(entry: dict[str, Any]) -> dict[str, Any]:
    """The model's own figures, as a row: every route's total."""
    return {"name": "total", "kind": "", "params": entry["params"]["total"],
            "macs": entry["macs"]["complete"], "flops": entry["flops"]["torch"],
            "fvcore": entry["macs"]["fvcore"], "share": {"params": 1.0, "macs": 1.0},
            "flops_train": (entry["flops"].get("train") or {}).get("torch"),
            **{key: entry[key] for key in TIMED if key in entry}}


def _flat(model: str, row: dict[str, Any]) -> dict[str, Any]:
    flat = {key: value for key, value in row.items() if key not in ("name", "share", *TIMED)}
    flat.update(model=model, row=row["name"], share_params=row["share"]["params"],
                share_macs=row["share"]["macs"])
    for group in TIMED:
        flat.update({f"{group}_{key}": value for key, value in (row.get(group) or {}).items()})
    return {key: "" if value is None else value for key, value in flat.items()}


def _kinds(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """--by kind: a row per module class, named by it."""
    return [{**row, "name": row["kind"]} for row in entry["by_kind"]]


def render(report: ModelReport, options: RenderOptions) -> str:
    entry = model_dict(report)
    buffer = io.StringIO()
    by_kind = report.by is By.KIND
    columns = COLUMNS + (["instances"] if by_kind else []) \
        + (["flops_train"] if report.train else []) \
        + (TIME_COLUMNS if report.machine is not None and not by_kind else [])
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", restval="",
                            lineterminator="\n")
    writer.writeheader()
    for row in (_total(entry), *(_kinds(entry) if by_kind else entry["breakdown"])):
        writer.writerow(_flat(entry["name"], row))
    return buffer.getvalue()
