"""Markdown pieces every ``markdown`` renderer uses."""

from __future__ import annotations


def cell(text: str) -> str:
    """A table cell: pipes escaped, line breaks folded to spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[str]], *, align: str = "---") -> list[str]:
    """A pipe table as lines; ``align`` is every column's separator ('---' or '---:')."""
    lines = ["| " + " | ".join(cell(c) for c in header) + " |", "|" + f"{align}|" * len(header)]
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return lines
