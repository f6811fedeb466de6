"""Speed and memory of ``bottlecalc compare`` against baselines measured in the same run.

Targets: --no-measure within 1.5x of importing click + rich (issue 16; issue 2 asked 2x);
the default compare within 1.2x of importing torch + fvcore.nn; --in 4096 --mid 1024 within
2x of that import and under 1 GB peak RSS.  Usage: python benchmarks/bench_compare.py [repeats]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians, report

CLI = [PY, "-m", "bottlecalc", "compare"]
CASES = {
    "import click, rich (baseline)": [PY, "-c", "import click, rich.console, rich.table"],
    "compare --no-measure": [*CLI, "--in", "256", "--mid", "64", "--no-measure"],
    "import torch, fvcore.nn (baseline)": [PY, "-W", "ignore", "-c", "import torch, fvcore.nn"],
    "compare --in 256 --mid 64": [*CLI, "--in", "256", "--mid", "64"],
    "compare --in 4096 --mid 1024": [*CLI, "--in", "4096", "--mid", "1024"],
}
TARGETS = [
    ("compare --no-measure", "import click, rich (baseline)", 1.5),
    ("compare --in 256 --mid 64", "import torch, fvcore.nn (baseline)", 1.2),
    ("compare --in 4096 --mid 1024", "import torch, fvcore.nn (baseline)", 2.0),
]


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    results = medians(CASES, repeats)
    ok = report(results, TARGETS)
    peak = results["compare --in 4096 --mid 1024"][1]
    print(f"compare --in 4096 --mid 1024 peak RSS: {peak} MiB (target < 1024 MiB)"
          f" {'ok' if peak < 1024 else 'OVER'}")
    return 0 if ok and peak < 1024 else 1


if __name__ == "__main__":
    raise SystemExit(main())
