"""Any document as Markdown: blocks separated by a blank line, tables as pipe tables."""

from __future__ import annotations

from bottlecalc.report import document as doc
from bottlecalc.report.markdown import cell
from bottlecalc.report.render import RenderOptions

# How a paragraph of each kind is set off.
MARKUP = {doc.Kind.TEXT: "{}", doc.Kind.CAPTION: "**{}**", doc.Kind.RATIO: "**{}**",
          doc.Kind.VERDICT: "{}", doc.Kind.LEGEND: "_{}_", doc.Kind.NOTE: "- {}"}


def _cell(text: str, column: doc.Column, *, key: bool) -> str:
    """A cell on one line; a detail column's figure before its details in brackets, a
    row's name in bold."""
    if not column.detail:
        return cell(text)
    first, _, rest = text.partition("\n")
    name = f"**{first}**" if key else first
    return cell(doc.folded(f"{name}\n{rest}") if rest else name)


def _row(row: tuple[str, ...], table: doc.Sheet) -> str:
    cells = (_cell(text, column, key=i < table.keys)
             for i, (text, column) in enumerate(zip(row, table.columns, strict=True)))
    return "| " + " | ".join(cells) + " |"


def sheet(table: doc.Sheet) -> list[str]:
    """A pipe table, the footer in bold. Pipe tables have no caption: the title is left
    out, or set as a heading over the table when the sheet asks for one."""
    rows = [*table.rows, *((tuple(f"**{c}**" if c else c for c in table.footer),)
                           if table.footer else ())]
    heading = [f"{'#' * table.heading} {table.title}", ""] if table.heading else []
    return [*heading, "| " + " | ".join(cell(c.name) for c in table.columns) + " |",
            "|" + "".join("---:|" if c.right else "---|" for c in table.columns),
            *(_row(row, table) for row in rows)]


def block(part: doc.Block) -> list[str]:
    """A block's lines; a chart has none (its sheet holds the same numbers)."""
    if isinstance(part, doc.Heading):
        return [f"{'#' * part.level} {part.text}"]
    if isinstance(part, doc.Sheet):
        return sheet(part)
    if isinstance(part, doc.Prose):
        return [MARKUP[part.kind].format(part.text)]
    if isinstance(part, doc.List):
        return [f"- {item}" for item in part.items]
    return []


def render(document: doc.Document, options: RenderOptions) -> str:
    parts = [block(doc.Heading(document.title))] if document.title else []
    parts += [lines for lines in map(block, document.blocks) if lines]
    return "\n\n".join("\n".join(lines) for lines in parts) + "\n"
