"""Speed of ``bottlecalc.count(model, x)`` on a ResNet-50 against fvcore alone, in process.

Target (issue 10): after imports and a warm-up, ``count(model, x)`` on a ResNet-50-sized
model (bottlecalc's torchvision-shaped ResNet-50 from torch.nn, real weights on the CPU,
x 1x3x224x224) within 1.2x of ``FlopCountAnalysis(model, x).total()`` on the same model
and input, both in this process, interleaved; medians of ``repeats`` runs. ``count`` runs
every route: parameters, the complete count on a meta copy (FlopCounterMode, module
formulas, attribution per module), fvcore traced for real, the reconciliation.

fvcore's real forward uses torch's intra-op threads; the meta count is one Python thread,
so the ratio grows with the core count (and with other load on a shared machine, which
slows multi-threaded kernels most). ``--threads N`` fixes torch's thread count for both.
Usage: python benchmarks/bench_count.py [repeats] [--threads N]
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable

import torch
from fvcore.nn import FlopCountAnalysis

import bottlecalc
from bottlecalc.build import build
from bottlecalc.presets import get_preset

LIMIT = 1.2


def quiet_fvcore() -> None:
    """As the plain scripts of the other benchmarks do: no warnings, fvcore logs errors only."""
    warnings.filterwarnings("ignore")
    logging.getLogger("fvcore").setLevel(logging.ERROR)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def options(argv: list[str]) -> tuple[int, int | None]:
    """(repeats, threads): ``[repeats] [--threads N]``."""
    threads = None
    if "--threads" in argv:
        at = argv.index("--threads")
        threads, argv = int(argv[at + 1]), argv[:at] + argv[at + 2:]
    return (int(argv[0]) if argv else 7), threads


def main() -> int:
    repeats, threads = options(sys.argv[1:])
    if threads is not None:
        torch.set_num_threads(threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, "
          f"{repeats} interleaved runs each")
    quiet_fvcore()
    model = build(get_preset("resnet50"), device="cpu")  # torch's default initialisation
    x = torch.zeros(1, 3, 224, 224)
    cases: dict[str, Callable[[], object]] = {
        "FlopCountAnalysis(model, x).total() (baseline)":
            lambda: FlopCountAnalysis(model, x).total(),
        "bottlecalc.count(model, x)": lambda: bottlecalc.count(model, x),
        "bottlecalc.count(model, x, fvcore=False)":
            lambda: bottlecalc.count(model, x, fvcore=False),
    }
    for fn in cases.values():  # warm-up: first calls import and initialise lazily
        fn()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            times[name].append(timed(fn))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<48} median {median:6.3f} s")
    base, ours = list(medians.values())[:2]
    print(f"count / FlopCountAnalysis: {ours / base:.2f}x (target <= {LIMIT}x) "
          f"{'ok' if ours / base <= LIMIT else 'OVER'}")
    return 0 if ours / base <= LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
