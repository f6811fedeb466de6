"""One-line definitions of every count, as the JSON documents state them."""

from __future__ import annotations

CONVENTIONS = {
    "mac": "one multiply-accumulate (multiply + add); papers' and fvcore's 'FLOPs'",
    "flop": "one floating-point operation; FLOPs = 2 x MACs (torch FlopCounterMode)",
    "params.conv": "main-path conv weights only: no bias, BN or shortcut (the article)",
    "macs.conv": "conv + linear MACs, projection shortcut included; bias, BN, add, ReLU excluded",
    "macs.analytic": "macs.conv + BN (2/element, eval) + adaptive avg-pool (1/element): "
    "fvcore's convention",
}

NETWORK_CONVENTIONS = {
    **{key: value for key, value in CONVENTIONS.items() if key != "params.conv"},
    "macs.conv": "conv + linear MACs: what torchvision publishes as 'GFLOPS'",
    "macs.v1": "macs.conv with the stride on the first 1x1 (ResNet v1): the paper's Table 1",
    "memory": "bytes at --dtype if each layer reads its input and weights and writes its "
    "output once (no fusion); intensity = MACs / (weight + input + output bytes)",
}
