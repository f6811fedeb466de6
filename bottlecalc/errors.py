"""Exception hierarchy. Each error carries the process exit code the CLI uses for it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class BottlecalcError(Exception):
    """Root of every error bottlecalc raises on purpose."""

    exit_code = 3


class SpecError(BottlecalcError, ValueError):
    """Bad user input: the message names the option and the value (exit 2)."""

    exit_code = 2


class MeasureError(BottlecalcError):
    """torch, fvcore or a user's model failed while being built or measured (exit 3)."""

    exit_code = 3


@contextmanager
def failing_as(what: str, *,
               keep: tuple[type[BaseException], ...] = (MeasureError,)) -> Iterator[None]:
    """Any exception inside, except those in ``keep`` (already one clear line), as one
    MeasureError line: '<what> failed: <type>: <message>' (exit 3)."""
    try:
        yield
    except keep:
        raise
    except Exception as exc:
        raise MeasureError(f"{what} failed: {type(exc).__name__}: {exc}") from exc


class BottlecalcWarning(UserWarning):
    """Root of bottlecalc's warnings; the CLI shows each as one ``bottlecalc: warning:`` line."""


class UntestedTorchWarning(BottlecalcWarning):
    """The torch in use is outside the range bottlecalc's counts were tested on."""
