"""The drawings of ``bottlecalc diagram``: text on stdout, SVG with ``--svg``."""

from __future__ import annotations

from bottlecalc.report.diagram import svg, text
from bottlecalc.report.render import Format, Registry
from bottlecalc.results import CompareResult

RENDERERS: Registry[CompareResult] = {
    Format.TEXT: text.render,
    Format.SVG: svg.render,
}
