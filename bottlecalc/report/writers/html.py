"""Any document as an HTML fragment (every text escaped), to embed in a page or a notebook."""

from __future__ import annotations

from html import escape

from bottlecalc.report import document as doc
from bottlecalc.report import extra
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


def chart(figure: extra.Chart) -> str:
    """The chart as a table of its values (a drawing is the terminal's and the SVG's)."""
    columns = (doc.Column("", right=False), *(doc.Column(s) for s in figure.series))
    rows = tuple((g.label, *g.shown) for g in figure.groups)
    return sheet(doc.Sheet(columns, rows, title=figure.title))


def heading(part: extra.Heading) -> str:
    anchor = f' id="{escape(part.anchor)}"' if part.anchor else ""
    return f"<h{part.level}{anchor}>{_text(part.shown)}</h{part.level}>"


def items(part: doc.List) -> str:
    terms = [f"<b>{_text(term)}</b>: " for term in part.terms] or [""] * len(part.items)
    shown = "".join(f"<li>{term}{_text(item)}</li>"
                    for term, item in zip(terms, part.items, strict=True))
    return f'<ul class="{part.kind}">{shown}</ul>'


def entries(part: extra.Entries) -> str:
    """An ordered list; each item its blocks, its data as ``data-`` attributes."""
    items = []
    for entry in part.entries:
        data = "".join(f' data-{name}="{escape(value)}"' for name, value in entry.data)
        items.append(f'<li class="{escape(part.label)}"{data}>'
                     f"{''.join(map(block, entry.blocks))}</li>")
    return f"<ol>{''.join(items)}</ol>"


def block(part: doc.Block) -> str:
    if isinstance(part, extra.Heading):
        return heading(part)
    if isinstance(part, doc.Sheet):
        return sheet(part)
    if isinstance(part, doc.Prose):
        kind = "" if part.kind is doc.Kind.TEXT else f' class="{part.kind}"'
        return f"<p{kind}>{_text(part.text)}</p>"
    if isinstance(part, doc.List):
        return items(part)
    if isinstance(part, extra.Code):
        return f'<pre class="{escape(part.language)}">{escape(part.text)}</pre>'
    if isinstance(part, extra.Figure):
        return f'<div class="figure">{part.svg}</div>'  # bottlecalc's own SVG, escaped there
    if isinstance(part, extra.Rule):
        return "<hr>"
    if isinstance(part, extra.Entries):
        return entries(part)
    if isinstance(part, extra.Comment):
        return f"<!-- {_text(part.text)} -->"
    if isinstance(part, extra.Details):
        inner = "\n".join(map(block, part.blocks))
        return f"<details><summary>{_text(part.summary)}</summary>\n{inner}\n</details>"
    if isinstance(part, extra.Gap):
        return ""  # a terminal's blank line: blocks here are set apart anyway
    return chart(part)


def page(document: doc.Document, *, title: str, lang: str, css: str) -> str:
    """The document as one self-contained page (UTF-8, no scripts, no external resources):
    its ``title``, its language tag (``lang``: 'en', 'zh-CN'), its styles."""
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f"<main>\n{render(document, RenderOptions())}</main>\n</body>\n</html>\n")


def render(document: doc.Document, options: RenderOptions) -> str:
    title = [block(extra.Heading(document.title))] if document.title else []
    return "\n".join(part for part in [*title, *map(block, document.blocks)] if part) + "\n"
