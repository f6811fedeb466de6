"""The formats of ``bottlecalc network``; ``--format`` takes its choices from these keys."""

from __future__ import annotations

from bottlecalc.report.network import csv, json, markdown, table
from bottlecalc.report.render import Format, Registry
from bottlecalc.results import NetworkReport

RENDERERS: Registry[NetworkReport] = {
    Format.TABLE: table.render,
    Format.JSON: json.render,
    Format.CSV: csv.render,
    Format.MARKDOWN: markdown.render,
}
