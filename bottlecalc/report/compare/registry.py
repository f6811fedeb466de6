"""The formats of ``bottlecalc compare``; ``--format`` takes its choices from these keys.
Each module is imported when its format is used (``compare --no-measure`` starts fast)."""

from __future__ import annotations

from bottlecalc.report.render import Format, LazyRegistry, Registry
from bottlecalc.results import CompareResult

RENDERERS: Registry[CompareResult] = LazyRegistry({
    Format.TABLE: "bottlecalc.report.compare.document:render_table",
    Format.JSON: "bottlecalc.report.compare.json",
    Format.CSV: "bottlecalc.report.compare.csv",
    Format.MARKDOWN: "bottlecalc.report.compare.document:render_markdown",
})
