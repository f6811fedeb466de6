"""The formats of ``bottlecalc network``; ``--format`` takes its choices from these keys.

Presets and ``custom`` are a :class:`NetworkReport`; a user's model (``pkg.mod:callable``)
is a :class:`ModelReport`, in the same formats.
"""

from __future__ import annotations

from bottlecalc.breakdown import ModelReport
from bottlecalc.report.network import (
    csv,
    json,
    markdown,
    model_csv,
    model_json,
    model_markdown,
    model_table,
    table,
)
from bottlecalc.report.render import Format, Registry
from bottlecalc.results import NetworkReport

RENDERERS: Registry[NetworkReport] = {
    Format.TABLE: table.render,
    Format.JSON: json.render,
    Format.CSV: csv.render,
    Format.MARKDOWN: markdown.render,
}

MODEL_RENDERERS: Registry[ModelReport] = {
    Format.TABLE: model_table.render,
    Format.JSON: model_json.render,
    Format.CSV: model_csv.render,
    Format.MARKDOWN: model_markdown.render,
}
