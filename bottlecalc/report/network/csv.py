"""``network --format csv``: per network a ``total`` row, then the rows at ``--depth``; for
a user's model a ``total`` row, then one row per breakdown row, ``(other)`` included (they sum
to the total row), or with ``--by kind`` one per module class.

Columns are the JSON keys flattened, so both formats carry the same numbers; a model's
``--pass train`` adds ``flops_train`` (total row), and ``--time`` the ``time_*`` and
``roofline_*`` columns (empty where a row was not timed).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bottlecalc.breakdown import By, Depth, NetworkReport
from bottlecalc.report.network.json import model_dict, network_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.timing import TIME_COLUMNS
from bottlecalc.results import NetworkResult

COLUMNS = [
    "network", "row", "op", "params", "params_instantiated", "macs_conv", "macs_analytic",
    "macs_fvcore", "macs_v1", "flops_analytic", "flops_torch", "weight_bytes", "input_bytes",
    "output_bytes", "intensity",
]


def cells(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON row as CSV cells: a nested object's keys as ``object_key`` columns (``memory``'s
    bare), null as an empty cell; the keys no column names are dropped by :func:`table`."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(cells(value, "" if key == "memory" else f"{prefix}{key}_"))
        else:
            out[prefix + key] = "" if value is None else value
    return out


def _rows(result: NetworkResult, view: NetworkReport) -> list[dict[str, Any]]:
    """The total row (with --pass train its ``flops_train_*``), then the rows at --depth."""
    entry = network_dict(result, view)
    rows = [{**entry, "name": "total"}]
    if view.depth is not Depth.NETWORK:
        rows += entry.get("breakdown", entry["stages"])  # --depth stage: the stages
    return [{**cells(row), "network": result.name, "row": row["name"],
             "params": row["params"]["total"]} for row in rows]


def render_presets(view: NetworkReport, options: RenderOptions) -> str:
    columns = COLUMNS + (["flops_train_analytic", "flops_train_torch"] if view.train else []) \
        + (TIME_COLUMNS if view.machine is not None else [])
    return table(columns, [row for result in view.results for row in _rows(result, view)])


def table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    """The rows as CSV under ``columns`` (a key no column names is left out; an empty
    cell where a row has no value)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", restval="",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# --- A user's model ---

MODEL_COLUMNS = ["model", "row", "kind", "params", "macs", "flops", "fvcore", "share_params",
                 "share_macs"]
TIMED = ("time", "roofline")  # --time: the model's objects, as its rows'


def _total(entry: dict[str, Any]) -> dict[str, Any]:
    """The model's own figures, as a row: every route's total."""
    return {"name": "total", "kind": "", "params": entry["params"]["total"],
            "macs": entry["macs"]["complete"], "flops": entry["flops"]["torch"],
            "fvcore": entry["macs"]["fvcore"], "share": {"params": 1.0, "macs": 1.0},
            "flops_train": (entry["flops"].get("train") or {}).get("torch"),
            **{key: entry[key] for key in TIMED if key in entry}}


def _kinds(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """--by kind: a row per module class, named by it."""
    return [{**row, "name": row["kind"]} for row in entry["by_kind"]]


def render_model(report: NetworkReport, options: RenderOptions) -> str:
    entry = model_dict(report)
    by_kind = report.by is By.KIND
    columns = MODEL_COLUMNS + (["instances"] if by_kind else []) \
        + (["flops_train"] if report.train else []) \
        + (TIME_COLUMNS if report.machine is not None and not by_kind else [])
    rows = (_total(entry), *(_kinds(entry) if by_kind else entry["breakdown"]))
    return table(columns, [{**cells(row), "model": entry["name"], "row": row["name"]}
                           for row in rows])
