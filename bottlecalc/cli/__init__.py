"""The ``bottlecalc`` command. Subcommands load lazily so ``--help`` never imports torch."""

from __future__ import annotations

import importlib

import click

from bottlecalc import __version__

# name -> (module, attribute). Each module is imported only when its command runs or
# its help is shown; none of them imports torch at module level.
COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("bottlecalc.cli.compare", "compare"),
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
