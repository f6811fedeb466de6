"""Any document as terminal text, through :mod:`bottlecalc.report.layout`: each table
in the first form that fits the width (whole, stacked, or one record per row), prose
wrapped between words, so no number or name is ever cut."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.report import document as doc
from bottlecalc.report import layout
from bottlecalc.report.console import to_str
from bottlecalc.report.render import RenderOptions

if TYPE_CHECKING:  # imported when drawn: most documents have none of these blocks
    from bottlecalc.report import extra

LOOKS = {doc.Look.BOXED: layout.BOXED, doc.Look.BOXED_RULED: layout.BOXED_RULED,
         doc.Look.PLAIN: layout.PLAIN, doc.Look.PLAIN_FLUSH: layout.PLAIN_FLUSH,
         doc.Look.GRID: layout.GRID,
         doc.Look.PAIRS: layout.PLAIN_FLUSH}  # pairs laid out as a table (a figure's sheet)
# How a paragraph of each kind looks: (prefix, style, hanging indent)
PROSE = {doc.Kind.TEXT: ("", "", 2), doc.Kind.CAPTION: ("", "bold", 0),
         doc.Kind.RATIO: ("", "bold green", 0), doc.Kind.VERDICT: ("", "green", 0),
         doc.Kind.LEGEND: ("", "dim", 0), doc.Kind.NOTE: ("* ", "yellow", 2),
         doc.Kind.ASIDE: ("│ ", "", 2), doc.Kind.QUESTION: ("", "", 2),
         doc.Kind.ANSWER: ("", "bold", 2), doc.Kind.BLANK: ("", "", 2),
         doc.Kind.WORK: ("", "dim", 2), doc.Kind.FOOTNOTE: ("", "dim", 0),
         doc.Kind.SUM: ("", "", 0)}
TONES = {doc.Tone.PLAIN: "", doc.Tone.GOOD: "green", doc.Tone.WARNING: "yellow",
         doc.Tone.BAD: "bold red"}
MARKS = {"✓": "green", "✗": "bold red"}  # how a detail cell's agreement mark looks
SERIES = ("yellow", "cyan", "magenta", "green", "blue", "red")  # a chart's bar colours
EIGHTHS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 40  # the longest bar, when the width allows
PAIR_INDENT, VALUE_INDENT = 2, 4  # a key/value line's; a value's under its key (narrow)


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar, linear in ``value``, in eighths of a character."""
    eighths = round(8 * width * value / largest) if largest else 0
    if value and not eighths:
        eighths = 1  # a non-zero count never draws as nothing
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def chart(figure: extra.Chart, width: int | None) -> Text:
    """A bar per series in each group, on one linear scale, as wide as ``width`` allows
    (the numbers are never cut: at the narrowest, bars shrink to a character)."""
    largest = max((v for g in figure.groups for v in g.values), default=0)
    label = max(len(g.label) for g in figure.groups)
    name = max(len(s) for s in figure.series)
    shown = max(len(s) for g in figure.groups for s in g.shown)
    room = BAR_WIDTH if width is None else width - label - name - 3 - shown
    out = Text(no_wrap=True, overflow="ignore")
    for group in figure.groups:
        for i, series in enumerate(figure.series):
            out.append(f"{group.label if i == 0 else '':>{label}} {series:<{name}} ")
            out.append(bar(group.values[i], largest, max(1, min(BAR_WIDTH, room))),
                       style=SERIES[i % len(SERIES)])
            out.append(f" {group.shown[i]}\n")
    return out


def styled(text: str, column: doc.Column, tone: doc.Tone) -> str | Text:
    """A cell as the terminal draws it: a detail cell bold over dim, a toned cell coloured."""
    if column.detail:
        return detail(text)
    return Text(text, style=TONES[tone]) if tone else text


def detail(text: str) -> Text:
    """A detail cell: the figure bold (its ✓ green, its ✗ bold red), the details under it
    dim but what a disagreeing route measured, bold red; an unknown figure ('—') dim
    throughout."""
    first, *rest = text.split("\n")
    if first == "—":
        return Text(text, style="dim")
    figure, _, mark = first.rpartition(" ")
    out = Text(figure, style="bold") if mark in MARKS else Text(first, style="bold")
    if mark in MARKS:
        out.append(f" {mark}", style=MARKS[mark])
    for red, lines in groupby(rest, key=lambda line: line.startswith(doc.MEASURED)):
        out.append("".join(f"\n{line}" for line in lines), style="bold red" if red else "dim")
    return out


def sheet(table: doc.Sheet) -> layout.Sheet:
    columns = tuple(layout.Column(c.header, right=c.right) for c in table.columns)
    tones = table.tones or tuple((doc.Tone.PLAIN,) * len(row) for row in table.rows)
    rows = tuple(tuple(styled(*cell) for cell in zip(row, table.columns, row_tones, strict=True))
                 for row, row_tones in zip(table.rows, tones, strict=True))
    return layout.Sheet(columns, rows, title=table.title, total=table.footer,
                        keys=table.keys, style=LOOKS[table.look])


def prose(part: doc.Prose, wrap_at: int | None = layout.PROSE_WIDTH) -> layout.Prose:
    prefix, style, hang = PROSE[part.kind]
    if part.kind is doc.Kind.VERDICT and not part.good:
        style = "bold red"
    return layout.Prose(prefix + part.text, style=style, hang=hang, wrap_at=wrap_at)


def pairs(table: doc.Sheet, width: int | None) -> list[RenderableType]:
    """A key/value sheet as indented 'key  value' lines, the keys padded to one width, a
    value too long for the width wrapping under its start (never wrapped when unbounded,
    like any table); when the value column is too narrow for a value's words (or for
    wrapping under its start), each key on a line of its own and its value under it at a
    fixed indent, whole where the line holds it, no number ever cut."""
    rows = (*table.rows, *((table.footer,) if table.footer else ()))
    pad = max((len(row[0]) for row in rows), default=0)
    title = [layout.Prose(f"{table.title}:", wrap_at=None)] if table.title else []
    values = ["  ".join(row[1:]) for row in rows]
    if width is None or _column_fits(values, pad + 4, width):
        return [*title, *(layout.Prose(f"{row[0]:<{pad}}  {value}", indent=PAIR_INDENT,
                                       hang=pad + 4, wrap_at=None)
                          for row, value in zip(rows, values, strict=True))]
    return [*title, *(layout.Prose(text, indent=indent, hang=indent, wrap_at=None)
                      for row, value in zip(rows, values, strict=True)
                      for text, indent in ((row[0], PAIR_INDENT), (value, VALUE_INDENT)))]


def _column_fits(values: list[str], start: int, width: int) -> bool:
    """Whether values starting at column ``start`` fit ``width``: each whole, or wrapped
    between words under its start (every word fits there; a terminal's hanging indent is at
    most half its width)."""
    if all(start + cell_len(value) <= width for value in values):
        return True
    words = (cell_len(word) for value in values for word in value.split(" "))
    return 2 * start <= width and all(start + word <= width for word in words)


def block(part: doc.Block, width: int | None,
          wrap_at: int | None = layout.PROSE_WIDTH) -> list[RenderableType]:
    """The block for a terminal ``width`` wide; prose wraps at ``wrap_at`` when the width
    is unbounded (None: never)."""
    if isinstance(part, doc.Sheet):
        if part.look is doc.Look.PAIRS:
            return pairs(part, width)
        return [layout.fit(sheet(part), width, turn=part.turn)]
    if isinstance(part, doc.Prose):
        return [prose(part, wrap_at)]
    if isinstance(part, doc.List):
        terms = [f"{term}: " for term in part.terms] or [""] * len(part.items)
        return [prose(doc.Prose(term + item, part.kind), wrap_at)
                for term, item in zip(terms, part.items, strict=True)]
    return more(part, width, wrap_at)


def more(part: extra.Extra, width: int | None, wrap_at: int | None) -> list[RenderableType]:
    """The blocks of :mod:`~bottlecalc.report.extra`: a heading (green or red when it is a
    verdict), a chart, numbered entries (each block of an entry drawn in turn), a comment
    (for machines reading a page: a terminal has none), details shown in place, and
    :func:`drawn`'s."""
    from bottlecalc.report import extra

    if isinstance(part, extra.Heading):
        style = {None: "bold", True: "bold green", False: "bold red"}[part.good]
        return [layout.Prose(part.shown, style=style, wrap_at=wrap_at)]
    if isinstance(part, extra.Chart):
        return [layout.Prose(part.title, style="bold"), chart(part, width)]
    if isinstance(part, extra.Entries):
        return [r for number, entry in enumerate(part.entries, 1)
                for r in [layout.Prose(f"{number}.", style="bold"),
                          *(r for b in entry.blocks for r in block(b, width, wrap_at))]]
    if isinstance(part, extra.Comment):
        return []
    if isinstance(part, extra.Details):
        return [r for inner in part.blocks for r in block(inner, width, wrap_at)]
    return drawn(part, width)


def drawn(part: extra.Code | extra.Figure | extra.Rule | extra.Gap,
          width: int | None) -> list[RenderableType]:
    """Text kept line for line (never wrapped: a line too wide runs on, uncut); a figure
    as its drawing in characters, or its sheet; a rule as a line; a gap as a blank line."""
    from rich.rule import Rule

    from bottlecalc.report import extra

    if isinstance(part, extra.Rule):
        return [Rule(style="dim")]
    if isinstance(part, extra.Gap):
        return [Text("")]
    if isinstance(part, extra.Figure) and not part.text:
        return [layout.fit(sheet(part.sheet), width)] if part.sheet else []
    return [Text(part.text, no_wrap=True, overflow="ignore")]


def renderable(document: doc.Document, width: int | None) -> Group:
    """The document laid out for ``width`` (None: as wide as its tables need), for a
    console that prints it (``bottlecalc.count`` in a notebook or a terminal)."""
    wrap_at = None if document.run_on else layout.PROSE_WIDTH
    parts: list[RenderableType] = ([layout.Prose(document.title, style="bold", wrap_at=wrap_at)]
                                   if document.title else [])
    parts += [r for part in document.blocks for r in block(part, width, wrap_at)]
    return Group(*parts)


def render(document: doc.Document, options: RenderOptions) -> str:
    return to_str(renderable(document, options.width), color=options.color,
                  width=options.width)
