"""The formats of ``network TARGET --seq/--phase``; ``--format`` takes its choices here.
Each module is imported when its format is used."""

from __future__ import annotations

from bottlecalc.report.render import Format, LazyRegistry, Registry
from bottlecalc.scaling import SequenceReport

RENDERERS: Registry[SequenceReport] = LazyRegistry({
    Format.TABLE: "bottlecalc.report.scaling.document:render_table",
    Format.JSON: "bottlecalc.report.scaling.json",
    Format.CSV: "bottlecalc.report.scaling.csv",
    Format.MARKDOWN: "bottlecalc.report.scaling.document:render_markdown",
})
