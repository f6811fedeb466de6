"""The ``bottlecalc`` command. Subcommands load lazily so ``--help`` never imports torch."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from bottlecalc import __version__

# name -> (module, attribute). Each module is imported only when its command runs or
# its help is shown; none of them imports torch at module level.
COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("bottlecalc.cli.compare", "compare"),
    "network": ("bottlecalc.cli.network", "network"),
    "check": ("bottlecalc.cli.check", "check"),
    "sweep": ("bottlecalc.cli.sweep", "sweep"),
    "diagram": ("bottlecalc.cli.diagram", "diagram"),
    "handout": ("bottlecalc.cli.handout", "handout"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def main(
        self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
        standalone_mode: bool = True, **extra: Any,
    ) -> Any:
        """Like click's, but a usage error is one line on stderr (exit 2), not a screenful."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "bottlecalc"
            hint = f" (see '{where} --help')" if isinstance(exc, click.UsageError) else ""
            click.echo(f"{where}: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example:  bottlecalc compare --in 256 --mid 64\n\n"
    "Exit codes: 0 ok, 1 budget exceeded, 2 usage error, 3 measurement/tool error.",
)
@click.version_option(__version__, "--version", prog_name="bottlecalc")
def cli() -> None:
    """Exact parameter, MAC and FLOP counts for ResNet-style blocks and networks."""


def main() -> None:
    cli(prog_name="bottlecalc")
