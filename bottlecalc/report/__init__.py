"""Renderers: each format is a small module whose ``render(result, ...)`` returns a str.

Only :mod:`bottlecalc.report.table` imports rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


FORMATS = [str(f) for f in Format]

# format -> module whose ``render(result, *, explain=...)`` returns the text. Imported on
# use, so JSON output never pays for rich.
COMPARE_RENDERERS: dict[str, str] = {
    Format.TABLE: "bottlecalc.report.table",
    Format.JSON: "bottlecalc.report.jsonfmt",
    Format.CSV: "bottlecalc.report.csvfmt",
    Format.MARKDOWN: "bottlecalc.report.markdown",
}


def renderer(registry: dict[str, str], fmt: str) -> Callable[..., str]:
    module = importlib.import_module(registry[fmt])
    render: Callable[..., Any] = module.render
    return render
