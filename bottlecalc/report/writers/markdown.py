"""Any document as Markdown: blocks separated by a blank line, tables as pipe tables."""

from __future__ import annotations

from html import escape

from bottlecalc.report import document as doc
from bottlecalc.report.markdown import cell
from bottlecalc.report.render import RenderOptions

# How a paragraph of each kind is set off.
MARKUP = {doc.Kind.TEXT: "{}", doc.Kind.CAPTION: "**{}**", doc.Kind.RATIO: "**{}**",
          doc.Kind.VERDICT: "{}", doc.Kind.LEGEND: "_{}_", doc.Kind.NOTE: "- {}",
          doc.Kind.FOOTNOTE: "<sub>{}</sub>"}


def sheet(table: doc.Sheet) -> list[str]:
    """A pipe table (its caption left out: pipe tables have none), the footer in bold."""
    rows = [*table.rows, *((tuple(f"**{c}**" if c else c for c in table.footer),)
                           if table.footer else ())]
    return ["| " + " | ".join(cell(c.name) for c in table.columns) + " |",
            "|" + "".join("---:|" if c.right else "---|" for c in table.columns),
            *("| " + " | ".join(map(cell, row)) + " |" for row in rows)]


def block(part: doc.Block) -> list[str]:
    """A block's lines; a chart has none (its sheet holds the same numbers)."""
    if isinstance(part, doc.Heading):
        return [f"{'#' * part.level} {part.shown}"]
    if isinstance(part, doc.Sheet):
        return sheet(part)
    if isinstance(part, doc.Prose):
        return [MARKUP[part.kind].format(part.text)]
    if isinstance(part, doc.List):
        return [f"- {item}" for item in part.items]
    if isinstance(part, doc.Comment):
        return [f"<!-- {part.text} -->"]
    if isinstance(part, doc.Details):
        return [f"<details><summary>{escape(part.summary)}</summary>", "",
                *joined(part.blocks), "", "</details>"]
    return []


def joined(blocks: tuple[doc.Block, ...]) -> list[str]:
    """The blocks' lines, a blank line between blocks."""
    parts = [lines for lines in map(block, blocks) if lines]
    return [line for n, lines in enumerate(parts) for line in ([""] if n else []) + lines]


def render(document: doc.Document, options: RenderOptions) -> str:
    title = (doc.Heading(document.title),) if document.title else ()
    return "\n".join(joined((*title, *document.blocks))) + "\n"
