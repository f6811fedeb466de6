"""Shared helpers: time whole commands in fresh processes, interleaved, and report medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

PY = sys.executable
# Time what an installed bottlecalc costs: pip compiles bytecode when it installs, so the
# runs here may cache it too (this machine sets PYTHONDONTWRITEBYTECODE, which would make
# every run recompile bottlecalc from source).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: Sequence[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {stderr}")
    return elapsed, usage.ru_maxrss // 1024


def medians(cases: dict[str, list[str]], repeats: int) -> dict[str, tuple[float, int]]:
    """Run every case ``repeats`` times, interleaved so machine load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    rss: dict[str, list[int]] = {name: [] for name in cases}
    for argv in cases.values():  # warm the file cache once
        run_once(argv)
    for _ in range(repeats):
        for name, argv in cases.items():
            wall, peak = run_once(argv)
            times[name].append(wall)
            rss[name].append(peak)
    return {name: (statistics.median(times[name]), max(rss[name])) for name in cases}


def report(results: dict[str, tuple[float, int]],
           targets: list[tuple[str, str, float]]) -> bool:
    """Print each case's median and each (case, baseline, limit) ratio; True if all pass."""
    for name, (wall, peak) in results.items():
        print(f"{name:<44} median {wall:6.2f} s   peak RSS {peak:6d} MiB")
    ok = True
    for case, base, limit in targets:
        ratio = results[case][0] / results[base][0]
        verdict = "ok" if ratio <= limit else "OVER"
        ok = ok and ratio <= limit
        print(f"{case} / {base}: {ratio:.2f}x (target <= {limit}x) {verdict}")
    return ok
