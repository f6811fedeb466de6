"""The renderer protocol: every format of every command is ``render(result, options) -> str``.

Each command keeps a registry (``report/<command>/registry.py``) from format name to
render function; the CLI derives its ``--format`` choices from that registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar


class Format(StrEnum):
    """Every output format name, across commands (each command registers a subset)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    GITHUB = "github"
    JUNIT = "junit"
    TEXT = "text"
    SVG = "svg"
    HTML = "html"


@dataclass(frozen=True)
class RenderOptions:
    """How the user asked to see a result; formats ignore what does not apply to them."""

    explain: bool = False  # add the per-layer derivation
    color: bool = False  # ANSI colour (terminal tables only)
    width: int | None = None  # terminal columns; None: the format's own default


R = TypeVar("R")
Renderer = Callable[[R, RenderOptions], str]
Registry = Mapping[Format, Renderer[R]]


def choices(registry: Registry[R]) -> list[str]:
    """The ``--format`` choices a registry offers, in registration order."""
    return [str(fmt) for fmt in registry]
