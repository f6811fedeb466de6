"""A report as data: what a command says, apart from how a format draws it.

A command builds one :class:`Document` from its typed result (a title, then headings,
sheets, prose, lists and charts, in reading order); the writers in
:mod:`bottlecalc.report.writers` draw any document as a terminal table (rich), Markdown
or HTML. A new text format is one writer; a new command is one document builder.

Cells and prose are plain text: numbers arrive already written out exactly (never cut by
any writer). A cell may hold a second line (``"1.2 ms\\nnoisy"``): the terminal keeps it,
Markdown and HTML fold it to one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Look(StrEnum):
    """How a terminal draws a table (the styles themselves are in report/layout.py)."""

    BOXED = "boxed"  # rounded box, coloured header: a command's main table
    BOXED_RULED = "boxed-ruled"  # the same, with a rule between rows (multi-line cells)
    PLAIN = "plain"  # a rule under the header only: secondary tables
    PLAIN_FLUSH = "plain-flush"  # plain, no padding at the outer edges


class Kind(StrEnum):
    """What a paragraph is, which decides how each writer sets it off."""

    TEXT = "text"  # running text
    CAPTION = "caption"  # a short bold line over what follows (a chart's title)
    RATIO = "ratio"  # the result in one sentence ("16.9x fewer MACs ...")
    VERDICT = "verdict"  # whether the routes agree or a budget held
    LEGEND = "legend"  # what the columns and counts mean (from report/glossary.py)
    NOTE = "note"  # a remark on this run (a warning, the machine timed on)
    SUM = "sum"  # how a total adds up ("conv weights: 589,824 + 589,824 = 1,179,648")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Column:
    """A table column: its ``name``, and a ``short`` header for the terminal, where a
    column's width counts (it may break over lines: 'basic\\nMACs'); ``right``-aligned
    when it holds numbers. A ``detail`` column's cells are a figure over its details
    ('1,179,648 ✓' over '1.18 M'): a terminal sets the first line bold and the rest dim,
    Markdown and HTML write the details in brackets after it (see :func:`folded`)."""

    name: str
    short: str = ""
    right: bool = True
    detail: bool = False

    @property
    def header(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Sheet:
    """A table. ``title`` is its caption (the terminal's title line, HTML's
    ``<caption>``; a Markdown pipe table has none: a title every format must show is a
    :class:`Heading`). ``footer`` is a total row, set off below the rows; the first
    ``keys`` columns name a row and are repeated when a terminal stacks the table."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    footer: tuple[str, ...] | None = None
    keys: int = 1
    look: Look = Look.PLAIN
    turn: bool = False  # a terminal too narrow for it may turn it (a column per row)
    heading: int = 0  # Markdown: the title as a heading of this level over the table


@dataclass(frozen=True)
class Prose:
    text: str
    kind: Kind = Kind.TEXT
    good: bool = True  # a VERDICT's outcome (a terminal colours it green or red)


@dataclass(frozen=True)
class List:
    items: tuple[str, ...]
    kind: Kind = Kind.NOTE


@dataclass(frozen=True)
class Bars:
    """One group of a chart: its label and one value per series, with the value written
    out as the chart prints it."""

    label: str
    values: tuple[float, ...]
    shown: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """Bars on one linear scale, a bar per series in each group. Writers that cannot
    draw (Markdown) leave it out: the sheet it illustrates holds the same numbers."""

    title: str
    series: tuple[str, ...]
    groups: tuple[Bars, ...]


def folded(text: str) -> str:
    """A detail cell on one line: '1,179,648 ✓\\n1.18 M' -> '1,179,648 ✓ (1.18 M)'."""
    first, *rest = text.split("\n")
    return f"{first} ({', '.join(rest)})" if rest else first


Block = Heading | Sheet | Prose | List | Chart


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    title: str = ""
