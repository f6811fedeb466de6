"""Markdown pieces every ``markdown`` renderer uses."""

from __future__ import annotations

from collections.abc import Sequence


def cell(text: str) -> str:
    """A table cell: pipes escaped, line breaks folded to spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[str]], *, align: str = "---") -> list[str]:
    """A pipe table as lines; ``align`` is every column's separator ('---' or '---:')."""
    lines = ["| " + " | ".join(cell(c) for c in header) + " |", "|" + f"{align}|" * len(header)]
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return lines


def ending(agreement: str, legends: Sequence[str], notes: Sequence[str]) -> list[str]:
    """A report's last lines: whether the routes agree, each legend in italics, the notes."""
    lines = ["", agreement, ""]
    for legend in legends:
        lines += [f"_{legend}_", ""]
    return lines + [f"- {note}" for note in notes]


def document(lines: Sequence[str]) -> str:
    """The lines as one Markdown text ending in exactly one newline."""
    return "\n".join(lines).rstrip("\n") + "\n"
