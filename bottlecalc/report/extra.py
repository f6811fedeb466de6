"""The blocks only some documents draw: headings (check, the handout and worksheet), charts
(sweep), code, figures, rules and numbered entries (the handout and worksheet), comments and
folded details (check's pull-request comment), and gaps (scaling's terminal layout).

Apart from :mod:`bottlecalc.report.document`'s sheets, prose and lists, which every
command draws, so that a command drawing none of these does not build them at
start-up (each record costs its class's generated methods when the module is imported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from bottlecalc.report.document import Block, Sheet


@dataclass(frozen=True)
class Heading:
    """A heading; ``anchor`` names it for links (HTML's ``id``), ``typed`` says the user
    typed its words (a ``--title``): Markdown escapes their markup so they cannot inject
    links or HTML; a verdict's heading (``good`` set) opens with ✅ or ❌."""

    text: str
    level: int = 2
    anchor: str = ""
    typed: bool = False
    good: bool | None = None

    @property
    def shown(self) -> str:
        return self.text if self.good is None else f"{'✅' if self.good else '❌'} {self.text}"


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


@dataclass(frozen=True)
class Code:
    """Preformatted text, kept line for line (a program, an error message); ``language``
    names it for Markdown's fence."""

    text: str
    language: str = "text"


@dataclass(frozen=True)
class Figure:
    """A drawing bottlecalc made as SVG (a block diagram, a chart). HTML embeds ``svg``;
    formats that cannot draw it show ``text``, a drawing in characters, when there is
    one, else the ``sheet`` of its numbers, else nothing."""

    svg: str
    text: str = ""
    sheet: Sheet | None = None


@dataclass(frozen=True)
class Rule:
    """A line across the page: what follows closes the document (who made it, the
    conventions)."""


@dataclass(frozen=True)
class Entry:
    """One item of a numbered list, made of blocks (an exercise: its question, its answer);
    ``data`` are facts about it for programs to read (HTML's ``data-`` attributes: the
    exact answer, the block asked about); other formats leave them out."""

    blocks: tuple[Block, ...]
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Entries:
    """A numbered list of entries; ``label`` says what each is (HTML's class)."""

    entries: tuple[Entry, ...]
    label: str = "entry"


@dataclass(frozen=True)
class Comment:
    """A line for machines, not readers (the marker a CI bot finds its comment by):
    Markdown and HTML carry it as an HTML comment, the terminal leaves it out."""

    text: str


@dataclass(frozen=True)
class Gap:
    """A blank line between a terminal's sections (Markdown and HTML, which set every
    block apart anyway, leave it out)."""


@dataclass(frozen=True)
class Details:
    """Blocks a reader opens on demand: Markdown and HTML fold them under ``summary``
    (``<details>``), the terminal shows them in place."""

    summary: str
    blocks: tuple[Block, ...]


Extra: TypeAlias = Heading | Chart | Code | Figure | Rule | Entries | Comment | Details | Gap
