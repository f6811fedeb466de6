"""The formats of ``bottlecalc network``; ``--format`` takes its choices from these keys.

Every format renders a :class:`~bottlecalc.breakdown.NetworkReport`, presets side by side or
a user's model; which of the two it holds is looked at here, once, and the format's writer
for it is called (the columns differ: closed forms and memory, or measured shares).
"""

from __future__ import annotations

from bottlecalc.breakdown import NetworkReport
from bottlecalc.report.network import csv, document, json
from bottlecalc.report.render import Format, Registry, Renderer, RenderOptions


def by_subject(presets: Renderer[NetworkReport],
               model: Renderer[NetworkReport]) -> Renderer[NetworkReport]:
    """The renderer for what the report holds: presets, or a user's model."""
    def render(view: NetworkReport, options: RenderOptions) -> str:
        return (presets if view.model is None else model)(view, options)
    return render


RENDERERS: Registry[NetworkReport] = {
    Format.TABLE: by_subject(document.presets_table, document.model_table),
    Format.JSON: by_subject(json.render_presets, json.render_model),
    Format.CSV: by_subject(csv.render_presets, csv.render_model),
    Format.MARKDOWN: by_subject(document.presets_markdown, document.model_markdown),
}
