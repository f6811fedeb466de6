"""The one rich console set-up: a renderable to a string, coloured or plain, at a width."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table


def to_str(renderable: RenderableType, *, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False,
                      legacy_windows=False)
    console.print(renderable)
    return buffer.getvalue()


def rows_table(title: str, header: list[str], rows: list[list[str]], *,
               text_columns: int = 1) -> Table:
    """A plain table of strings: the first ``text_columns`` left-aligned, the numbers
    right-aligned; no cell wraps, so an exact integer is never cut."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", header_style="bold",
                  pad_edge=False)
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i < text_columns else "right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table
