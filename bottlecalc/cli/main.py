"""The ``bottlecalc`` group, and the one place errors become exit codes.

Subcommands load lazily, so ``--help`` never imports torch. Exit codes: 0 ok, 1 budget
exceeded, 2 usage error (one line on stderr), 3 measurement or tool error, 130 Ctrl-C.
``--debug`` (or BOTTLECALC_DEBUG) adds the traceback and keeps the exit code.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from typing import Any, NoReturn

import click

from bottlecalc import __version__
from bottlecalc.budget.text import one_line
from bottlecalc.cli.streams import ClosedStdout, reader_left, stdout_broken, stdout_failed
from bottlecalc.errors import BottlecalcError, BottlecalcWarning, MeasureError

# name -> (module, attribute). Each module is imported only when its command runs or
# its help is shown; none of them imports torch at module level.
COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("bottlecalc.cli.compare", "compare"),
    "network": ("bottlecalc.cli.network", "network"),
    "check": ("bottlecalc.cli.check", "check"),
    "sweep": ("bottlecalc.cli.sweep", "sweep"),
    "diagram": ("bottlecalc.cli.diagram", "diagram"),
    "handout": ("bottlecalc.cli.handout", "handout"),
    "worksheet": ("bottlecalc.cli.worksheet", "worksheet"),
    "schema": ("bottlecalc.cli.schema", "schema"),
}
# Each command's first help paragraph, so `bottlecalc --help` lists the commands without
# importing them (tests/cli/test_main_help.py holds these to the commands' own docstrings).
SUMMARIES: dict[str, str] = {
    "check": "Check a preset, a block or your own model against parameter/MAC/FLOP budgets.",
    "compare": "Compare a basic block (two 3x3 convs) with a bottleneck (1x1, 3x3, 1x1), or "
               "any blocks (--blocks), YOLO's among them (ultralytics' Bottleneck, C3, C2f, ...).",
    "diagram": "Draw the basic and the bottleneck block side by side, a channel count on every "
               "arrow.",
    "handout": "Write a one-page handout on basic vs bottleneck blocks for students.",
    "network": "Count whole ResNets (torchvision's presets or your own stage list), or your "
               "model.",
    "schema": "Print the JSON Schema (draft 2020-12) of one JSON document bottlecalc writes.",
    "sweep": "Count a basic and a bottleneck block at every value of --in, --mid or --size.",
    "worksheet": "Write a printable worksheet of exercises (weights, MACs, ratios, projection "
                 "shortcuts) with blanks, and with --key a separate answer key whose every "
                 "figure is bottlecalc's exact count and derivation.",
}
DEBUG_KEY = "bottlecalc.debug"


INTERRUPTED = 130  # 128 + SIGINT, as shells report it
ENGINES = {"torch": "pip install torch", "fvcore": "pip install fvcore"}


class CommandFailed(Exception):
    """An error raised inside a command, with the command path it happened in."""

    def __init__(self, where: str, error: Exception, *, debug: bool,
                 measures: bool = False) -> None:
        super().__init__(str(error))
        self.where, self.error, self.debug = where, error, debug
        self.measures = measures  # the command has --no-measure


def debug_enabled(ctx: click.Context | None = None) -> bool:
    """``--debug`` on the command line (stored in the shared ``ctx.meta``) or BOTTLECALC_DEBUG."""
    ctx = ctx or click.get_current_context(silent=True)
    flag = bool(ctx and ctx.meta.get(DEBUG_KEY))
    return flag or os.environ.get("BOTTLECALC_DEBUG", "") not in ("", "0")


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list as click writes it, from SUMMARIES: no command is imported."""
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [(name, click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; an error leaves it tagged with where it happened."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.Abort, click.exceptions.Exit):
            raise
        except KeyboardInterrupt:
            raise click.Abort(_where(ctx)) from None  # Ctrl-C, and the command it stopped
        except OSError as exc:
            raise self._failed(ctx, _stdout_error(exc)) from exc
        except Exception as exc:
            raise self._failed(ctx, exc) from exc
        except BaseException as exc:  # CancelledError, GeneratorExit, a stray SystemExit
            raise self._failed(ctx, MeasureError(_base_text(exc))) from exc

    def _failed(self, ctx: click.Context, exc: Exception) -> CommandFailed:
        command = self.get_command(ctx, ctx.invoked_subcommand or "")
        measures = command is not None and any(p.name == "no_measure" for p in command.params)
        return CommandFailed(_where(ctx), exc, debug=debug_enabled(ctx), measures=measures)

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Like click's, but every outcome is one exit code, and errors one stderr line."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        if sys.stdout is None:  # closed by the shell (`>&-`)
            sys.stdout = ClosedStdout()
        warnings.showwarning = _one_line_warning(warnings.showwarning)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
            sys.stdout.flush()  # here, not at exit, where a failure is a traceback
        except BrokenPipeError:
            reader_left()
            rv = 0
        except OSError as exc:  # --help or --version to a closed or full stdout
            reader_left()
            click.echo(f"{prog_name or 'bottlecalc'}: error: {stdout_failed(exc)}", err=True)
            sys.exit(3)
        except click.ClickException as exc:
            _usage_error(exc)
        except click.Abort as exc:  # click's own (a prompt, parsing) names no command
            click.echo(f"{str(exc) or prog_name or 'bottlecalc'}: interrupted (Ctrl-C)", err=True)
            sys.exit(INTERRUPTED)
        except CommandFailed as failed:
            _failure(failed)
        sys.exit(rv if isinstance(rv, int) else 0)


def _one_line_warning(show: Any) -> Any:
    """``warnings.showwarning`` that says bottlecalc's own warnings as one stderr line (Python's
    form is two, with a file name and a source line) and passes any other warning to ``show``."""
    if getattr(show, "bottlecalc", False):
        return show

    def say(message: Warning | str, category: type[Warning], *where: Any, **kw: Any) -> None:
        if issubclass(category, BottlecalcWarning):
            click.echo(f"bottlecalc: warning: {one_line(str(message))}", err=True)
        else:
            show(message, category, *where, **kw)

    say.bottlecalc = True  # type: ignore[attr-defined]
    return say


def _stdout_error(exc: OSError) -> Exception:
    """An OSError from writing to a closed or full stdout (a subcommand's --help) is the
    one line emit gives data it cannot write; any other OSError is the run's own."""
    if not stdout_broken(exc):
        return exc
    reader_left()
    return BottlecalcError(stdout_failed(exc))


def _base_text(exc: BaseException) -> str:
    """What a BaseException that is not an Exception says: never exit 1 (budget exceeded)."""
    said = f": {exc}" if str(exc) else ""
    return f"the run was stopped by {type(exc).__name__}{said}"


def _where(ctx: click.Context) -> str:
    """'bottlecalc compare': the command an error happened in (set once it was invoked)."""
    return " ".join(filter(None, [ctx.command_path, ctx.invoked_subcommand]))


def _usage_error(exc: click.ClickException) -> NoReturn:
    """A usage error is one line on stderr (exit 2), not click's screenful."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "bottlecalc"
    hint = f" (see '{where} --help')" if isinstance(exc, click.UsageError) else ""
    click.echo(f"{where}: error: {one_line(exc.format_message())}{hint}", err=True)
    sys.exit(exc.exit_code)


def _failure(failed: CommandFailed) -> NoReturn:
    """bottlecalc's own errors carry their exit code; anything else is a tool error (3)."""
    error = failed.error
    if failed.debug:
        import traceback  # only now: it costs every run's start-up otherwise

        traceback.print_exception(error)
    if isinstance(error, BottlecalcError):
        click.echo(f"{failed.where}: error: {one_line(str(error))}", err=True)
        sys.exit(error.exit_code)
    if (missing := missing_engine(error)) is not None:
        hint = ", or use --no-measure for the analytic counts" if failed.measures else ""
        click.echo(f"{failed.where}: error: {missing} is not installed "
                   f"({one_line(str(error))}); install it ({ENGINES[missing]}){hint}", err=True)
        sys.exit(3)
    click.echo(f"{failed.where}: internal error: {type(error).__name__}: "
               f"{one_line(str(error))}", err=True)
    sys.exit(3)


def missing_engine(error: BaseException) -> str | None:
    """'torch' or 'fvcore' when ``error`` says that package cannot be imported."""
    if not isinstance(error, ImportError) or error.name is None:
        return None
    root = error.name.partition(".")[0]
    return root if root in ENGINES else None


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """click's --version, written out: click.version_option translates its message and help
    through gettext at import, which loads `locale` and looks for catalogues every start-up."""
    if value and not ctx.resilient_parsing:
        click.echo(f"bottlecalc, version {__version__}", color=ctx.color)
        ctx.exit()


@click.group(
    cls=LazyGroup, invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example:  bottlecalc compare --in 256 --mid 64\n\n"
    "Exit codes: 0 ok, 1 budget exceeded, 2 usage error, 3 measurement/tool error, "
    "130 interrupted.\n\nShell completion (bash, zsh, fish): see docs/cli.md.",
)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="Show the version and exit.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Exact parameter, MAC and FLOP counts for ResNet-style blocks and networks."""
    if ctx.invoked_subcommand is None:  # bare `bottlecalc`: the help, and success
        click.echo(ctx.get_help())


def main() -> None:
    cli(prog_name="bottlecalc")
