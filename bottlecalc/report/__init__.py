"""Renderers: each format is a small module whose ``render(result, ...)`` returns a str.

Only :mod:`bottlecalc.report.table` imports rich.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


FORMATS = [str(f) for f in Format]
