"""Every command, driven with random and adversarial option values.

Whatever is typed: the exit code is 0, 1, 2 or 3; no traceback without --debug; exit 2
is exactly one stderr line and no output; nothing is left behind but the files the run
was asked to write; and a run that fails changes no file that was there before.

Bounded: commands run in-process (CliRunner) with ``--no-measure`` where they measure,
except ``check``, whose targets are kept small enough to measure in milliseconds.
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
WRITES = ("-o", "--svg", "--plot")

values = st.one_of(st.sampled_from(ADVERSARIAL), st.text(max_size=6),
                   st.integers(-5, 70_000).map(str), st.sampled_from(BAD_PATHS))

CHANNELS = ["1", "2", "8", "16", "32", "64", "256"]
BLOCK = {
    "--in": CHANNELS, "--mid": CHANNELS, "--out": CHANNELS, "--expansion": ["1", "4"],
    "--stride": ["1", "2"], "--stride-on": ["3x3", "1x1", "3X3"], "--groups": ["1", "2"],
    "--size": ["56", "7x9", "1", "65536"], "--batch": ["1", "2"],
}
FLAGS = ["--bn", "--no-bn", "--bias", "--no-bias", "--debug", "--color", "--no-color"]
# name: (always given, options that may be given and their usual values, flags)
COMMANDS: dict[str, tuple[list[str], dict[str, list[str]], list[str]]] = {
    "compare": (["--no-measure"], {
        **BLOCK, "--format": ["table", "json", "csv", "markdown", "JSON"], "-o": PATHS},
        [*FLAGS, "--explain", "--cross-check"]),
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
    "diagram": ([], {**BLOCK, "-o": PATHS, "--svg": PATHS}, FLAGS[:5]),
    "handout": (["--no-measure"], {
        **BLOCK, "--title": ["Week 5", "<b>&amp;</b>", "# [x](y)", "周五"],
        "--lang": ["en", "zh", "ZH"], "--sweep": ["16,32", "8:64:8"],
        "--format": ["html", "markdown"], "-o": PATHS}, FLAGS[:5]),
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
