"""The torch releases bottlecalc's counts were tested on, and the one line it says otherwise.

The measuring routes lean on torch internals that change between releases (FlopCounterMode's
dispatch mode, meta-device kernels, module tracking). ``tools/torch_matrix.py`` runs the test
suite on the oldest and newest releases below; docs/compatibility.md has the results.
pyproject.toml requires at least :data:`OLDEST`; a newer minor release than :data:`NEWEST`
installs, and counting on it warns once (:class:`~bottlecalc.errors.UntestedTorchWarning`)
that it was not tested; the CLI shows that as one stderr line.
"""

from __future__ import annotations

import re
import warnings

import torch

from bottlecalc.errors import UntestedTorchWarning

OLDEST = (2, 3, 1)  # pyproject.toml: torch>=2.3.1
NEWEST = (2, 15, 0)  # any 2.15.x counts as tested


def release(version: str) -> tuple[int, int, int]:
    """``'2.13.0+cpu'`` -> (2, 13, 0); a pre-release counts as its release."""
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    if found is None:
        return (0, 0, 0)
    major, minor, patch = found.groups()
    return int(major), int(minor), int(patch or 0)


def untested_note(version: str) -> str | None:
    """The line to say for a torch outside the tested range, or None inside it."""
    found = release(version)
    if found >= OLDEST and found[:2] <= NEWEST[:2]:
        return None
    oldest, newest = ".".join(map(str, OLDEST)), ".".join(map(str, NEWEST[:2]))
    return (f"torch {version} is outside the tested range {oldest} to "
            f"{newest}.x; counts may differ (see docs/compatibility.md)")


def warn_if_untested() -> None:
    """Warn :func:`untested_note` for the torch in use (called once, on import)."""
    note = untested_note(str(torch.__version__))
    if note is not None:
        warnings.warn(note, UntestedTorchWarning, stacklevel=2)
