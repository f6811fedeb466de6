"""The formats of ``bottlecalc network``; ``--format`` takes its choices from these keys.

Every format renders a :class:`~bottlecalc.breakdown.NetworkReport`, presets side by side or
a user's model; which of the two it holds is looked at here, once, and the format's writer
for it is called (the columns differ: closed forms and memory, or measured shares).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bottlecalc.breakdown import NetworkReport
from bottlecalc.report import document as doc
from bottlecalc.report.jsondoc import dumps
from bottlecalc.report.network import csv, document, json
from bottlecalc.report.render import Format, Registry, Renderer, RenderOptions
from bottlecalc.report.writers import markdown, rich


def by_subject(presets: Renderer[NetworkReport],
               model: Renderer[NetworkReport]) -> Renderer[NetworkReport]:
    """The renderer for what the report holds: presets, or a user's model."""
    def render(view: NetworkReport, options: RenderOptions) -> str:
        return (presets if view.model is None else model)(view, options)
    return render


def drawn(writer: Callable[[doc.Document, RenderOptions], str]) -> Renderer[NetworkReport]:
    """The report's document (the presets' or the model's) drawn by ``writer``."""
    return by_subject(lambda view, options: writer(document.presets(view), options),
                      lambda view, options: writer(document.model(view), options))


def dumped(build: Callable[[NetworkReport], dict[str, Any]]) -> Renderer[NetworkReport]:
    """The JSON document ``build`` makes, pretty-printed."""
    return lambda view, _options: dumps(build(view))


RENDERERS: Registry[NetworkReport] = {
    Format.TABLE: drawn(rich.render),
    Format.JSON: by_subject(dumped(json.networks_dict), dumped(json.report_dict)),
    Format.CSV: by_subject(csv.render_presets, csv.render_model),
    Format.MARKDOWN: drawn(markdown.render),
}
