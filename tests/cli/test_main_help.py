"""``bottlecalc --help`` lists the commands from cli.main.SUMMARIES without importing them,
and lists them exactly as click would from the commands themselves."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from bottlecalc.cli.main import COMMANDS, SUMMARIES, cli


def test_every_command_has_a_summary() -> None:
    assert sorted(SUMMARIES) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("limit", [20, 45, 70, 200])
def test_summary_is_the_commands_own_short_help(name: str, limit: int) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    summary = click.Command(name, help=SUMMARIES[name])
    assert summary.get_short_help_str(limit) == command.get_short_help_str(limit)


@pytest.mark.parametrize("width", [40, 80, 120])
def test_command_list_is_clicks(width: int) -> None:
    ctx = click.Context(cli, terminal_width=width)
    ours, clicks = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.format_commands(ctx, ours)
    click.Group.format_commands(cli, ctx, clicks)  # click's own: imports every command
    assert ours.getvalue() == clicks.getvalue()
    assert "compare" in ours.getvalue() and "worksheet" in ours.getvalue()


def test_help_imports_no_command() -> None:
    code = ("import sys\nfrom bottlecalc.cli import cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('bottlecalc.cli.') and "
            "m not in ('bottlecalc.cli.main', 'bottlecalc.cli.streams')), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.stderr.strip() == "[]", proc.stderr
    assert "Commands:" in proc.stdout and "sweep" in proc.stdout
