"""The formats of ``bottlecalc network``; ``--format`` takes its choices from these keys.

Each renders presets and ``custom`` (a :class:`NetworkReport`) or a user's model
(``pkg.mod:callable``, a :class:`ModelReport`): the same formats for both.
"""

from __future__ import annotations

from bottlecalc.breakdown import ModelReport
from bottlecalc.report.network import csv, document, json
from bottlecalc.report.render import Format, Registry
from bottlecalc.results import NetworkReport

NetworkView = NetworkReport | ModelReport

RENDERERS: Registry[NetworkView] = {
    Format.TABLE: document.render_table,
    Format.JSON: json.render,
    Format.CSV: csv.render,
    Format.MARKDOWN: document.render_markdown,
}
