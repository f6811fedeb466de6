"""The renderer protocol: every format of every command is ``render(result, options) -> str``.

Each command keeps a registry (``report/<command>/registry.py``) from format name to
render function; the CLI derives its ``--format`` choices from that registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
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


class LazyRegistry(Mapping[Format, Renderer[R]]):
    """A registry naming each format's renderer as 'module' (its ``render``) or
    'module:function', imported when the format is used: ``compare --format table`` never
    imports the JSON or CSV writers (a start-up cost every torch-free run would pay)."""

    def __init__(self, modules: Mapping[Format, str]) -> None:
        self._modules = dict(modules)

    def __getitem__(self, fmt: Format) -> Renderer[R]:
        module, _, name = self._modules[fmt].partition(":")
        render: Renderer[R] = getattr(importlib.import_module(module), name or "render")
        return render

    def __iter__(self) -> Iterator[Format]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


def choices(registry: Registry[R]) -> list[str]:
    """The ``--format`` choices a registry offers, in registration order."""
    return [str(fmt) for fmt in registry]
