"""Text a user typed or a tool raised, made safe for a line-oriented stream."""

from __future__ import annotations


def one_line(message: str) -> str:
    """``message`` with newlines and other control characters escaped (``\\n``, ``\\x01``):
    one stderr line whatever a name, path or error holds, so no line can start with a
    CI command (``::error``) that a budget's name smuggled in."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
