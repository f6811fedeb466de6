#!/usr/bin/env python3
"""Run bottlecalc's tests and published-figure checks on several torch releases.

For each ``--torch VERSION`` this makes (or re-uses) a venv with that torch, installs the
checkout given by ``--repo`` into it as README.md says (``pip install -e ".[test]"``, torch
pinned), runs the whole test suite, then runs the installed ``bottlecalc`` on the figures
below and compares every count with its published or hand-derived value. It writes a results
table (Markdown, for docs/compatibility.md) and the details as JSON.

Each torch build from PyPI is a CUDA build of several GB (it runs on the CPU), so venvs are
kept in ``--venvs`` and re-used: a second run only reinstalls bottlecalc. Not part of the
default test run.

    python tools/torch_matrix.py --torch 2.3.1 --torch 2.15.0 --repo /path/to/checkout
    python tools/torch_matrix.py --torch 2.15.0 --python python3.13   # another interpreter

Pip constraint files (``/etc/xdg/pip`` caps torch on some machines) are lifted for the
matrix venvs only, with ``PIP_CONSTRAINT=/dev/null`` on their pip calls.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_VENVS = Path("/work/venvs")
MIN_FREE_GB = 8  # a CUDA build of torch with its libraries is about 5.5 GB in a venv
Doc = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    """One count the installed CLI must print: where in which JSON, and its true value."""

    label: str
    command: str  # key of COMMANDS
    get: Callable[[Doc], Any]
    expected: Callable[[Doc], Any]
    source: str


ARTICLE = ["compare", "--in", "256", "--mid", "64", "--cross-check", "--format", "json"]
NETWORKS = ["network", "resnet18", "resnet50", "--cross-check", "--format", "json"]
SMALL_CNN = ["check", "small_cnn.py:build", "--input", "1,3,32,32", "--max-params", "1M",
             "--max-macs", "1G", "--max-flops", "1G", "--format", "json"]
COMMANDS = {"article": ARTICLE, "networks": NETWORKS, "small_cnn": SMALL_CNN}


def _at(*keys: str | int) -> Callable[[Doc], Any]:
    """A reader of the value at ``keys`` in a document: ``_at("blocks", 0, "params")``."""
    def get(doc: Doc) -> Any:
        node: Any = doc
        for key in keys:
            node = node[key]
        return node
    return get


def _block(i: int, *keys: str) -> Callable[[Doc], Any]:
    return _at("blocks", i, *keys)


def _net(i: int, *keys: str) -> Callable[[Doc], Any]:
    return _at("networks", i, *keys)


def _measured(key: str) -> Callable[[Doc], Any]:
    return lambda doc: doc["budgets"][0]["measured"][key]


def _const(value: Any) -> Callable[[Doc], Any]:
    return lambda doc: value


def _twice(macs: Callable[[Doc], Any]) -> Callable[[Doc], Any]:
    """FLOPs = 2 x MACs."""
    return lambda doc: 2 * macs(doc)


def _gflops(macs: Callable[[Doc], Any]) -> Callable[[Doc], Any]:
    """MACs / 1e9 to two places: how torchvision publishes "GFLOPS"."""
    return lambda doc: round(macs(doc) / 1e9, 2)


def _block_figures() -> list[Figure]:
    found = [
        Figure("basic block conv weights", "article", _block(0, "params", "conv"),
               _const(1_179_648), "the article: 2 x 3x3x256x256"),
        Figure("bottleneck conv weights", "article", _block(1, "params", "conv"),
               _const(69_632), "the article: 1x1x256x64 + 3x3x64x64 + 1x1x64x256"),
    ]
    for i, kind in enumerate(("basic", "bottleneck")):
        found += [
            Figure(f"{kind}: instantiated parameters", "article",
                   _block(i, "params", "instantiated"), _block(i, "params", "total"),
                   "closed form (params.total)"),
            Figure(f"{kind}: fvcore", "article", _block(i, "macs", "fvcore"),
                   _block(i, "macs", "analytic"), "closed form, fvcore's convention"),
            Figure(f"{kind}: FlopCounterMode", "article", _block(i, "flops", "torch"),
                   _twice(_block(i, "macs", "conv")), "2 x MACs"),
        ]
    return found


PUBLISHED = {"resnet18": (11_689_512, 1.81), "resnet50": (25_557_032, 4.09)}  # torchvision


def _network_figures() -> list[Figure]:
    found = []
    for i, (name, (params, gflops)) in enumerate(PUBLISHED.items()):
        found += [
            Figure(f"{name}: instantiated parameters", "networks",
                   _net(i, "params", "instantiated"), _const(params), "torchvision's docs"),
            Figure(f"{name}: GFLOPS (MACs / 1e9, 2 places)", "networks",
                   _gflops(_net(i, "macs", "conv")), _const(gflops), "torchvision's docs"),
            Figure(f"{name}: fvcore", "networks", _net(i, "macs", "fvcore"),
                   _net(i, "macs", "analytic"), "closed form, fvcore's convention"),
            Figure(f"{name}: FlopCounterMode", "networks", _net(i, "flops", "torch"),
                   _twice(_net(i, "macs", "conv")), "2 x MACs"),
        ]
    return found


# tests/fixtures/small_cnn.py at 1x3x32x32, by hand: conv 3->8 3x3 (216 weights, frozen) at
# 32x32, BN 8, conv 8->16 3x3/2 + bias at 16x16, avg-pool, fc 16->10.
SMALL_MACS = 216 * 32 * 32 + 1152 * 16 * 16 + 160
SMALL_FIGURES = [
    Figure("small_cnn: parameters", "small_cnn", _measured("params"),
           _const(216 + 16 + 1152 + 16 + 170), "by hand"),
    Figure("small_cnn: trainable", "small_cnn", _measured("trainable_params"),
           _const(16 + 1152 + 16 + 170), "by hand (first conv frozen)"),
    Figure("small_cnn: buffers", "small_cnn", _measured("buffers"), _const(8 + 8 + 1), "by hand"),
    Figure("small_cnn: fvcore", "small_cnn", _measured("macs_fvcore"),
           _const(SMALL_MACS + 2 * 8 * 32 * 32 + 16 * 16 * 16), "by hand, fvcore's convention"),
    Figure("small_cnn: FlopCounterMode", "small_cnn", _measured("flops_torch"),
           _const(2 * SMALL_MACS), "by hand, 2 x MACs"),
]
FIGURES = [*_block_figures(), *_network_figures(), *SMALL_FIGURES]


@dataclass
class Result:
    """What one torch release did."""

    torch: str
    python: str = ""
    installed: str = ""  # torch.__version__ in the venv
    numpy: str = ""
    tests: str = "not run"
    tests_passed: bool = False
    figures_equal: int = 0
    figures: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str = ""

    @property
    def passed(self) -> bool:
        return self.tests_passed and self.figures_equal == len(FIGURES) and not self.error


def pip_env() -> dict[str, str]:
    """The environment for matrix pip calls: no torch cap, no PYTHONPATH from the caller."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_CONSTRAINT"] = os.devnull
    return env


def run_env(venv: Path) -> dict[str, str]:
    env = pip_env()
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def default_sigint() -> None:
    """Children take Ctrl-C as usual even when this script runs in the background (``&``),
    where the shell ignores SIGINT and every child inherits that: the tests send one."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(argv: Sequence[str | Path], *, env: dict[str, str], cwd: Path | None = None,
        log: Path | None = None, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in argv], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=default_sigint)
    if log is not None:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"$ {' '.join(map(str, argv))}\n{proc.stdout}{proc.stderr}\n")
    return proc


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def installed_torch(venv: Path) -> str | None:
    if not venv_python(venv).exists():
        return None
    proc = run([venv_python(venv), "-c", "import torch; print(torch.__version__)"],
               env=pip_env())
    return proc.stdout.strip() if proc.returncode == 0 else None


def same_release(installed: str | None, wanted: str) -> bool:
    return installed is not None and installed.split("+")[0] == wanted


def ensure_torch(venv: Path, version: str, python: str, log: Path) -> None:
    """Make the venv and install torch into it, unless it already has this release."""
    if same_release(installed_torch(venv), version):
        return
    free = shutil.disk_usage(venv.parent).free / 2**30
    if free < MIN_FREE_GB:
        raise RuntimeError(f"{free:.1f} GB free in {venv.parent}; torch needs about "
                           f"{MIN_FREE_GB} GB (remove a venv you no longer need)")
    if not venv_python(venv).exists():
        check(run([python, "-m", "venv", venv], env=pip_env(), log=log), "creating the venv")
    pip: list[str | Path] = [venv_python(venv), "-m", "pip", "install", "--no-cache-dir",
                             f"torch=={version}"]
    check(run(pip, env=pip_env(), log=log), f"installing torch {version}")


def install_bottlecalc(venv: Path, version: str, repo: Path, extra: Sequence[str],
                       log: Path) -> None:
    """README's install, with this torch pinned so pip keeps it."""
    pip: list[str | Path] = [venv_python(venv), "-m", "pip", "install", "-e", f"{repo}[test]",
                             f"torch=={version}", *extra]
    check(run(pip, env=pip_env(), log=log), "installing bottlecalc")


def check(proc: subprocess.CompletedProcess[str], what: str) -> None:
    """Raise with the command's last error lines (pip's ``ERROR:`` lines where it has any)."""
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        errors = [line for line in lines if line.startswith("ERROR")] or lines
        raise RuntimeError(f"{what} failed: {' / '.join(errors[-2:])}")


def describe(venv: Path, result: Result) -> None:
    code = ("import platform, numpy, torch; "
            "print(platform.python_version(), torch.__version__, numpy.__version__)")
    proc = run([venv_python(venv), "-c", code], env=pip_env())
    check(proc, "reading versions")
    result.python, result.installed, result.numpy = proc.stdout.split()


SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed|error).*?) in [\d.]+s", re.M)


def run_tests(venv: Path, repo: Path, pytest_args: Sequence[str], log: Path,
              result: Result) -> None:
    """The whole suite, from the checkout (as README's test command runs it)."""
    argv: list[str | Path] = [venv_python(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              *pytest_args]
    proc = run(argv, env=run_env(venv), cwd=repo, log=log)
    found = SUMMARY.findall(proc.stdout)
    result.tests = found[-1] if found else f"pytest exited {proc.returncode}"
    result.tests_passed = proc.returncode == 0


def run_figures(venv: Path, repo: Path, log: Path, result: Result) -> None:
    """The installed CLI's JSON, each figure compared with its true value."""
    docs = {name: cli_json(venv, argv, cwd=repo / "tests" / "fixtures", log=log)
            for name, argv in COMMANDS.items()}
    for figure in FIGURES:
        doc = docs[figure.command]
        got, want = figure.get(doc), figure.expected(doc)
        result.figures.append({"figure": figure.label, "value": got, "expected": want,
                               "equal": got == want, "source": figure.source})
    result.figures_equal = sum(1 for f in result.figures if f["equal"])


def cli_json(venv: Path, argv: Sequence[str], *, cwd: Path, log: Path) -> Doc:
    proc = run([venv / "bin" / "bottlecalc", *argv], env=run_env(venv), cwd=cwd, log=log)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"bottlecalc {argv[0]} exited {proc.returncode}: "
                           f"{proc.stderr.strip()}")
    doc: Doc = json.loads(proc.stdout)
    return doc


def timed(result: Result, step: str, action: Callable[[], None]) -> None:
    start = time.perf_counter()
    try:
        action()
    finally:
        result.seconds[step] = round(time.perf_counter() - start, 1)


def one_release(version: str, args: argparse.Namespace) -> Result:
    """Every step for one torch release; a failing step is recorded, not raised."""
    venv = args.venvs / venv_name(version, args.python)
    log = args.venvs / f"{venv.name}.log"
    log.write_text("", encoding="utf-8")
    result = Result(torch=version)
    try:
        timed(result, "torch", lambda: ensure_torch(venv, version, args.python, log))
        timed(result, "install", lambda: install_bottlecalc(venv, version, args.repo,
                                                            args.extra, log))
        describe(venv, result)
        timed(result, "tests", lambda: run_tests(venv, args.repo, args.pytest_args, log,
                                                 result))
        timed(result, "figures", lambda: run_figures(venv, args.repo, log, result))
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def venv_name(version: str, python: str) -> str:
    """``torch-2.15.0`` with this interpreter, ``torch-2.15.0-py3.13`` with another."""
    if python == sys.executable:
        return f"torch-{version}"
    code = "import sys; print('%d.%d' % sys.version_info[:2])"
    proc = run([python, "-c", code], env=pip_env())
    check(proc, f"running {python}")
    return f"torch-{version}-py{proc.stdout.strip()}"


def table(results: Sequence[Result]) -> str:
    """The Markdown table docs/compatibility.md shows."""
    lines = ["| torch | Python | result | tests | figures equal | seconds (tests + figures) "
             "| installed, numpy |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        verdict = "pass" if r.passed else "FAIL"
        seconds = r.seconds.get("tests", 0) + r.seconds.get("figures", 0)
        note = r.error or f"{r.installed}, numpy {r.numpy}"
        lines.append(f"| {r.torch} | {r.python or '?'} | {verdict} | {r.tests} | "
                     f"{r.figures_equal}/{len(FIGURES)} | {seconds:.0f} | {note} |")
    return "\n".join(lines) + "\n"


def differences(results: Sequence[Result]) -> str:
    """Every figure that was not its true value, per release."""
    rows = [f"- torch {r.torch}: {f['figure']} = {f['value']!r}, expected {f['expected']!r} "
            f"({f['source']})" for r in results for f in r.figures if not f["equal"]]
    rows += [f"- torch {r.torch}: figures not run" for r in results if not r.figures]
    return "\n".join(rows) + "\n" if rows else "Every figure equal on every release.\n"


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--torch", action="append", required=True, metavar="VERSION",
                        help="a torch release, e.g. 2.3.1 (repeat for several)")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the bottlecalc checkout to test (default: this one)")
    parser.add_argument("--venvs", type=Path, default=DEFAULT_VENVS,
                        help=f"where the venvs and logs live (default: {DEFAULT_VENVS})")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter the venvs are made with (default: this one)")
    parser.add_argument("--with", dest="extra", action="append", default=[], metavar="REQ",
                        help="one more requirement for every venv, e.g. 'numpy<2'")
    parser.add_argument("--pytest-args", default="", help="more arguments for pytest")
    parser.add_argument("--output", type=Path, default=None,
                        help="write the table and details here (default: VENVS/matrix.md)")
    args = parser.parse_args(argv)
    args.repo, args.pytest_args = args.repo.resolve(), args.pytest_args.split()
    args.output = args.output or args.venvs / "matrix.md"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    args.venvs.mkdir(parents=True, exist_ok=True)
    commit = run(["git", "-C", args.repo, "describe", "--always", "--dirty"], env=pip_env())
    results = []
    for version in args.torch:
        print(f"torch {version}: ...", file=sys.stderr, flush=True)
        results.append(one_release(version, args))
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    head = f"bottlecalc {commit.stdout.strip() or '?'} ({args.repo})\n\n"
    report = head + table(results) + "\n" + differences(results)
    args.output.write_text(report, encoding="utf-8")
    args.output.with_suffix(".json").write_text(
        json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    print(report, end="")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
