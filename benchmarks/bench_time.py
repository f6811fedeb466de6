"""How long ``bottlecalc compare --in 256 --mid 64 --time`` takes (issue 12: under 10 s).

It runs the counting routes, probes the machine's roofs (matmul, 3x3 conv, copy), then times
both of the article's blocks and each of their layers with torch.utils.benchmark. The plain
``compare`` of the same blocks is measured in the same run, interleaved, so the line
"--time costs" is what timing adds on this machine, whatever its load.

Usage: python benchmarks/bench_time.py [repeats]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians

ARTICLE = [PY, "-m", "bottlecalc", "compare", "--in", "256", "--mid", "64"]
CASES = {
    "compare --in 256 --mid 64": ARTICLE,
    "compare --in 256 --mid 64 --time": [*ARTICLE, "--time"],
    "compare --in 256 --mid 64 --time --threads 1": [*ARTICLE, "--time", "--threads", "1"],
}
TARGET_S = 10.0


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = medians(CASES, repeats)
    for name, (wall, peak) in results.items():
        print(f"{name:<46} median {wall:6.2f} s   peak RSS {peak:6d} MiB")
    plain = results["compare --in 256 --mid 64"][0]
    ok = True
    for name in list(CASES)[1:]:
        wall = results[name][0]
        verdict = "ok" if wall < TARGET_S else "OVER"
        ok = ok and wall < TARGET_S
        print(f"{name}: {wall:.2f} s (target < {TARGET_S:.0f} s) {verdict}; "
              f"--time costs {wall - plain:.2f} s over the plain compare")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
