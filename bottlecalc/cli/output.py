"""Where data goes, and how it is laid out for where it goes. Messages go to stderr.

Data goes to stdout, or to the file named with ``-o`` (also ``--svg``, ``--plot``):

* ``-o -`` is stdout;
* a regular file is written atomically (a temporary file beside it, then renamed); an
  existing one keeps its mode and owner (when a rename could not keep the owner, or
  the file has other hard links, it is rewritten in place instead);
* a symbolic link is followed: its target is written, atomically, beside the target;
* a device, a FIFO, or any path under ``/dev`` or ``/proc`` (``/dev/stdout``) is
  written through, never replaced;
* names are checked when the command line is parsed, before any work: an empty name,
  a directory, a missing or unwritable directory, an unwritable file, or an extension
  that names another format is a usage error (exit 2) naming the option and the path.

Data that cannot reach stdout (closed with ``>&-``, or ``/dev/full``) is one error line
and exit 3, as GNU tools report a write error; a reader that left (``| head``) is not an
error: the rest of the data goes nowhere and the exit code is the run's.

Width (:func:`output_width`): the terminal's when stdout is one, else ``COLUMNS``,
else unbounded. Colour (:func:`use_color`): ``--color/--no-color``, else none in files,
else ``NO_COLOR``, ``FORCE_COLOR``, ``TERM=dumb``, else only on a terminal.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bottlecalc.budget.text import one_line
from bottlecalc.cli.streams import reader_left, stdout_failed
from bottlecalc.errors import BottlecalcError
from bottlecalc.report.render import Format, Registry, RenderOptions, choices

R = TypeVar("R")
# What a file's extension says it holds; other extensions (.txt, none) say nothing.
EXTENSIONS = {
    ".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown",
    ".xml": "junit", ".html": "html", ".htm": "html", ".svg": "svg", ".png": "png",
    ".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp",
}
PASS_THROUGH = ("/dev/", "/proc/")  # file-descriptor aliases and devices: never replaced


def implied_format(path: Path | None) -> str | None:
    """The format a file name's extension names (``report.json`` -> 'json'), if any."""
    return EXTENSIONS.get(path.suffix.lower()) if path is not None else None


def path_problem(text: str) -> str | None:
    """Why ``text`` cannot be written, or None when it can (checked before any work)."""
    if not text:
        return "the file name is empty"
    if "\0" in text:
        return "a file name cannot contain a NUL byte"
    try:
        return _place_problem(Path(os.path.realpath(os.path.expanduser(text))))
    except (OSError, ValueError) as exc:
        return getattr(exc, "strerror", None) or str(exc)


def _place_problem(real: Path) -> str | None:
    if real.is_dir():
        return "it is a directory"
    if real.exists():
        return None if os.access(real, os.W_OK) else "the file is not writable"
    if not real.parent.is_dir():
        return f"no such directory: {str(real.parent)!r}"
    if not os.access(real.parent, os.W_OK | os.X_OK):
        return f"the directory {str(real.parent)!r} is not writable"
    return None


if TYPE_CHECKING:  # click >= 8.2 types ParamType by its value; older clicks cannot subscript it
    from click.shell_completion import CompletionItem

    _PathType = click.ParamType[Path | None]
else:
    _PathType = click.ParamType


class FileName(_PathType):
    """A file option: the shell completes file names, and a name is read as text."""

    name = "file"

    @staticmethod
    def text(value: Any) -> str:
        """The name as typed (click gives bytes for a name that is not valid UTF-8)."""
        return value if isinstance(value, str) else os.fsdecode(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[CompletionItem]:
        # imported only when a shell asks: every other run would pay for it at start-up
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]


class ReadPath(FileName):
    """A file to read, named sanely (click's own Path type fails on a NUL byte)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        text = self.text(value)
        if not text.strip() or "\0" in text:
            self.fail(f"{text!r} is not a file name", param, ctx)
        if os.path.isdir(text):  # False, not OSError, for a name too long to look up
            self.fail(f"{text!r} is a directory", param, ctx)
        return Path(text)


class OutputPath(FileName):
    """A file to write, checked at parse time; ``-`` is stdout (None) where ``dash``.

    ``formats``: the only formats this option writes; a name whose extension says
    another is refused (``strict``: the extension must name one of them).
    """

    def __init__(self, *, dash: bool = True, formats: tuple[str, ...] = (),
                 strict: bool = False) -> None:
        self.dash, self.formats, self.strict = dash, formats, strict

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path | None:
        text = self.text(value)
        if text == "-" and self.dash:
            return None
        problem = "stdout (-) is not a file here" if text == "-" else path_problem(text)
        if problem is None:
            problem = self._format_problem(Path(text))
        if problem is not None:
            self.fail(f"cannot write {text!r}: {problem}", param, ctx)
        return Path(text)

    def _format_problem(self, path: Path) -> str | None:
        implied = implied_format(path)
        if not self.formats or implied in self.formats or (implied is None and not self.strict):
            return None
        wanted = " or ".join(f".{f}" for f in self.formats)
        return f"this option writes {'/'.join(self.formats)}: the name must end in {wanted}"


def refuse_inputs(output: Path | None, read: list[tuple[str, Path]]) -> None:
    """``-o`` naming a file the run reads (``check --config b.toml -o b.toml``) is a usage
    error, told before any work: the report must never replace its own input."""
    if output is None:
        return
    for what, path in read:
        if same_file(output, path):
            raise click.UsageError(f"-o {one_line(repr(str(output)))} is the {what} this run "
                                   "reads; write the report to another file")


def same_file(one: Path, other: Path) -> bool:
    """The same file, through links, ``~`` and relative names alike."""
    first, second = (os.path.realpath(os.path.expanduser(p)) for p in (one, other))
    if first == second:
        return True
    try:
        return os.path.samefile(first, second)  # hard links
    except (OSError, ValueError):
        return False


COLORED = (Format.TABLE,)  # the formats --color applies to


def pick_format(registry: Registry[Any], typed: str | None, output: Path | None, *,
                default: Format = Format.TABLE, color: bool | None = None,
                hint: str = "") -> Format:
    """``--format`` as typed, else what ``-o``'s extension names, else ``default``.

    An extension naming a format other than the one typed, or one the command cannot
    write, is a usage error (exit 2); so is ``--color`` with a format that has no colour.
    """
    fmt = _format_for(registry, typed, output, default=default, hint=hint)
    if color and fmt not in COLORED:
        raise click.UsageError(f"--color applies to --format table only, not {fmt}")
    return fmt


def _format_for(registry: Registry[Any], typed: str | None, output: Path | None, *,
                default: Format, hint: str) -> Format:
    implied = implied_format(output)
    fmt = Format(typed.lower()) if typed is not None else None
    if implied is None or implied == fmt:
        return fmt or default
    if fmt is not None:
        raise click.UsageError(f"-o {str(output)!r} names a {implied} file, but --format "
                               f"is {fmt}; change one of them")
    if implied in choices(registry):
        return Format(implied)
    offered = ", ".join(choices(registry))
    raise click.UsageError(f"-o {str(output)!r} names a {implied} file; this command "
                           f"writes {offered}{hint}")


def output_width(terminal: bool) -> int | None:
    """The terminal's width, else COLUMNS (a positive integer), else None: unbounded."""
    if terminal:
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns or None
        except (OSError, ValueError, AttributeError):
            pass
    text = os.environ.get("COLUMNS", "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None


def use_color(flag: bool | None, *, terminal: bool, to_file: bool,
              environ: Mapping[str, str] = os.environ) -> bool:
    """--color/--no-color; else none in files; else NO_COLOR, FORCE_COLOR, TERM=dumb;
    else colour only on a terminal."""
    if flag is not None:
        return flag
    if to_file or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return terminal and environ.get("TERM") != "dumb"


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def render_options(output: Path | None, *, explain: bool = False,
                   color: bool | None = None) -> RenderOptions:
    """Width and colour for where the data goes (stdout or ``output``)."""
    terminal = output is None and _is_terminal()
    return RenderOptions(explain=explain,
                         color=use_color(color, terminal=terminal, to_file=output is not None),
                         width=output_width(terminal))


def write(registry: Registry[R], fmt: Format, result: R, output: Path | None, *,
          explain: bool = False, color: bool | None = None) -> None:
    """Render ``result`` in ``fmt`` and send it where the user asked."""
    how = render_options(output, explain=explain, color=color)
    emit(registry[fmt](result, how), output, color=how.color)


def emit(text: str, output: Path | None, *, color: bool = False) -> None:
    """Data goes to stdout, or to ``output`` (see the module's docstring)."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None:
        try:
            click.echo(text, nl=False, color=color)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader left (`| head`): not an error of the run's
            reader_left()
        except OSError as exc:  # a closed stdout (`>&-`), a full disk (`>/dev/full`)
            reader_left()
            raise BottlecalcError(stdout_failed(exc)) from exc
        return
    write_file(output, text)


def write_file(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` as the module's docstring says, and say so on stderr."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(Path(os.path.expanduser(path)), payload)
    except OSError as exc:
        raise BottlecalcError(f"cannot write {one_line(repr(str(path)))}: "
                              f"{exc.strerror or exc}") from exc
    click.echo(f"wrote {one_line(str(path))}", err=True)


def _write(path: Path, payload: bytes) -> None:
    real = Path(os.path.realpath(path))
    found = real.stat() if real.exists() else None
    if str(path.absolute()).startswith(PASS_THROUGH) or (
            found is not None and not stat.S_ISREG(found.st_mode)):
        _write_in_place(path, payload)  # a device, FIFO or descriptor: write through
    elif found is not None and not _can_replace(real, found):
        _write_in_place(real, payload)
    else:
        write_atomic(real, payload, like=found)


def _can_replace(real: Path, found: os.stat_result) -> bool:
    """A rename keeps the file's owner and group, and breaks no hard link."""
    if not hasattr(os, "geteuid"):  # no POSIX owners (Windows): a rename keeps what matters
        return found.st_nlink == 1
    keeps_owner = os.geteuid() == 0 or (
        found.st_uid == os.geteuid() and found.st_gid in (os.getegid(), *os.getgroups()))
    return keeps_owner and found.st_nlink == 1 and os.access(real.parent, os.W_OK | os.X_OK)


def _write_in_place(path: Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)


def write_atomic(path: Path, payload: bytes, *, like: os.stat_result | None = None) -> None:
    """Never leave a half-written file: write a temp file beside ``path``, then move it.

    The new file gets ``like``'s mode and owner (the file it replaces), else the mode a
    plain ``open()`` would give it.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        if like is not None and hasattr(os, "chown"):
            _same_owner(tmp, like)  # first: a chown clears set-id bits the mode may hold
        os.chmod(tmp, stat.S_IMODE(like.st_mode) if like else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same_owner(tmp: str, like: os.stat_result) -> None:
    """Give ``tmp`` the owner (root only) and group of the file it replaces."""
    if os.geteuid() == 0:
        os.chown(tmp, like.st_uid, like.st_gid)
    elif like.st_gid != os.getegid():
        os.chown(tmp, -1, like.st_gid)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
