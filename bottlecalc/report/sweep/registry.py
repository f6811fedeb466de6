"""The formats of ``bottlecalc sweep``; ``--format`` takes its choices from these keys."""

from __future__ import annotations

from bottlecalc.report.render import Format, Registry
from bottlecalc.report.sweep import csv, document, json
from bottlecalc.sweep import Sweep

RENDERERS: Registry[Sweep] = {
    Format.TABLE: document.render_table,
    Format.JSON: json.render,
    Format.CSV: csv.render,
    Format.MARKDOWN: document.render_markdown,
}
