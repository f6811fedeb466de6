"""Where data goes: stdout, or a file named with ``-o`` (written atomically). Messages go to
stderr. Also how a table is laid out for where it is going (colour and width)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TypeVar

import click

from bottlecalc.report.render import Format, Registry, RenderOptions

R = TypeVar("R")


def render_options(output: Path | None, *, explain: bool = False) -> RenderOptions:
    """Colour and the terminal's width only when the data goes to a terminal."""
    color = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size((132, 40)).columns if color else None
    return RenderOptions(explain=explain, color=color, width=width)


def write(registry: Registry[R], fmt: Format, result: R, output: Path | None, *,
          explain: bool = False) -> None:
    """Render ``result`` in ``fmt`` and send it where the user asked."""
    emit(registry[fmt](result, render_options(output, explain=explain)), output)


def emit(text: str, output: Path | None) -> None:
    """Data goes to stdout, or atomically to ``output`` (temp file, then rename)."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(output, text)


def write_file(path: Path, data: str | bytes) -> None:
    """Write a file atomically and say so on stderr."""
    write_atomic(path, data)
    click.echo(f"wrote {path}", err=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Never leave a half-written file: write a temp file beside ``path``, then move it."""
    path = path.expanduser()
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a plain open() would not
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
