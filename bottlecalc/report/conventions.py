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

MODEL_CONVENTIONS = {
    "mac": CONVENTIONS["mac"],
    "flop": CONVENTIONS["flop"],
    "macs.complete": "every multiply-accumulate of conv, linear, bilinear, matmul, attention "
    "(QK^T and AV) and recurrent cells, whichever kernel torch picks; none for norms, pooling "
    "or elementwise ops: torchvision's 'GFLOPS' convention, held against max-macs",
    "macs.torch": "FlopCounterMode's FLOPs / 2 on meta tensors (fused kernels counted by formula)",
    "macs.modules": "the module formulas (nn.Conv*, Linear, MultiheadAttention, LSTM, ...), "
    "covered modules only",
    "macs.fvcore": "fvcore's FlopCountAnalysis: also BN and pooling, skips what it cannot "
    "trace (fused attention, recurrent kernels)",
    "flops.torch": "FlopCounterMode's FLOPs (2 per multiply-add)",
    "flops.train": "FlopCounterMode for a training step on meta: forward + backward, a "
    "gradient for every trainable parameter, none for the inputs",
    "breakdown": "rows at --depth (and leaves above it) with their subtrees' counts; "
    "(other) is work done outside them; rows and (other) sum to the totals",
    "modules": "every module's own parameters and the MACs done in it and no child "
    "(what --baseline compares)",
}
