"""The formats of ``bottlecalc handout``; ``--format`` takes its choices from these keys."""

from __future__ import annotations

from bottlecalc.report.handout import html
from bottlecalc.report.handout.document import render_markdown
from bottlecalc.report.handout.page import Handout
from bottlecalc.report.render import Format, Registry

RENDERERS: Registry[Handout] = {
    Format.HTML: html.render,
    Format.MARKDOWN: render_markdown,
}
