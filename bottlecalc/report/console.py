"""The one rich console set-up: a renderable to a string, coloured or plain, at a width.

Nothing is ever cropped: a table is only laid out at a width it fits
(:mod:`~bottlecalc.report.layout` picks the layout), and a word longer than the width is
printed whole rather than cut. ``width=None`` means unbounded (a pipe or a file): the
output then takes the width it needs. Trailing spaces are dropped from every line.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

from rich.console import Console, RenderableType
from rich.measure import Measurement

UNBOUNDED = 100_000  # columns that stand for "no limit" when measuring
_TRAILING = re.compile(r"\s+((?:\x1b\[[0-9;]*m)*)$")  # trailing spaces, colour codes kept


def _console(file: TextIO, *, color: bool, width: int) -> Console:
    # force_jupyter=False: inside Jupyter rich would display the output and write nothing
    return Console(file=file, width=width, force_terminal=color, no_color=not color,
                   color_system="standard" if color else None, highlight=False,
                   legacy_windows=False, emoji=False, markup=False, soft_wrap=False,
                   force_jupyter=False)


def natural_width(renderable: RenderableType) -> int:
    """The columns ``renderable`` takes when nothing limits its width."""
    console = _console(io.StringIO(), color=False, width=UNBOUNDED)
    return Measurement.get(console, console.options, renderable).maximum


def fits(renderable: RenderableType, width: int | None) -> bool:
    return width is None or natural_width(renderable) <= width


def to_str(renderable: RenderableType, *, color: bool, width: int | None) -> str:
    """``renderable`` as text ``width`` columns wide (``None``: as wide as it needs)."""
    buffer = io.StringIO()
    wide = natural_width(renderable) if width is None else width
    _console(buffer, color=color, width=max(wide, 1)).print(renderable, crop=False)
    return "".join(_TRAILING.sub(r"\1", line) + "\n" for line in buffer.getvalue().splitlines())

