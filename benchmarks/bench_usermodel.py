"""Speed of ``bottlecalc check`` on a ViT-B/16-sized model built from torch.nn, every route.

Target (issue 9): checking it at 224x224 with every route (parameters, the complete count
on meta by FlopCounterMode and the module formulas, fvcore traced for real, the
reconciliation) within 1.3x of a plain script that builds the model and runs
``FlopCountAnalysis(model, x).total()`` once, measured in the same run, interleaved.
Usage: python benchmarks/bench_usermodel.py [repeats]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians, report

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
PLAIN = f"""
import sys, logging, warnings
warnings.filterwarnings("ignore")
logging.getLogger("fvcore").setLevel(logging.ERROR)
sys.path.insert(0, {str(FIXTURES)!r})
import torch
from fvcore.nn import FlopCountAnalysis
from models import vit_b16
model = vit_b16().eval()
print(FlopCountAnalysis(model, torch.zeros(1, 3, 224, 224)).total())
"""
CASES = {
    "plain FlopCountAnalysis script (baseline)": [PY, "-c", PLAIN],
    "check vit_b16, every route": [
        PY, "-m", "bottlecalc", "check", f"{FIXTURES / 'models.py'}:vit_b16",
        "--input", "1,3,224,224", "--max-params", "100M", "--max-macs", "20G",
        "--max-flops", "40G", "--format", "json"],
}
TARGETS = [("check vit_b16, every route", "plain FlopCountAnalysis script (baseline)", 1.3)]


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    return 0 if report(medians(CASES, repeats), TARGETS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
