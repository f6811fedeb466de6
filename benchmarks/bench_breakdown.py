"""Speed of ``bottlecalc network TARGET --depth 3`` (a user's model, module by module)
against the totals-only run of the same target.

Target (issue 10): the per-module breakdown within 1.1x of the totals alone. The baseline
is ``bottlecalc check TARGET --max-params --max-macs --max-flops --format json``: the same
process start, the same import of the model and the same measurement (the one pipeline with
the same plan: parameters, FlopCounterMode and the module formulas on meta, fvcore traced
for real), printing the totals only. What differs is the breakdown itself: rows at depth 3
from the per-module counts, their shares, and the JSON of every row and module. Two models:
ViT-B/16 at 224x224 (the measurement dominates), and resnet18 at 64x64 (about 70 modules
and little arithmetic: the breakdown's own cost shows most). Measured in the same run,
interleaved. Then, in this process, the breakdown alone: each model measured once, and the
rows at depth 3 rendered in every format, timed apart from the measurement.
Usage: python benchmarks/bench_breakdown.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians, report

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
MODELS = {  # name: (target, input, limits every route is held to)
    "vit_b16": (f"{FIXTURES / 'models.py'}:vit_b16", "1,3,224,224", ("100M", "20G", "40G")),
    "resnet18": (f"{FIXTURES / 'breakdown_models.py'}:resnet18", "1,3,64,64",
                 ("12M", "1G", "2G")),
}


def cases() -> tuple[dict[str, list[str]], list[tuple[str, str, float]]]:
    runs: dict[str, list[str]] = {}
    targets = []
    for name, (target, shape, (params, macs, flops)) in MODELS.items():
        base = f"check {name}, totals only (baseline)"
        runs[base] = [PY, "-m", "bottlecalc", "check", target, "--input", shape,
                      "--max-params", params, "--max-macs", macs, "--max-flops", flops,
                      "--format", "json"]
        case = f"network {name} --depth 3 --format json"
        runs[case] = [PY, "-m", "bottlecalc", "network", target, "--input", shape,
                      "--depth", "3", "--format", "json"]
        targets.append((case, base, 1.1))
    return runs, targets


def breakdown_alone(repeats: int) -> None:
    """The breakdown's own cost, in process: rows at depth 3 and every format's rendering,
    against the measurement it reads."""
    from bottlecalc.api import count_model
    from bottlecalc.breakdown import NetworkReport
    from bottlecalc.report.network.registry import RENDERERS
    from bottlecalc.report.render import RenderOptions
    from bottlecalc.spec import parse_tensor

    for name, (target, shape, _) in MODELS.items():
        start = time.perf_counter()
        result = count_model(target, feed=(parse_tensor("--input", shape),), inputs=None,
                             base=Path.cwd())
        measured = time.perf_counter() - start
        for fmt, render in RENDERERS.items():
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                render(NetworkReport(model=result, depth=3), RenderOptions())
                times.append(time.perf_counter() - start)
            print(f"{name}: breakdown + {fmt:<8} {1000 * statistics.median(times):7.1f} ms "
                  f"(measuring it: {measured:.2f} s)")


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    runs, targets = cases()
    ok = report(medians(runs, repeats), targets)
    breakdown_alone(repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
