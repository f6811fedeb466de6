"""The one rich console set-up: a renderable to a string, coloured or plain, at a width."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType


def to_str(renderable: RenderableType, *, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False,
                      legacy_windows=False)
    console.print(renderable)
    return buffer.getvalue()
