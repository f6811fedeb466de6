"""Any document as an HTML fragment (every text escaped), to embed in a page or a notebook."""

from __future__ import annotations

from html import escape

from bottlecalc.report import document as doc
from bottlecalc.report.render import RenderOptions


def _text(text: str) -> str:
    """Escaped, a cell's second line folded onto its first."""
    return escape(text.replace("\n", " "))


def _row(cells: tuple[str, ...], columns: tuple[doc.Column, ...], tag: str) -> str:
    items = (f'<{tag} style="text-align:{"right" if c.right else "left"}">'
             f'{_text(doc.folded(v) if c.detail else v)}</{tag}>'
             for v, c in zip(cells, columns, strict=True))
    return f"<tr>{''.join(items)}</tr>"


def sheet(table: doc.Sheet) -> str:
    caption = f"<caption>{_text(table.title)}</caption>\n" if table.title else ""
    head = _row(tuple(c.name for c in table.columns), table.columns, "th")
    body = "\n".join(_row(row, table.columns, "td") for row in table.rows)
    foot = (f"<tfoot>{_row(table.footer, table.columns, 'th')}</tfoot>\n"
            if table.footer else "")
    return (f'<table class="bottlecalc">\n{caption}<thead>{head}</thead>\n'
            f"<tbody>\n{body}\n</tbody>\n{foot}</table>")


def chart(figure: doc.Chart) -> str:
    """The chart as a table of its values (a drawing is the terminal's and the SVG's)."""
    columns = (doc.Column("", right=False), *(doc.Column(s) for s in figure.series))
    rows = tuple((g.label, *g.shown) for g in figure.groups)
    return sheet(doc.Sheet(columns, rows, title=figure.title))


def block(part: doc.Block) -> str:
    if isinstance(part, doc.Heading):
        return f"<h{part.level}>{_text(part.text)}</h{part.level}>"
    if isinstance(part, doc.Sheet):
        return sheet(part)
    if isinstance(part, doc.Prose):
        kind = "" if part.kind is doc.Kind.TEXT else f' class="{part.kind}"'
        return f"<p{kind}>{_text(part.text)}</p>"
    if isinstance(part, doc.List):
        items = "".join(f"<li>{_text(item)}</li>" for item in part.items)
        return f'<ul class="{part.kind}">{items}</ul>'
    return chart(part)


def render(document: doc.Document, options: RenderOptions) -> str:
    title = [block(doc.Heading(document.title))] if document.title else []
    return "\n".join([*title, *map(block, document.blocks)]) + "\n"
