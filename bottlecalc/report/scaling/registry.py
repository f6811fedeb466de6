"""The formats of ``network TARGET --seq/--phase``; ``--format`` takes its choices here."""

from __future__ import annotations

from bottlecalc.report.render import Format, Registry
from bottlecalc.report.scaling import csv, json, markdown, table
from bottlecalc.scaling import SequenceReport

RENDERERS: Registry[SequenceReport] = {
    Format.TABLE: table.render,
    Format.JSON: json.render,
    Format.CSV: csv.render,
    Format.MARKDOWN: markdown.render,
}
