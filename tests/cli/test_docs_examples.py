"""Every ``bottlecalc`` command in README.md and docs/*.md runs, as written, against the
files shipped in docs/examples/ (the models, packages and budget files the docs name).

Each document's commands run in order in a fresh copy of docs/examples/, so one that reads
a file an earlier one wrote (``--baseline main.json``) finds it. Each must exit 0: a doc's
example is a command that works. Skipped, and listed by the test ids:

* synopses (``bottlecalc network NAME [NAME...] [OPTIONS]``): not commands;
* ``network ... --time``: whole networks and models timed layer by layer take minutes on a
  shared CI machine (``compare``, ``sweep`` and ``handout --time`` run, with brief timing
  budgets);
* nothing here needs Chromium: no documented command writes a PDF or PNG handout;
* docs/recipes.md, whose commands read the model files written in the page itself:
  tests/torch/test_recipes.py writes them and runs every command there;
* a command whose example model needs an optional library (transformers, ultralytics, timm)
  that is not installed: it is still run where the library installs.

Bounded: timing runs with brief budgets (tests/conftest.py's ``short_timing``), and fvcore's
trace on real tensors is left out past 10 M MACs (a whole ResNet: seconds each), as it is
past bottlecalc's own limit, with the "fvcore not run" note; tests/torch/ runs fvcore on
the presets. A command that appears in several documents runs once.

The CI snippets' YAML commands are run by tests/cli/test_check_docs.py.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "docs" / "examples"
# recipes.md carries its own model files in the page: tests/torch/test_recipes.py writes
# them and runs its every command.
DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md")
                                    if p.name != "recipes.md")]
FENCE = re.compile(r"```[\w-]*\n(.*?)```", flags=re.DOTALL)
COMMAND = re.compile(r"^(?:\$ )?(bottlecalc (?:.*))$")
SYNOPSIS = re.compile(r"\[|\.\.\.|\bNAME\b|\bCOMMAND\b|\bFILE\b|\|")


def commands(doc: Path) -> list[list[str]]:
    """The command lines of ``doc``'s fenced blocks, in order (comments stripped)."""
    found = []
    for block in FENCE.findall(doc.read_text(encoding="utf-8")):
        for line in block.splitlines():
            match = COMMAND.match(line.strip())
            if match is None:
                continue
            words = shlex.split(match.group(1), comments=True)
            while "&&" in words:  # `a && b`: two commands
                found.append(words[:words.index("&&")])
                words = words[words.index("&&") + 1:]
            found.append(words)
    return found


OPTIONAL = ("transformers", "ultralytics", "timm")
MISSING = tuple(name for name in OPTIONAL if importlib.util.find_spec(name) is None)


def missing_library(stderr: str) -> bool:
    """The command failed only because an optional library is not installed here."""
    return any(f"No module named '{name}'" in stderr for name in MISSING)


def why_skipped(command: list[str]) -> str | None:
    if any(SYNOPSIS.search(word) for word in command if not word.startswith("--")):
        return "a synopsis, not a command"
    if command[1] == "network" and "--time" in command:
        return "network --time: minutes on a shared machine"
    return None


CASES = [(doc, command) for doc in DOCS for command in commands(doc)]


def test_the_docs_have_commands_and_the_examples_their_files() -> None:
    named = {doc.name for doc, _ in CASES}
    assert {"README.md", "cli.md", "ci.md", "network.md", "teaching.md"} <= named
    for command in (c for _, c in CASES if why_skipped(c) is None):
        for target in re.findall(r"\b([\w/]+\.py):\w+", " ".join(command)):
            assert (EXAMPLES / target).is_file(), (command, target)
        for module in re.findall(r"\b(mypkg(?:\.\w+)+):\w+", " ".join(command)):
            assert (EXAMPLES / f"{module.replace('.', '/')}.py").is_file(), command


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh copy of docs/examples/ as the current directory; imports undone after."""
    where = tmp_path / "examples"
    shutil.copytree(EXAMPLES, where, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(where)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in [m for m in sys.modules if m == "mypkg" or m.startswith("mypkg.")]:
        monkeypatch.delitem(sys.modules, name)
    yield where
    for name in [m for m in sys.modules if m == "mypkg" or m.startswith("mypkg.")]:
        del sys.modules[name]


def test_every_documented_command_runs(examples: Path, short_timing: None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from bottlecalc.measure import pipeline

    monkeypatch.setattr(pipeline, "TRACE_MAX_MACS", 10**7)
    ran: list[list[str]] = []
    for doc, command in CASES:  # in order: a later command may read what one wrote
        if why_skipped(command) is not None or command in ran:
            continue
        result = CliRunner().invoke(cli, command[1:], prog_name="bottlecalc")
        if result.exit_code != 0 and missing_library(result.stderr):
            continue
        assert result.exit_code == 0, (doc.name, command, result.stderr[-2000:])
        ran.append(command)
    assert len(ran) >= 50


@pytest.mark.parametrize(("command", "reason"), [
    ("bottlecalc network NAME [NAME...] [OPTIONS]", "a synopsis, not a command"),
    ("bottlecalc network resnet50 --depth layer --time --threads 2",
     "network --time: minutes on a shared machine"),
    ("bottlecalc compare --in 256 --mid 64 --time", None),
])
def test_only_synopses_and_long_timing_are_skipped(command: str, reason: str | None) -> None:
    assert why_skipped(command.split()) == reason
