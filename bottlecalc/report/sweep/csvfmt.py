"""CSV for ``sweep``: one row per point, every count flattened into a column."""

from __future__ import annotations

import csv
import io

from bottlecalc.report.sweep import flat_row
from bottlecalc.sweep import Sweep, sweep_dict


def render(sweep: Sweep) -> str:
    rows = [flat_row(point) for point in sweep_dict(sweep)["points"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
