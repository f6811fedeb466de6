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
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from bottlecalc.report import extra


class Look(StrEnum):
    """How a terminal draws a table (the styles themselves are in report/layout.py)."""

    BOXED = "boxed"  # rounded box, coloured header: a command's main table
    BOXED_RULED = "boxed-ruled"  # the same, with a rule between rows (multi-line cells)
    PLAIN = "plain"  # a rule under the header only: secondary tables
    PLAIN_FLUSH = "plain-flush"  # plain, no padding at the outer edges
    GRID = "grid"  # no rules at all: right-aligned columns two spaces apart, under a header
    PAIRS = "pairs"  # a key/value sheet: the terminal writes each row as an indented
    # 'key  value' line, the keys padded to one width, its title before them with a colon


class Kind(StrEnum):
    """What a paragraph is, which decides how each writer sets it off."""

    TEXT = "text"  # running text
    CAPTION = "caption"  # a short bold line over what follows (a chart's title)
    RATIO = "ratio"  # the result in one sentence ("16.9x fewer MACs ...")
    VERDICT = "verdict"  # whether the routes agree or a budget held
    LEGEND = "legend"  # what the columns and counts mean (from report/glossary.py)
    NOTE = "note"  # a remark on this run (a warning, the machine timed on)
    ASIDE = "aside"  # a box of key facts beside the argument (Markdown quotes it)
    QUESTION = "question"  # an exercise's question
    ANSWER = "answer"  # its answer (an answer key's)
    BLANK = "blank"  # a line to write the answer on (the words before it: "Answer:")
    WORK = "work"  # a space to work in (the words at its top: "Working:")
    FOOTNOTE = "footnote"  # small print at the end (a pull-request comment's legend)
    SUM = "sum"  # how a total adds up ("conv weights: 589,824 + 589,824 = 1,179,648")


class Tone(StrEnum):
    """How a cell reads at a glance (a terminal colours it; the words say it all)."""

    PLAIN = ""
    GOOD = "good"  # within budget
    WARNING = "warning"  # over, within tolerance
    BAD = "bad"  # exceeded, not measured


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
    ``keys`` columns name a row and are repeated when a terminal stacks the table.
    ``heading``: a level at which formats without captions (Markdown) show the title as a
    heading over the table (0: they leave it out). A :class:`Column` with ``detail``
    stacks a figure over its details in a terminal; the formats that fold a cell's lines
    write it "25,557,032 ✓ (25.56 M)"."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    footer: tuple[str, ...] | None = None
    keys: int = 1
    look: Look = Look.PLAIN
    heading: int = 0  # Markdown: the title as a heading of this level over the table
    tones: tuple[tuple[Tone, ...], ...] = ()  # a tone per cell, row by row (none: plain)
    turn: bool = False  # a terminal too narrow for it may turn it (a column per row)


@dataclass(frozen=True)
class Prose:
    """A paragraph; its ``kind`` decides how each writer sets it off."""

    text: str
    kind: Kind = Kind.TEXT
    good: bool = True  # a VERDICT's outcome (a terminal colours it green or red)


@dataclass(frozen=True)
class List:
    """Items in a list; with ``terms``, each item defines its term, set in bold before it."""

    items: tuple[str, ...]
    kind: Kind = Kind.NOTE
    terms: tuple[str, ...] = ()


MEASURED = "measured "  # a detail line saying what a disagreeing route measured


def folded(text: str) -> str:
    """A detail cell on one line: '1,179,648 ✓\\n1.18 M' -> '1,179,648 ✓ (1.18 M)'; what a
    disagreeing route measured goes last, in square brackets: '... (1.18 M) [measured 1,024]'."""
    first, *rest = text.split("\n")
    details = [line for line in rest if not line.startswith(MEASURED)]
    seen = "".join(f" [{line}]" for line in rest if line.startswith(MEASURED))
    return first + (f" ({', '.join(details)})" if details else "") + seen




# Any block: the three above, or one of report/extra.py's (not built unless drawn)
Block: TypeAlias = "Sheet | Prose | List | extra.Extra"


@dataclass(frozen=True)
class Document:
    """``run_on``: a terminal given no width (a pipe, a file) never wraps the prose, each
    line as long as its text (a report that has always printed so); at a given width prose
    wraps between words all the same."""

    blocks: tuple[Block, ...]
    title: str = ""
    run_on: bool = False
