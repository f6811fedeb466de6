"""The formats of ``bottlecalc check``; ``--format`` takes its choices from these keys."""

from __future__ import annotations

from bottlecalc.budget.model import CheckReport
from bottlecalc.report.check import document, github, json, junit
from bottlecalc.report.render import Format, Registry

RENDERERS: Registry[CheckReport] = {
    Format.TABLE: document.render_table,
    Format.JSON: json.render,
    Format.GITHUB: github.render,
    Format.JUNIT: junit.render,
    Format.MARKDOWN: document.render_markdown,
}
