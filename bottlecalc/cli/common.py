"""Shared CLI plumbing: error-to-exit-code mapping, output writing, common options."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from bottlecalc.errors import BottlecalcError
from bottlecalc.spec import StrideOn

F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[Any], Any]


def guarded(func: F) -> F:
    """Turn bottlecalc's errors into one stderr line and their exit code; never a traceback.

    Unexpected exceptions exit 3 with a one-line message; ``BOTTLECALC_DEBUG=1`` (or a
    command's ``--debug``) re-raises them so the traceback is shown.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BottlecalcError as exc:
            _die(f"error: {exc}", exc.exit_code, exc)
        except Exception as exc:
            _die(f"internal error: {type(exc).__name__}: {exc}", 3, exc)

    return wrapper  # type: ignore[return-value]


def debug_enabled() -> bool:
    ctx = click.get_current_context(silent=True)
    flag = bool(ctx and ctx.params.get("debug"))
    return flag or os.environ.get("BOTTLECALC_DEBUG", "") not in ("", "0")


def _die(message: str, code: int, exc: BaseException) -> None:
    if debug_enabled():
        raise exc
    ctx = click.get_current_context(silent=True)
    where = ctx.command_path if ctx else "bottlecalc"
    click.echo(f"{where}: {message}", err=True)
    sys.exit(code)


def usage_error(message: str) -> click.UsageError:
    """A usage error (exit 2) shown as one line, naming the option and the value."""
    return click.UsageError(message)


def emit(text: str, output: Path | None) -> None:
    """Data goes to stdout, or atomically to ``output`` (temp file, then rename)."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


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


def apply_options(func: F, options: Sequence[Decorator]) -> F:
    """Decorate ``func`` with ``options`` so --help lists them in the order given."""
    for option in reversed(options):
        func = option(func)
    return func


def layout_options(*, groups_help: str = "must divide --mid") -> list[Decorator]:
    """--stride, --stride-on, --groups, --bn/--no-bn, --bias/--no-bias: one definition for
    every command that describes a block, so their names and defaults cannot drift."""
    return [
        click.option("--stride", type=int, default=1, show_default=True, metavar="1|2",
                     help="Stride of the block (on the 3x3 conv, as torchvision)."),
        click.option("--stride-on", type=click.Choice([str(s) for s in StrideOn]),
                     default=str(StrideOn.CONV3X3), show_default=True,
                     help="Where the bottleneck strides: 3x3 (torchvision, v1.5) or 1x1 "
                     "(original ResNet)."),
        click.option("--groups", type=int, default=1, show_default=True, metavar="G",
                     help=f"Groups of the bottleneck's 3x3 conv (ResNeXt); {groups_help}."),
        click.option("--bn/--no-bn", default=True, show_default=True,
                     help="BatchNorm after every conv, as in ResNet."),
        click.option("--bias/--no-bias", default=False, show_default=True, help="Conv biases."),
    ]


def batch_option(func: F) -> F:
    return click.option("--batch", type=int, default=1, show_default=True,
                        help="Batch size.")(func)


def output_option(func: F) -> F:
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
        default=None, help="Write the data to FILE instead of stdout.",
    )(func)


def format_option(choices: list[str], default: str = "table") -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(choices, case_sensitive=False), default=default,
        show_default=True, help="Output format.",
    )


def debug_option(func: F) -> F:
    return click.option(
        "--debug", is_flag=True, hidden=False, help="Show full tracebacks on errors."
    )(func)
