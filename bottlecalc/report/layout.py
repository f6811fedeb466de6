"""How a table fits the width it is given, without ever cutting a number or a name.

A :class:`Sheet` is a table's content. :func:`fit` lays it out in the first of these
forms that fits the width:

1. the whole table, at its natural width (no cell is ever wrapped, folded or cut);
2. where asked (``turn``), the table turned: a column per row, a row per column;
3. the columns stacked: several narrower tables, each repeating the key column(s);
4. one record per row: a heading, then one ``label  value`` line per column.

Running text is :class:`Prose`: it wraps between words only, so an integer such as
``3,538,944`` or a name such as ``layer1.0.downsample.0`` always stays whole (a word
longer than the width is printed whole, past the edge, rather than cut).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from bottlecalc.report.console import fits

PROSE_WIDTH = 100  # where running text wraps when the width is unbounded (a pipe, a file)
MOST_STACKED = 3  # past this many stacked tables, one record per row reads better
_WORD = re.compile(r"[^ ]+ *")  # lines break at plain spaces only
GLUE = "\u00a0"  # a space no line breaks at (printed as a plain space)


def _breaks(plain: str, first: int, rest: int) -> list[int]:
    """Offsets that split ``plain`` between words into a line of at most ``first`` cells,
    then lines of at most ``rest`` cells (a longer word gets a line of its own)."""
    breaks, used, width = [], 0, first
    for match in _WORD.finditer(plain):
        word = cell_len(match.group().rstrip(" "))
        if used and used + word > width:
            breaks.append(match.start())
            used, width = 0, rest
        used += cell_len(match.group())
    return breaks


def glue(text: Text) -> Text:
    """``text`` with its spaces made unbreakable, so Prose keeps '11.63 M' on one line."""
    glued = text.copy()
    glued.plain = glued.plain.replace(" ", GLUE)
    return glued


class Prose:
    """Text that wraps between words only, with a hanging indent for follow-on lines;
    ``wrap_at``: where it wraps when the width is unbounded (None: never, it runs on)."""

    def __init__(self, text: str | Text, *, style: str = "", indent: int = 0,
                 hang: int = 0, wrap_at: int | None = PROSE_WIDTH) -> None:
        self.text = Text.assemble(text, style=style)
        self.indent, self.hang, self.wrap_at = indent, hang, wrap_at

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        longest = max((cell_len(word) for word in re.split("[ \n]", plain)), default=0)
        full = max((cell_len(line) for line in plain.splitlines()), default=0)
        wrapped = full if self.wrap_at is None else min(full, self.wrap_at)
        return Measurement(self.hang + longest, max(self.indent + wrapped, self.hang + longest))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for paragraph in self.text.split("\n", allow_blank=True):
            yield from self._lines(paragraph, options.max_width)

    def _lines(self, paragraph: Text, width: int) -> Iterator[Text]:
        indent, hang = (min(pad, width // 2) for pad in (self.indent, self.hang))
        offsets = _breaks(paragraph.plain, width - indent, width - hang)
        for number, line in enumerate(paragraph.divide(offsets)):
            line.rstrip()
            line.plain = line.plain.replace(GLUE, " ")
            pad = " " * (hang if number else indent)
            yield Text.assemble(pad, line, no_wrap=True, overflow="ignore")


def flat(cell: str | Text) -> Text:
    """A multi-line cell on one line: 'exact ✓\\nshort' -> 'exact ✓ (short)'."""
    text = Text(cell) if isinstance(cell, str) else cell
    first, *rest = text.split("\n")
    if not rest:
        return first
    return Text.assemble(first, " (", Text("; ").join(map(glue, rest)), ")")


Cell = str | Text
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Column:
    """A column's header (it may break over lines) and whether its cells are numbers."""

    header: str
    right: bool = True  # justify


@dataclass(frozen=True)
class Sheet:
    """A table's content; ``keys`` leading columns name a row (repeated when stacked)."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    title: str = ""
    total: Row | None = None  # a last row, after a rule, in bold
    keys: int = 1
    style: dict[str, Any] = field(default_factory=dict)  # rich Table keywords

    def table(self, indices: Sequence[int], *, titled: bool = True) -> Table:
        table = Table(title=self.title if titled and self.title else None, **self.style)
        for i in indices:
            column = self.columns[i]
            table.add_column(column.header, justify="right" if column.right else "left",
                             no_wrap=True)
        for row in self.rows:
            table.add_row(*(row[i] for i in indices))
        if self.total is not None:
            table.add_section()
            table.add_row(*(self.total[i] for i in indices), style="bold")
        return table


# The table styles, as rich Table keywords: every table bottlecalc draws uses one of these.
BOXED = {"box": box.ROUNDED, "header_style": "bold cyan", "title_style": "bold"}
BOXED_RULED = {**BOXED, "show_lines": True}  # a rule between rows (multi-line cells)
PLAIN = {"box": box.SIMPLE_HEAD, "title_justify": "left", "header_style": "bold"}
PLAIN_FLUSH = {**PLAIN, "pad_edge": False}  # no padding outside the first and last columns
# no rules at all: columns two spaces apart under a bold header
GRID: dict[str, Any] = {"box": None, "pad_edge": False, "header_style": "bold"}


def fit(sheet: Sheet, width: int | None, *, turn: bool = False) -> RenderableType:
    """The whole table if it fits ``width``; else (``turn``) the table turned so its rows
    are columns; else its columns stacked; else one record per row."""
    whole = sheet.table(range(len(sheet.columns)))
    if fits(whole, width):
        return whole
    assert width is not None
    if turn and fits(turned := transposed(sheet).table(range(len(sheet.rows) + 1)), width):
        return turned
    return stacked(sheet, width) or records(sheet)


def transposed(sheet: Sheet) -> Sheet:
    """Rows become columns, headed by their key cells; columns become rows."""
    heads = (Column("", right=False),
             *(Column("\n".join(str(c) for c in row[:sheet.keys])) for row in sheet.rows))
    labels = [column.header.replace("\n", " ") for column in sheet.columns]
    rows = tuple((labels[i], *(row[i] for row in sheet.rows))
                 for i in range(sheet.keys, len(sheet.columns)))
    return Sheet(heads, rows, title=sheet.title, style=sheet.style)


def stacked(sheet: Sheet, width: int) -> Group | None:
    """Narrower tables, each with the key columns and as many others as fit; None if even
    one other column does not fit beside the keys, or it takes over MOST_STACKED tables."""
    keys = list(range(sheet.keys))
    chunks: list[list[int]] = []
    for i in range(sheet.keys, len(sheet.columns)):
        if chunks and fits(sheet.table([*keys, *chunks[-1], i]), width):
            chunks[-1].append(i)
        elif fits(sheet.table([*keys, i]), width):
            chunks.append([i])
        else:
            return None
    if len(chunks) > MOST_STACKED:
        return None
    ruled = sheet.style.get("box", box.ROUNDED) is not None  # else a blank line between
    parts: list[RenderableType] = []
    for n, chunk in enumerate(chunks):
        parts += [Text("")] if n and not ruled else []
        parts.append(sheet.table([*keys, *chunk], titled=n == 0))
    return Group(*parts)


def records(sheet: Sheet) -> Group:
    """One record per row: the key cells as a heading, then a line per other column."""
    labels = [column.header.replace("\n", " ") for column in sheet.columns]
    pad = max((cell_len(label) for label in labels[sheet.keys:]), default=0)
    parts: list[RenderableType] = [Prose(sheet.title, style="bold")] if sheet.title else []
    for row in (*sheet.rows, *((sheet.total,) if sheet.total else ())):
        heading = Text(" ").join(flat(c) for c in row[:sheet.keys] if str(c).strip())
        if heading.plain:
            parts.append(Prose(heading, style="bold"))
        for label, cell in zip(labels[sheet.keys:], row[sheet.keys:], strict=True):
            if str(cell).strip():
                line = Text.assemble(f"{label:<{pad}}  ", flat(cell))
                parts.append(Prose(line, indent=2, hang=pad + 4))
    return Group(*parts)
