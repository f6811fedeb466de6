"""Every legend and convention text bottlecalc prints, in one place, so every format says
the same thing the same way.

The English legends are what the table, Markdown and HTML writers print below a table;
``CONVENTIONS`` and its siblings are the JSON documents' one-line definitions; ``TERMS``
holds the words the handout and the worksheet share, in English and Chinese (their
``i18n`` modules read them from here). No count is ever part of these strings.
"""

# Chinese text uses Chinese (full-width) punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    EN = "en"
    ZH = "zh"


HTML_LANG = {Lang.EN: "en", Lang.ZH: "zh-CN"}  # a page's language tag (<html lang=...>)


HEADROOM_FORMULA = "(limit - actual) / limit."  # one formula: never broken over lines
HEADROOM = f"Headroom = {HEADROOM_FORMULA}"

# check, every text format (the table, Markdown)
CHECK_LEGEND = (
    "MAC = one multiply-accumulate (papers' and torchvision's \"FLOP\"); the complete count "
    "has every MAC of conv, linear, matmul, attention and recurrent layers, none for norms, "
    "pooling or elementwise ops. FLOP = 2 x MAC (torch's FlopCounterMode). " + HEADROOM
)

# sweep, every text format (the table, Markdown)
SWEEP_LEGEND = (
    "MAC = one multiply-accumulate (papers' and fvcore's \"FLOP\"); FLOPs = 2 x MACs. "
    "MACs count every conv, shortcut included; parameters include BN and any projection "
    "shortcut. All counts are analytic."
)

# compare
COMPARE_LEGEND = (
    "MAC = one multiply-accumulate (what papers and fvcore call a \"FLOP\"); "
    "FLOP = one floating-point operation, so FLOPs = 2 x MACs (torch's FlopCounterMode). "
    "Conv weights = main-path conv weights only, no bias/BN/shortcut (the article's count). "
    "MACs count conv (and linear) layers only; fvcore adds BN (2 per element) and skips the "
    "residual add and ReLU."
)

# network PRESET
NETWORK_LEGEND = (
    "MAC = one multiply-accumulate (torchvision's and the ResNet paper's \"FLOP\"); "
    "FLOPs = 2 x MACs (torch's FlopCounterMode). fvcore = conv + linear MACs + BatchNorm "
    "(2 per element, eval) + global avg-pool (1 per element); max-pool and residual adds are "
    "unsupported there (0). Intensity = MACs per byte of weights + input + output, each "
    "layer reading and writing memory once (no fusion)."
)

# network MODEL (and bottlecalc.count)
MODEL_LEGEND = (
    "MAC = one multiply-accumulate. MACs are the complete count: every multiply-add of conv, "
    "linear, matmul, attention and recurrent layers, none for norms, pooling or elementwise "
    "ops (torchvision's \"GFLOPS\"). FLOPs = 2 x MACs (torch's FlopCounterMode). fvcore = "
    "FlopCountAnalysis: also BatchNorm and pooling, nothing for what it cannot trace. A row "
    "is a module and everything inside it; (other) is the work done outside the rows (in a "
    "parent's own forward); rows and (other) sum to the total."
)
KIND_LEGEND = (
    "--by kind: a row per module class, its instances each with everything inside it; kinds "
    "nest (an attention holds its Linear layers), so the rows overlap and do not sum to the "
    "total: each is a share of it."
)
TRAIN_LEGEND = (
    "training FLOPs: one training step (forward + backward), counted for the whole model "
    "only: a row's is not counted (—)."
)
SHARED_LEGEND = (
    "(shared with X): parameters tied to X's (one tensor, as GPT-2's wte and lm_head), counted "
    "once, in the module holding them first. (shared by N parents): one module object held by "
    "N parents; every call of it, from any of them, is in this row. (xN): N identical "
    "numbered siblings in one row, their sums."
)

# --time: blocks and presets (layers timed one at a time), then users' models
TIME_LEGEND = (
    "time = median of many forward passes (torch.utils.benchmark; eval mode, inference_mode, "
    "random inputs); IQR = interquartile range. GFLOP/s = FLOPs (2 x MACs) / median. "
    "roofline = per layer max(FLOPs / peak, bytes / bandwidth), each layer reading its input "
    "and weights and writing its output once; a layer is memory-bound when its MACs/byte are "
    "below the ridge (peak / 2 / bandwidth). Layers are timed one at a time on the input they "
    "get in the forward pass; the residual add is no module and is timed only inside its block."
)
MODEL_TIME_LEGEND = (
    "time = median of many calls (torch.utils.benchmark; eval mode, inference_mode, the "
    "example inputs, floating ones in --dtype). total: the whole forward pass; a row: each "
    "call of its module timed on its own, on the input it gets in the forward pass, summed "
    "over its calls; (other) is not timed (it is no module). GFLOP/s = FLOPs (2 x MACs) / "
    "median. bound: the roofline's verdict on the module taken whole, MACs per byte of its "
    "weights, inputs and outputs (as its calls got and returned them) against the ridge "
    "(peak / 2 / bandwidth); roofline time = max(FLOPs / peak, bytes / bandwidth)."
)

# --conventions: (label, what it is), one row each; a preset's, then a model's
NETWORK_CONVENTION_ROWS: tuple[tuple[str, str], ...] = (
    ("conv + linear MACs", "torchvision's \"GFLOPS\"; what papers call FLOPs"),
    ("v1: stride on the first 1x1", "the ResNet paper's Table 1 (v1.5 = torchvision)"),
    ("fvcore total", "MACs + BatchNorm 2/element + avg-pool 1/element"),
    ("FLOPs = 2 x MACs", "torch's FlopCounterMode: a multiply and an add per MAC"),
)
MODEL_CONVENTION_ROWS: tuple[tuple[str, str], ...] = (
    ("complete MACs", "torchvision's \"GFLOPS\": every multiply-add, whichever kernel runs"),
    ("fvcore", "FlopCountAnalysis: also BN and pooling; skips what it cannot trace"),
    ("FlopCounterMode FLOPs", "torch.utils.flop_counter: 2 per multiply-add ({device} device)"),
    ("module formulas", "nn.Conv*, Linear, MultiheadAttention, LSTM, ...: covered modules"),
)
OPS_CONVENTION_ROW = ("op formulas", "bottlecalc's formula for every op the forward ran "
                      "(not torch's)")
TRAIN_CONVENTION_ROW = ("training step FLOPs", "FlopCounterMode, forward + backward: a "
                        "gradient for every trainable parameter, none for the inputs")

# The JSON documents' "conventions": one line per count
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

# The terms the handout and the worksheet share (same keys in both languages).
TERMS: dict[Lang, dict[str, str]] = {
    Lang.EN: {
        "mac": "A MAC is one multiply-accumulate: a x b + c. Papers (the ResNet paper's "
               "\"FLOPs\") and fvcore count MACs.",
        "flop": "A FLOP is one floating-point operation, so one MAC is two FLOPs. "
                "torch.utils.flop_counter.FlopCounterMode counts FLOPs.",
        "flops_are_2_macs": "FLOPs = 2 x MACs",
        "conv_weights": "conv weights",
        "conv_weights_article": "conv weights (the article's count)",
        "macs_axis": "MACs (multiply-accumulates)",
        "mid_axis": "bottleneck width --mid (channels)",
        "agree": "all routes agree",
        "disagree": "the routes DISAGREE: see the ✗ marks",
    },
    Lang.ZH: {
        "mac": "一次 MAC 是一次乘加：a x b + c。论文（ResNet 论文中的“FLOPs”）和 fvcore "
               "统计的都是 MACs。",
        "flop": "一次 FLOP 是一次浮点运算，所以一次 MAC 等于两次 FLOP。"
                "torch.utils.flop_counter.FlopCounterMode 统计的是 FLOPs。",
        "flops_are_2_macs": "FLOPs = 2 x MACs",
        "conv_weights": "卷积权重",
        "conv_weights_article": "卷积权重（原文的算法）",
        "macs_axis": "MACs（乘加次数）",
        "mid_axis": "瓶颈宽度 --mid（通道）",
        "agree": "各方法结果一致",
        "disagree": "各方法结果不一致：见 ✗ 标记",
    },
}
