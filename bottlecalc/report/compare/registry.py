"""The formats of ``bottlecalc compare``; ``--format`` takes its choices from these keys."""

from __future__ import annotations

from bottlecalc.report.compare import csv, json, markdown, table
from bottlecalc.report.render import Format, Registry
from bottlecalc.results import CompareResult

RENDERERS: Registry[CompareResult] = {
    Format.TABLE: table.render,
    Format.JSON: json.render,
    Format.CSV: csv.render,
    Format.MARKDOWN: markdown.render,
}
