"""Renderers for ``sweep``: one module per format, each ``render(sweep) -> str``.

The rows every format shows come from :func:`bottlecalc.sweep.sweep_dict`, the same
data ``sweep --format json`` prints, so the formats cannot disagree.
"""

from __future__ import annotations

from typing import Any

from bottlecalc.report import Format

SWEEP_RENDERERS: dict[str, str] = {
    Format.TABLE: "bottlecalc.report.sweep.table",
    Format.JSON: "bottlecalc.report.sweep.jsonfmt",
    Format.CSV: "bottlecalc.report.sweep.csvfmt",
    Format.MARKDOWN: "bottlecalc.report.sweep.markdown",
}
SWEEP_FORMATS = list(SWEEP_RENDERERS)

def flat_row(point: dict[str, Any]) -> dict[str, Any]:
    """One point as flat columns (CSV and tests)."""
    row: dict[str, Any] = {key: point[key] for key in ("value", "in", "mid", "out")}
    row["size"] = "x".join(map(str, point["size"]))
    row["projection"] = point["projection"]
    for block in ("basic", "bottleneck"):
        for key, value in point[block].items():
            row[f"{block}_{key}"] = value
    for key, value in point["ratios"].items():
        row[f"ratio_{key}"] = value
    return row
