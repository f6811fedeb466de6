"""Speed of ``bottlecalc network resnet152 --format json`` against a plain fvcore script.

Target (issue 3): the command (analytic, instantiated and fvcore routes) within 1.2x of a
plain script that builds the same ResNet-152 in torch, torchvision-style and with torch's
default initialisation, and runs fvcore's ``FlopCountAnalysis(...).total()`` once, measured
in the same run, interleaved.  Usage: python benchmarks/bench_network.py [repeats]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import PY, medians, report

# torchvision is not a dependency, so the baseline spells ResNet-152 out the way
# torchvision.models.resnet does: bottleneck blocks [3, 8, 36, 3], stride on the 3x3.
PLAIN = """
import torch
from torch import nn
from fvcore.nn import FlopCountAnalysis

class Bottleneck(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        out = planes * 4
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != out:
            self.downsample = nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False),
                                            nn.BatchNorm2d(out))

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        return self.relu(self.bn3(self.conv3(y)) + idt)

def stage(cin, planes, n, stride):
    blocks = [Bottleneck(cin, planes, stride)]
    blocks += [Bottleneck(planes * 4, planes, 1) for _ in range(n - 1)]
    return nn.Sequential(*blocks)

net = nn.Sequential(
    nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
    nn.MaxPool2d(3, 2, 1),
    stage(64, 64, 3, 1), stage(256, 128, 8, 2), stage(512, 256, 36, 2),
    stage(1024, 512, 3, 2),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(2048, 1000),
).eval()
with torch.no_grad():
    print(FlopCountAnalysis(net, torch.zeros(1, 3, 224, 224)).total())
"""

CASES = {
    "plain torch + fvcore resnet152 (baseline)": [PY, "-W", "ignore", "-c", PLAIN],
    "network resnet152 --format json": [PY, "-m", "bottlecalc", "network", "resnet152",
                                        "--format", "json"],
}
TARGETS = [("network resnet152 --format json", "plain torch + fvcore resnet152 (baseline)", 1.2)]


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    return 0 if report(medians(CASES, repeats), TARGETS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
