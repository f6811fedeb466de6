"""``network TARGET --seq/--phase --format csv``: one row per length (the JSON points),
then a decoding step's row when asked; fractions as exact 'n/d' text."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from typing import Any

from bottlecalc.report.render import RenderOptions
from bottlecalc.report.scaling.json import decode_dict, point_dict
from bottlecalc.scaling import SequenceReport

COLUMNS = ("phase", "length", "tokens", "macs", "causal_macs", "attention_macs",
           "macs_per_token", "kv_bytes", "kv_bytes_per_token")


def _text(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"numerator", "denominator"}:
        return str(Fraction(value["numerator"], value["denominator"]))
    return value


def rows(report: SequenceReport) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if report.scaling is not None:
        found += [{"phase": "forward", **point_dict(p)} for p in report.scaling.points]
    if report.decode is not None:
        step = decode_dict(report.decode)
        found.append({"phase": "decode", "length": step["context"], "tokens": step["batch"],
                      "macs": step["macs"], "causal_macs": step["macs"], **step})
    return [{k: _text(row.get(k, "")) for k in COLUMNS} for row in found]


def render(report: SequenceReport, options: RenderOptions) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(report))
    return buffer.getvalue()
