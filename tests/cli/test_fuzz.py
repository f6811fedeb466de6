"""Every command, driven with random and adversarial option values.

Whatever is typed: the exit code is 0, 1, 2 or 3; no traceback without --debug; exit 2
is exactly one stderr line and no output; nothing is left behind but the files the run
was asked to write; and a run that fails changes no file that was there before.

Bounded: commands run in-process (CliRunner) with ``--no-measure`` where they measure,
except ``check``, whose targets are kept small enough to measure in milliseconds.

Issue 20's classes follow: budget names with control characters (never a split line, a
forged ``::error`` or JUnit that does not parse), deep, huge and odd baseline JSON (exit 2
in one line, never a traceback), every choice of every command in any case, stdout closed
or full (one line, exit 3), and every kind of BaseException from every user hook (the
factory, the --inputs callable, the forward): exit 3 in one line, 130 for Ctrl-C.

Today's options join the classes: compare's and diagram's --blocks with --n/--e/--k/
--shortcut/--c3k, handout --yolo, and worksheet (its -o and --key among the writes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bottlecalc.cli import cli

ADVERSARIAL = [
    "", " ", "-", "--", "0", "-1", "1.5", "1e999", "nan", "inf", "9" * 40, "1_0",
    "\u0661\u0662", "\uff11\uff12", "\U0001f4a5", "a\nb", "\x1b[31m", "1,2", "1,,2", ",",
    "1:2:0", "16:8:1", "1:4096:1", "x", "None", "résumé", "--in", "%s", "{}", "64x",
]
PATHS = ["out.txt", "out.json", "out.csv", "out.md", "out.html", "out.svg", "out.png",
         "-", "keep.txt", "link.txt", os.devnull]
BAD_PATHS = ["", "nodir/x.json", "adir", "a\nb.txt", "x\0y", "dangling.txt", "out.xml"]
WRITES = ("-o", "--svg", "--plot", "--key")

values = st.one_of(st.sampled_from(ADVERSARIAL), st.text(max_size=6),
                   st.integers(-5, 70_000).map(str), st.sampled_from(BAD_PATHS))

CHANNELS = ["1", "2", "8", "16", "32", "64", "256"]
BLOCK = {
    "--in": CHANNELS, "--mid": CHANNELS, "--out": CHANNELS, "--expansion": ["1", "4"],
    "--stride": ["1", "2"], "--stride-on": ["3x3", "1x1", "3X3"], "--groups": ["1", "2"],
    "--size": ["56", "7x9", "1", "65536"], "--batch": ["1", "2"],
}
FLAGS = ["--bn", "--no-bn", "--bias", "--no-bias", "--debug", "--color", "--no-color"]
# compare's and diagram's --blocks with ultralytics' arguments (YOLO blocks alone or beside
# ResNet's, so that each option is sometimes one no chosen block takes: exit 2).
YOLO = {"--blocks": ["basic,bottleneck", "c3,c2f", "bottleneck,c3,sppf", "C3,c3k2",
                     "conv,yolo-bottleneck", "c3,c3"],
        "--n": ["1", "3"], "--e": ["0.25", "0.5"], "--k": ["3", "5", "3,3"]}
YOLO_FLAGS = ["--c3k", "--shortcut", "--no-shortcut"]
# name: (always given, options that may be given and their usual values, flags)
COMMANDS: dict[str, tuple[list[str], dict[str, list[str]], list[str]]] = {
    "compare": (["--no-measure"], {
        **BLOCK, **YOLO, "--format": ["table", "json", "csv", "markdown", "JSON"],
        "-o": PATHS}, [*FLAGS, *YOLO_FLAGS, "--explain", "--cross-check"]),
    "network": (["--no-measure"], {
        "--variant": ["v1", "v1.5", "V1"], "--size": ["224", "32", "7x9"],
        "--batch": ["1", "2"], "--num-classes": ["10", "1000"],
        "--depth": ["network", "stage", "block", "layer"], "--dtype": ["float16", "bfloat16"],
        "--block": ["basic", "bottleneck"], "--layers": ["3,4,6,3", "1", "1,1", "2000"],
        "--width": ["16", "64"], "--groups": ["1", "32"], "--width-per-group": ["4", "64"],
        "--expansion": ["1", "4"], "--format": ["table", "json", "csv"], "-o": PATHS},
        [*FLAGS[4:], "--conventions", "--cross-check"]),
    "sweep": ([], {
        **BLOCK, "--in": ["256", "64", "16,32"], "--mid": ["64", "32", "16:256:16"],
        "--size": ["56", "7,14", "1:9:4"], "--format": ["table", "json", "csv", "markdown"],
        "-o": PATHS, "--plot": ["plot.svg", "plot.png", *PATHS]}, FLAGS),
    "diagram": ([], {**BLOCK, **YOLO, "-o": PATHS, "--svg": PATHS}, [*FLAGS[:5], *YOLO_FLAGS]),
    "worksheet": ([], {
        "--seed": ["1", "7", "-3"], "--blocks": [*YOLO["--blocks"], "basic", "sppf"],
        "--in": ["64,256", "64:256:64", "4"], "--size": ["56", "7x9"], "--count": ["1", "3"],
        "--level": ["beginner", "advanced", "ADVANCED"], "--lang": ["en", "zh", "ZH"],
        "-o": ["sheet.html", "out.txt", "keep.txt", "-", "link.txt"],
        "--key": ["key.html", "sheet.html", "out.md", "-"]}, ["--debug"]),
    "handout": (["--no-measure"], {
        **BLOCK, "--title": ["Week 5", "<b>&amp;</b>", "# [x](y)", "周五"],
        "--lang": ["en", "zh", "ZH"], "--sweep": ["16,32", "8:64:8"],
        "--format": ["html", "markdown"], "-o": PATHS}, [*FLAGS[:5], "--yolo"]),
}
CHECK_OUTPUT = {"--format": ["table", "json", "github", "junit"], "-o": PATHS}
LIMITS = {"--max-params": ["1k", "12M", "1.5T", "25_000"], "--max-macs": ["1k", "1G"],
          "--max-flops": ["1M", "2G"], "--tolerance": ["5", "2.5%"]}
CHECK_MODES = {  # check takes a TARGET, or --block, or a budget file: one mode each
    "target": {**LIMITS, "--input": ["1,3,8,8", "1x3x16x8"], **CHECK_OUTPUT},
    "block": {**LIMITS, "--block": ["basic", "bottleneck"], "--in": ["8", "16"],
              "--mid": ["4", "8"], "--size": ["8", "4x6"], **CHECK_OUTPUT},
    "config": {"--config": ["budgets.toml", "bad.toml", "latin1.toml", "adir"],
               **CHECK_OUTPUT},
}
COMMANDS.update({f"check {mode}": ([], options, FLAGS if mode == "block" else FLAGS[4:])
                 for mode, options in CHECK_MODES.items()})
NEEDED = {"compare": ["--in", "--mid"], "diagram": ["--in", "--mid"],
          "handout": ["--in", "--mid"], "sweep": ["--in", "--mid"],
          "check target": ["--max-params"], "check block": ["--block", "--in", "--mid",
                                                           "--max-flops"],
          "check config": ["--config"]}
TARGETS = ["resnet18", "RESNET18", "resnet5", "bottlecalc_fuzz_missing.m:build",
           "nofile.py:build", "a:b:c", ":", "custom"]
BUDGETS = ('[tool.bottlecalc.budgets.tiny]\ntarget = "resnet18"\ninput = "1,3,8,8"\n'
           'max-params = "12M"\n')


@st.composite
def command_lines(draw: st.DrawFn, name: str) -> list[str]:
    """Mostly usual values, some adversarial: each option's value is random one time in
    eight, and every value is random in one example in five."""
    fixed, options, flags = COMMANDS[name]
    chaos = draw(st.integers(0, 4)) == 0
    args = [name.split()[0], *fixed, *draw(positionals(name))]
    chosen = draw(st.lists(st.sampled_from(sorted(options)), max_size=5, unique=True))
    if draw(st.integers(0, 5)):
        chosen = list(dict.fromkeys([*NEEDED.get(name, []), *chosen]))
    for option in chosen:
        random = chaos or draw(st.integers(0, 7)) == 0
        args += [option, draw(values if random else st.sampled_from(options[option]))]
    return args + draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))


def positionals(name: str) -> st.SearchStrategy[list[str]]:
    if name == "network":
        usual = st.sampled_from(["resnet18", "custom", "ResNet50", "resnet5"])
        return st.lists(st.one_of(usual, usual, values), min_size=1, max_size=2)
    if name == "check target":
        usual = st.sampled_from(["resnet18", "RESNET18"])
        return st.lists(st.one_of(usual, usual, st.sampled_from(TARGETS), values),
                        min_size=1, max_size=1)
    return st.just([])


def prepare(root: Path) -> None:
    """What a user's directory may hold: files, a link, a directory, budget files."""
    (root / "keep.txt").write_text("keep", encoding="utf-8")
    (root / "keep.txt").chmod(0o640)
    (root / "link.txt").symlink_to("keep.txt")
    (root / "dangling.txt").symlink_to("gone/nowhere.txt")
    (root / "adir").mkdir()
    (root / "budgets.toml").write_text(BUDGETS, encoding="utf-8")
    (root / "bad.toml").write_text(BUDGETS + "max-mac = 1\n", encoding="utf-8")
    (root / "latin1.toml").write_bytes(BUDGETS.encode() + b"# caf\xe9\n")


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``root``: a link's target, or a file's hash, and its mode."""
    seen = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            seen[str(path.relative_to(root))] = (f"-> {os.readlink(path)}", 0)
        elif path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            seen[str(path.relative_to(root))] = (digest, path.stat().st_mode)
        else:
            seen[str(path.relative_to(root))] = ("dir", path.stat().st_mode)
    return seen


def named(args: list[str], root: Path) -> set[str]:
    """The entries a run was asked to write (a link's target for a link)."""
    out = set()
    for flag, value in pairwise(args):
        if flag in WRITES and value and "\0" not in value:
            path = Path(os.path.realpath(root / value))
            if path.parent == root.resolve():
                out.add(path.name)
    return out


@contextlib.contextmanager
def scratch_directory() -> Iterator[Path]:
    """A fresh empty directory as the current one, removed after (click 8.5 deprecates
    CliRunner.isolated_filesystem, and warnings are errors here)."""
    before = Path.cwd()
    with tempfile.TemporaryDirectory() as where:
        os.chdir(where)
        try:
            yield Path(where)
        finally:
            os.chdir(before)


def check_run(args: list[str]) -> None:
    runner = CliRunner()
    with scratch_directory() as root:
        prepare(root)
        before = snapshot(root)
        result = runner.invoke(cli, args, prog_name="bottlecalc")
        after = snapshot(root)
        asked = named(args, root)
    debug = "--debug" in args
    assert result.exit_code in (0, 1, 2, 3), (args, result.output, result.exception)
    assert debug or "Traceback" not in result.stderr, (args, result.stderr)
    assert "internal error" not in result.stderr, (args, result.stderr)  # a bug, always
    assert result.exit_code != 1 or args[0] == "check", args  # 1 is "budget exceeded"
    # Every name here that cannot be written can be told so before the run (exit 2).
    assert result.exit_code != 3 or "cannot write" not in result.stderr, (args, result.stderr)
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 or debug, (args, result.stderr)
        assert result.stdout == "", (args, result.stdout)
    assert not [name for name in after if name.endswith(".tmp")], (args, after)
    changed = {name for name in set(before) | set(after) if before.get(name) != after.get(name)}
    # check writes its report when a model cannot be measured (exit 3): CI keeps it.
    reported = result.exit_code == 3 and args[0] == "check" and "not measured" in result.stderr
    allowed = asked if result.exit_code in (0, 1) or reported else set()
    assert changed <= allowed, (args, result.exit_code, result.stderr, changed)


FUZZ = settings(max_examples=int(os.environ.get("BOTTLECALC_FUZZ_EXAMPLES", "100")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("name", sorted(COMMANDS))
@FUZZ
@given(data=st.data())
def test_fuzz_command(name: str, data: st.DataObject) -> None:
    check_run(data.draw(command_lines(name), label="args"))


@FUZZ
@given(st.lists(st.one_of(values, st.sampled_from(["compare", "network", "-h", "--version",
                                                   "check", "--format", "-o"])),
                max_size=5))
def test_fuzz_anything_at_all(args: list[str]) -> None:
    check_run(args)


# --- Issue 20's classes: control characters in names, deep and huge JSON, every choice in
# every case, closed and full streams, every kind of BaseException from every user hook.

CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=0x9f,
                                exclude_characters="\0"), min_size=1, max_size=12)
NAMES = st.one_of(CONTROL, st.text(min_size=1, max_size=12).filter(lambda s: "\0" not in s),
                  st.sampled_from(["a\n::error::x", "\r", "\x1b[2J", "\u2028", "b\x85c"]))
# Examples that measure a model each (a few hundred milliseconds): a quarter as many.
FEW = settings(max_examples=max(5, int(os.environ.get("BOTTLECALC_FUZZ_EXAMPLES", "100")) // 4),
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SMALL_BUDGET = 'target = "resnet18"\ninput = "1,3,8,8"\nmax-params = "{limit}"\n'


@FEW
@given(names=st.lists(NAMES, min_size=1, max_size=3, unique=True),
       fmt=st.sampled_from(["table", "json", "github", "junit", "markdown"]),
       over=st.booleans())
def test_fuzz_budget_names_never_split_a_line(names: list[str], fmt: str, over: bool) -> None:
    import json
    import xml.etree.ElementTree as ET

    with scratch_directory() as root:
        tables = [f"[tool.bottlecalc.budgets.{toml_string(name)}]\n"
                  + SMALL_BUDGET.format(limit="1k" if over else "12M") for name in names]
        (root / "b.toml").write_text("\n".join(tables), encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", "--config", "b.toml", "--format", fmt],
                                    prog_name="bottlecalc")
    assert result.exit_code == (1 if over else 0), (names, result.output)
    assert [line for line in result.stderr.splitlines()
            if not line.startswith("bottlecalc check: ")] == [], (names, result.stderr)
    if fmt == "github":
        assert len(result.stdout.splitlines()) == len(names), (names, result.stdout)
    if fmt == "junit":
        ET.fromstring(result.stdout.encode())
    if fmt == "json":
        assert [b["name"] for b in json.loads(result.stdout)["budgets"]] == names


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: anything but printable ASCII escaped."""
    def escaped(c: str) -> str:
        if " " <= c <= "~" and c not in '"\\':
            return c
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
    return '"' + "".join(map(escaped, text)) + '"'


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


JSON_TEXTS = st.one_of(
    st.integers(1, 200_000).map(nested),
    st.integers(1, 200_000).map(lambda d: '{"schema": "bottlecalc.check", "version": 2, '
                                          f'"budgets": {nested(d)}}}'),
    st.sampled_from(["Infinity", "-Infinity", "NaN", "1e400", "-1", "1.5", "true", "null",
                     '"12"', "9" * 5000, "[]", "{}"]).map(
        lambda v: '{"schema": "bottlecalc.check", "version": 2, "budgets": [{"name": '
                  f'"resnet18", "measured": {{"params": {v}}}, "modules": [{{"name": "x", '
                  f'"params": {v}}}]}}]}}'),
    st.integers(0, 200_000).map(
        lambda n: '{"schema": "bottlecalc.check", "version": 2, "budgets": [{"name": '
                  '"resnet18", "modules": [' + ", ".join(
                      f'{{"name": "m{i}", "params": {i}, "macs": {i}}}' for i in range(n))
                  + "]}]}"),
    st.one_of(st.integers(-3, 100), st.text(max_size=3), st.none()).map(
        lambda v: f'{{"schema": "bottlecalc.check", "version": {__import__("json").dumps(v)}'
                  ', "budgets": []}'),
    st.text(max_size=200),
)


@FEW
@given(text=JSON_TEXTS)
def test_fuzz_baselines_deep_huge_or_odd(text: str) -> None:
    with scratch_directory() as root:
        (root / "base.json").write_text(text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", "resnet18", "--input", "1,3,8,8",
                                          "--max-params", "12M", "--baseline", "base.json"],
                                    prog_name="bottlecalc")
    assert result.exit_code in (0, 2), (text[:200], result.output[-500:])
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and result.stdout == "", result.stderr[:500]


def choice_params() -> list[tuple[str, str, list[str]]]:
    """(command, option, choices) for every choice option of every command."""
    from bottlecalc.cli.main import COMMANDS as ALL

    ctx = cli.make_context("bottlecalc", ["--help"], resilient_parsing=True)
    found = []
    for name in ALL:
        command = cli.get_command(ctx, name)
        assert command is not None
        for param in command.params:
            if isinstance(param.type, click_choice()):
                found.append((name, param.opts[-1], [str(c) for c in param.type.choices]))
    return found


def click_choice() -> type:
    import click

    return click.Choice


@pytest.mark.parametrize(("command", "option", "choices"), choice_params())
@FUZZ
@given(data=st.data())
def test_fuzz_every_choice_in_any_case(command: str, option: str, choices: list[str],
                                       data: st.DataObject) -> None:
    """docs/cli.md: choices are case-insensitive everywhere."""
    from bottlecalc.cli.main import COMMANDS as ALL  # noqa: F401  (the registry above)

    value = data.draw(st.sampled_from(choices))
    cased = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in value)
    ctx = cli.make_context("bottlecalc", ["--help"], resilient_parsing=True)
    param = next(p for p in cli.get_command(ctx, command).params  # type: ignore[union-attr]
                 if p.opts[-1] == option)
    assert param.type.convert(cased, param, None) == value


@FUZZ
@given(name=st.sampled_from(["check", "compare", "network", "sweep", "bottlecalc.check",
                             "bottlecalc.network"]), data=st.data())
def test_fuzz_schema_names_in_any_case(name: str, data: st.DataObject) -> None:
    cased = "".join(c.upper() if data.draw(st.booleans()) else c for c in name)
    result = CliRunner().invoke(cli, ["schema", cased], prog_name="bottlecalc")
    assert result.exit_code == 0, (cased, result.stderr)


HOOKS = '''
import asyncio
import torch
from torch import nn

class Own(BaseException):
    pass

KINDS = {"KeyboardInterrupt": KeyboardInterrupt, "SystemExit": SystemExit,
         "GeneratorExit": GeneratorExit, "CancelledError": asyncio.CancelledError,
         "Own": Own, "RuntimeError": RuntimeError, "ValueError": ValueError,
         "MemoryError": MemoryError, "RecursionError": RecursionError}
RAISE = "{kind}"

def boom():
    raise KINDS[RAISE]("no\\nluck")

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        boom()

def factory():
    boom()

def model():
    return nn.Linear(4, 2)

def forward():
    return Net()

def inputs():
    boom()
'''
BASE_KINDS = ["KeyboardInterrupt", "SystemExit", "GeneratorExit", "CancelledError", "Own",
              "RuntimeError", "ValueError", "MemoryError", "RecursionError"]


@FUZZ
@given(kind=st.sampled_from(BASE_KINDS), hook=st.sampled_from(["factory", "forward", "inputs"]),
       command=st.sampled_from(["check", "network"]))
def test_fuzz_whatever_a_user_hook_raises(kind: str, hook: str, command: str) -> None:
    with scratch_directory() as root:
        (root / "hooks.py").write_text(HOOKS.replace("{kind}", kind), encoding="utf-8")
        target = "hooks.py:model" if hook == "inputs" else f"hooks.py:{hook}"
        feed = ["--inputs", "hooks.py:inputs"] if hook == "inputs" else ["--input", "1,4"]
        limits = ["--max-params", "1k"] if command == "check" else []
        result = CliRunner().invoke(cli, [command, target, *feed, *limits],
                                    prog_name="bottlecalc")
    assert "Traceback" not in result.output, (kind, hook, result.output)
    if kind == "KeyboardInterrupt":
        assert result.exit_code == 130, (kind, hook, result.output)
        assert result.stderr.count("\n") == 1
        return
    assert result.exit_code == 3, (kind, hook, command, result.output)  # never 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, (kind, hook, result.stderr)
    assert "internal error" not in result.stderr


STREAM_COMMANDS = st.sampled_from([
    ["compare", "--in", "8", "--mid", "8", "--no-measure"], ["schema", "network"],
    ["sweep", "--in", "8", "--mid", "8,16"], ["diagram", "--in", "8", "--mid", "8"],
    ["network", "resnet18", "--no-measure", "--format", "csv"], ["--help"], ["sweep", "--help"],
    ["handout", "--in", "8", "--mid", "8", "--no-measure", "--format", "markdown"]])


@settings(max_examples=max(4, int(os.environ.get("BOTTLECALC_FUZZ_EXAMPLES", "100")) // 10),
          suppress_health_check=[HealthCheck.too_slow])
@given(args=STREAM_COMMANDS, closed=st.booleans())
def test_fuzz_closed_and_full_stdout(args: list[str], closed: bool) -> None:
    import subprocess
    import sys

    if not closed and not Path("/dev/full").exists():
        return
    with open(os.devnull if closed else "/dev/full", "w", encoding="utf-8") as sink:
        result = subprocess.run(
            [sys.executable, "-m", "bottlecalc", *args], stdout=sink, stderr=subprocess.PIPE,
            text=True, timeout=120, check=False,
            preexec_fn=(lambda: os.close(1)) if closed else None)
    assert result.returncode == 3, (args, closed, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "cannot write to stdout" in result.stderr
