"""The ``bottlecalc`` command line: thin commands that parse, call, render and exit.

:mod:`~bottlecalc.cli.main` holds the group and the one place errors become exit codes;
:mod:`~bottlecalc.cli.options` the options commands share; :mod:`~bottlecalc.cli.output`
where data goes (stdout or ``-o``). One module per command.
"""

from bottlecalc.cli.main import cli, main

__all__ = ["cli", "main"]
