"""Speed on the models people download (issue 17), against the plain script each replaces.

Medians of fresh-process runs, interleaved in the same run:

* ``llama``: ``bottlecalc check`` of a Llama-2-7B-shaped transformers model (built on meta
  from ``LlamaConfig()``) with ``--max-macs``, against a script that builds the same model
  on meta and runs FlopCounterMode on meta. Target <= 1.15x.
* ``resnet``: ``bottlecalc.count(model, x)`` on ResNet-50 (bottlecalc's torchvision-shaped
  build, on the CPU), against ``FlopCountAnalysis(model, x).total()`` on the same model,
  both in process. Target <= 1.2x.
* ``yolo``: ``bottlecalc network`` of ultralytics' ``DetectionModel("yolov8n.yaml")`` at
  640, against a plain ``FlopCountAnalysis`` script of the same model. Target <= 1.3x.
  Needs ultralytics (run it with a Python that has it; skipped otherwise).

Usage: python benchmarks/bench_models.py [repeats] [llama] [resnet] [yolo]
(default: 5 repeats, every group whose library is installed).
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians, report

QUIET = """
import logging, warnings
warnings.filterwarnings("ignore")
logging.getLogger("fvcore").setLevel(logging.ERROR)
"""
LLAMA_FILE = """
import torch
from transformers import LlamaConfig, LlamaForCausalLM


def llama_7b():
    with torch.device("meta"):
        return LlamaForCausalLM(LlamaConfig())
"""
LLAMA_PLAIN = QUIET + """
import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import LlamaConfig, LlamaForCausalLM
with torch.device("meta"):
    model = LlamaForCausalLM(LlamaConfig()).eval()
ids = torch.zeros(1, 128, dtype=torch.int64, device="meta")
with torch.no_grad(), FlopCounterMode(display=False) as counter:
    model(input_ids=ids)
print(counter.get_total_flops())
"""
RESNET_BUILD = QUIET + """
import torch
from bottlecalc.build import build
from bottlecalc.presets import get_preset
model = build(get_preset("resnet50"), device="cpu").eval()
x = torch.zeros(1, 3, 224, 224)
"""
RESNET_COUNT = RESNET_BUILD + """
import bottlecalc
print(bottlecalc.count(model, x).macs)
"""
RESNET_PLAIN = RESNET_BUILD + """
from fvcore.nn import FlopCountAnalysis
print(FlopCountAnalysis(model, x).total())
"""
YOLO_FILE = """
from ultralytics.nn.tasks import DetectionModel


def yolov8n():
    return DetectionModel("yolov8n.yaml", verbose=False)
"""
YOLO_PLAIN = QUIET + """
import torch
from fvcore.nn import FlopCountAnalysis
from ultralytics.nn.tasks import DetectionModel
model = DetectionModel("yolov8n.yaml", verbose=False).eval()
print(FlopCountAnalysis(model, torch.zeros(1, 3, 640, 640)).total())
"""
LLAMA_MACS = 850_000_871_424  # docs/recipes.md: the hand formula at 128 tokens


def llama_cases(folder: Path) -> dict[str, list[str]]:
    (folder / "llama.py").write_text(LLAMA_FILE, encoding="utf-8")
    return {
        "llama plain FlopCounterMode on meta (baseline)": [PY, "-c", LLAMA_PLAIN],
        "llama check --max-macs": [
            PY, "-m", "bottlecalc", "check", f"{folder / 'llama.py'}:llama_7b",
            "--input", "input_ids=1,128:int64", "--max-macs", str(LLAMA_MACS),
            "--format", "json"],
    }


def resnet_cases(folder: Path) -> dict[str, list[str]]:
    return {
        "resnet50 in-process FlopCountAnalysis (baseline)": [PY, "-c", RESNET_PLAIN],
        "resnet50 count(model, x)": [PY, "-c", RESNET_COUNT],
    }


def yolo_cases(folder: Path) -> dict[str, list[str]]:
    (folder / "yolo.py").write_text(YOLO_FILE, encoding="utf-8")
    return {
        "yolov8n plain FlopCountAnalysis (baseline)": [PY, "-c", YOLO_PLAIN],
        "yolov8n network": [
            PY, "-m", "bottlecalc", "network", f"{folder / 'yolo.py'}:yolov8n",
            "--input", "1,3,640,640", "--format", "json"],
        "yolov8n network --no-fvcore (meta only)": [
            PY, "-m", "bottlecalc", "network", f"{folder / 'yolo.py'}:yolov8n",
            "--input", "1,3,640,640", "--no-fvcore", "--format", "json"],
    }


GROUPS = {  # name: (the library it needs, its cases, (case, baseline, target))
    "llama": ("transformers", llama_cases, ("llama check --max-macs",
                                             "llama plain FlopCounterMode on meta (baseline)",
                                             1.15)),
    "resnet": ("fvcore", resnet_cases, ("resnet50 count(model, x)",
                                        "resnet50 in-process FlopCountAnalysis (baseline)",
                                        1.2)),
    "yolo": ("ultralytics", yolo_cases, ("yolov8n network --no-fvcore (meta only)",
                                         "yolov8n plain FlopCountAnalysis (baseline)", 1.3)),
}


def main() -> int:
    args = sys.argv[1:]
    repeats = int(args.pop(0)) if args and args[0].isdigit() else 5
    chosen = args or list(GROUPS)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            library, cases, target = GROUPS[name]
            if importlib.util.find_spec(library) is None:
                print(f"{name}: skipped ({library} is not installed)")
                continue
            ok = report(medians(cases(Path(tmp)), repeats), [target]) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
