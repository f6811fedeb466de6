"""``handout --format html``: the handout's document drawn by the HTML writer, inside one
self-contained page (its language, title and print styles; no scripts, no external
resources)."""

from __future__ import annotations

from bottlecalc.report.glossary import HTML_LANG
from bottlecalc.report.handout.document import build
from bottlecalc.report.handout.page import Handout
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.writers import html

# Styles for the HTML writer's blocks: .legend under the title, .ratio (the first one, the
# title's lead, in a bar), .aside (the MACs-or-FLOPs box), .figure (SVGs in a row), and
# what follows the rule (<hr>): the page's footer.
CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --accent: #1b7a9e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font-family: "DejaVu Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
  Helvetica, Arial, sans-serif; font-size: 15px; }
main { max-width: 980px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 3px;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.legend, .verdict, hr ~ * { color: var(--muted); }
.legend, .verdict { font-size: 13.5px; }
h1 + .legend { margin: 0; font-size: 15px; }
.figure { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; }
th { background: #eef4f8; }
td[style*="right"] { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ratio, .caption { font-weight: bold; margin: 8px 0; }
h1 + .legend + .ratio { font-size: 17px; border-left: 5px solid var(--accent);
  padding: 6px 12px; background: #f3f9fc; margin: 14px 0 0; }
.aside { border-left: 5px solid var(--accent); background: #f3f9fc; margin: 0;
  padding: 6px 16px; }
pre { background: #f6f6f6; border: 1px solid var(--rule); border-radius: 6px;
  padding: 8px 12px; font-size: 12.5px; white-space: pre-wrap; }
hr { margin-top: 32px; border: none; border-top: 1px solid var(--rule); }
hr ~ * { font-size: 12px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; margin-top: 16px; }
  table, svg, pre, .aside { break-inside: avoid; }
  .figure svg { max-height: 105mm; width: auto; }
  table { font-size: 9pt; }
}
"""


def render(h: Handout, options: RenderOptions) -> str:
    return html.page(build(h), title=h.title, lang=HTML_LANG[h.lang], css=CSS)
