"""``worksheet``: the exercise sheet and its answer key (:mod:`.document`) drawn by the HTML
writer as self-contained pages (no scripts, no external resources) with A4 print styles."""

from __future__ import annotations

from bottlecalc.report.glossary import HTML_LANG
from bottlecalc.report.worksheet import document
from bottlecalc.report.worksheet.model import Worksheet
from bottlecalc.report.writers import html

# Styles for the HTML writer's blocks: .legend (name, level, intro), li.exercise,
# .blank (an answer line drawn after its words), .work (a box to work in), .answer.
CSS = """
body { margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5;
  font-family: "DejaVu Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
  Helvetica, Arial, sans-serif; font-size: 15px; }
main { max-width: 860px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 24px; margin: 0 0 6px; }
.legend { color: #555; font-size: 13.5px; }
ol { padding-left: 22px; }
li.exercise { margin: 0 0 18px; }
.blank { margin: 8px 0 0; }
.blank::after { content: "\\00a0"; display: inline-block; min-width: 260px;
  margin-left: 0.3em; border-bottom: 1px solid #333; }
.work { height: 64px; border: 1px dashed #bbb; border-radius: 4px; margin: 6px 0 0;
  padding: 2px 6px; color: #888; font-size: 12px; }
.answer { font-weight: bold; margin: 6px 0 2px; }
pre { background: #f6f6f6; border: 1px solid #d0d0d0; border-radius: 6px; margin: 4px 0;
  padding: 6px 10px; font-size: 12.5px; white-space: pre-wrap; }
@page { size: A4; margin: 14mm 12mm; }
@media print { main { max-width: none; padding: 0; } li.exercise { break-inside: avoid; } }
"""


def render_sheet(ws: Worksheet) -> str:
    """The exercises with blanks: an answer line and a box for the working."""
    return html.page(document.sheet(ws), title=ws.text["title"], lang=HTML_LANG[ws.lang],
                     css=CSS)


def render_key(ws: Worksheet) -> str:
    """The answer key: every answer and its derivation, numbered as the sheet."""
    return html.page(document.key(ws), title=ws.text["key_title"], lang=HTML_LANG[ws.lang],
                     css=CSS)
