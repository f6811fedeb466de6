"""Any document as Markdown: blocks separated by a blank line, tables as pipe tables."""

from __future__ import annotations

from html import escape

from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.render import RenderOptions

# How a paragraph of each kind is set off.
MARKUP = {doc.Kind.TEXT: "{}", doc.Kind.CAPTION: "**{}**", doc.Kind.RATIO: "**{}**",
          doc.Kind.VERDICT: "{}", doc.Kind.LEGEND: "_{}_", doc.Kind.NOTE: "- {}",
          doc.Kind.ASIDE: "> {}", doc.Kind.QUESTION: "{}", doc.Kind.ANSWER: "**{}**",
          doc.Kind.BLANK: "{} ______", doc.Kind.WORK: "_{}_",
          doc.Kind.FOOTNOTE: "<sub>{}</sub>"}
MARKUP_CHARACTERS = "\\`*_[]#<>!|"


def cell(text: str) -> str:
    """A table cell: pipes escaped, line breaks folded to spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def escaped(text: str) -> str:
    """Words the user typed, their Markdown (and HTML) escaped: a title cannot inject
    links or tags."""
    return escape("".join(f"\\{c}" if c in MARKUP_CHARACTERS else c for c in text),
                  quote=False)


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
    heading = [f"{'#' * table.heading} {table.title}", ""] if table.heading and table.title else []
    return [*heading, "| " + " | ".join(cell(c.name) for c in table.columns) + " |",
            "|" + "".join("---:|" if c.right else "---|" for c in table.columns),
            *(_row(row, table) for row in rows)]


def items(part: doc.List) -> list[str]:
    if part.terms:
        return [f"- **{term}**: {item}" for term, item in zip(part.terms, part.items,
                                                              strict=True)]
    return [f"- {item}" for item in part.items]


def figure(part: extra.Figure) -> list[str]:
    """A drawing in characters, or the sheet of its numbers, or nothing."""
    if part.text:
        return block(extra.Code(part.text))
    return sheet(part.sheet) if part.sheet else []


def entries(part: extra.Entries) -> list[str]:
    """A numbered list, each entry's blocks indented under its number."""
    lines = []
    for number, entry in enumerate(part.entries, 1):
        inner = "\n\n".join("\n".join(block(b)) for b in entry.blocks).splitlines() or [""]
        lead = f"{number}. "
        lines += [lead + inner[0], *(" " * len(lead) + line if line else line
                                     for line in inner[1:]), ""]
    return lines[:-1]


def block(part: doc.Block) -> list[str]:
    """A block's lines; a chart has none (its sheet holds the same numbers), nor a gap
    (blocks are set apart by a blank line anyway)."""
    if isinstance(part, extra.Heading):
        return [f"{'#' * part.level} {escaped(part.text) if part.typed else part.shown}"]
    if isinstance(part, doc.Sheet):
        return sheet(part)
    if isinstance(part, doc.Prose):
        return [MARKUP[part.kind].format(part.text)]
    if isinstance(part, doc.List):
        return items(part)
    if isinstance(part, extra.Code):
        return [f"```{part.language}", part.text, "```"]
    if isinstance(part, extra.Figure):
        return figure(part)
    if isinstance(part, extra.Rule):
        return ["---"]
    if isinstance(part, extra.Entries):
        return entries(part)
    if isinstance(part, extra.Comment):
        return [f"<!-- {part.text} -->"]
    if isinstance(part, extra.Details):
        return [f"<details><summary>{escape(part.summary)}</summary>", "",
                *joined(part.blocks), "", "</details>"]
    return []


def joined(blocks: tuple[doc.Block, ...]) -> list[str]:
    """The blocks' lines, a blank line between blocks."""
    parts = [lines for lines in map(block, blocks) if lines]
    return [line for n, lines in enumerate(parts) for line in ([""] if n else []) + lines]


def render(document: doc.Document, options: RenderOptions) -> str:
    title = (extra.Heading(document.title),) if document.title else ()
    return "\n".join(joined((*title, *document.blocks))) + "\n"
