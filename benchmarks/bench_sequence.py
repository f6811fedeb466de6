"""Speed and memory of ``network TARGET --seq`` on a Llama-7B-shaped decoder (torch.nn).

Targets (issue 18): counting at four sequence lengths (128, 512, 2048, 8192; with the
one-token count of the active parameters) within 4.5x one ordinary count of the same model
at one length (2048), both fresh processes, measured in the same run, interleaved (the meta
counts, not the imports, dominate); and memory flat in T: the peak RSS of ``--seq 8192``
within 1.1x that of ``--seq 128`` (meta tensors hold no data).
Usage: python benchmarks/bench_sequence.py [repeats]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians, report

TARGET = f"{Path(__file__).resolve().parent.parent / 'tests' / 'fixtures' / 'decoders.py'}:llama_7b"
NETWORK = [PY, "-m", "bottlecalc", "network", TARGET, "--format", "json"]
ONE = "network llama_7b --input 1,2048:int64 (baseline)"
FOUR = "network llama_7b --seq 128,512,2048,8192"
SHORT = "network llama_7b --seq 128"
LONG = "network llama_7b --seq 8192"
CASES = {
    ONE: [*NETWORK, "--input", "1,2048:int64"],
    FOUR: [*NETWORK, "--input", "1,128:int64", "--seq", "128,512,2048,8192"],
    SHORT: [*NETWORK, "--input", "1,128:int64", "--seq", "128"],
    LONG: [*NETWORK, "--input", "1,128:int64", "--seq", "8192"],
}
TARGETS = [(FOUR, ONE, 4.5)]
FLAT = 1.1


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = medians(CASES, repeats)
    ok = report(results, TARGETS)
    ratio = results[LONG][1] / results[SHORT][1]
    print(f"peak RSS {LONG} / {SHORT}: {ratio:.2f}x (target <= {FLAT}x) "
          f"{'ok' if ratio <= FLAT else 'OVER'}")
    return 0 if ok and ratio <= FLAT else 1


if __name__ == "__main__":
    raise SystemExit(main())
