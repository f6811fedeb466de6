"""The worksheet's fixed text in English and Chinese (``worksheet --lang en|zh``).

Both languages have the same keys and, in each string, the same ``{placeholders}``; a test
checks both. Counts are never part of these strings: they are filled in from bottlecalc's own.
"""

# Chinese text uses Chinese (full-width) punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from bottlecalc.report.glossary import Lang

EN: dict[str, str] = {
    "title": "Counting a block: exercises",
    "key_title": "Counting a block: answer key",
    "intro": "Count exactly: every answer is a whole number (a ratio: one decimal). A k x k "
             "convolution from C_in to C_out channels in G groups has k x k x (C_in / G) x "
             "C_out weights, and does that many MACs (multiply-accumulates) for every output "
             "position. Convolutions here have no bias; padding keeps the size (k // 2).",
    "meta": "Level: {level}. Exercise set {seed}.",
    "name": "Name: ______________________    Date: ____________",
    "answer": "Answer:",
    "work": "Working:",
    "key_note": "Every figure is bottlecalc's exact count; the working is its derivation.",
    "basic": "a basic block (3x3, 3x3), in {inp}, out {out}",
    "bottleneck": "a bottleneck block (1x1, 3x3, 1x1), in {inp}, mid {mid}, out {out}",
    "yolo": "YOLO's {cls}",
    "stride": ", stride {stride}",
    "groups": ", groups {groups} on the 3x3",
    "q_weights": "In {block}, layer {layer} is a {k}x{k} convolution from {cin} to {cout} "
                 "channels{g}. How many weights does it have?",
    "q_macs": "In {block}, fed a {size} input, layer {layer} ({k}x{k}, {cin}→{cout}{g}, "
              "stride {stride}) produces a {hw} map. How many MACs does it do?",
    "q_ratio": "Block A is {a}; block B is {b}. How many times fewer conv weights does B "
               "have than A? (one decimal)",
    "q_macs_ratio": "Block A is {a}; block B is {b}; both are fed a {size} input. How many "
                    "times fewer MACs does B need than A? (one decimal)",
    "q_projection": "{block} is fed a {size} input. Must its shortcut be a projection? If so, "
                    "where does it go, and how many parameters does it add (1x1 conv + "
                    "BatchNorm)?",
    "q_params": "How many learnable parameters does {block} have in all (convolutions and "
                "BatchNorm's 2 per channel, shortcut included)?",
    "q_block_macs": "How many MACs does {block} do on a {size} input (every convolution, "
                    "shortcut included)?",
    "a_no_projection": "No: in = out and stride 1, so the input can be added as it is "
                       "(identity shortcut).",
    "a_projection": "Yes ({why}): a 1x1 convolution with stride {stride} plus BatchNorm on the "
                    "shortcut, from the block's input to the addition; it adds {params} "
                    "parameters.",
    "why_channels": "in {inp} != out {out}",
    "why_stride": "stride {stride}",
    "ratio_work": "{a} / {b} = {r}",
    "level_beginner": "beginner (one layer at a time)",
    "level_advanced": "advanced (whole blocks, strides, groups)",
    "w_labels": "",
}

ZH: dict[str, str] = {
    "title": "计算一个模块：练习",
    "key_title": "计算一个模块：答案",
    "intro": "请精确计算：每个答案都是整数（倍数保留一位小数）。从 C_in 到 C_out 通道、分 G 组的 "
             "k x k 卷积有 k x k x (C_in / G) x C_out 个权重，每个输出位置做同样多次 MACs"
             "（乘加）。这里的卷积没有偏置；填充保持尺寸不变（k // 2）。",
    "meta": "难度：{level}。练习组 {seed}。",
    "name": "姓名：______________________    日期：____________",
    "answer": "答案：",
    "work": "计算过程：",
    "key_note": "每个数字都是 bottlecalc 的精确计数；计算过程即其推导。",
    "basic": "一个基本块（3x3、3x3），输入 {inp}，输出 {out}",
    "bottleneck": "一个瓶颈块（1x1、3x3、1x1），输入 {inp}，中间 {mid}，输出 {out}",
    "yolo": "YOLO 的 {cls}",
    "stride": "，步长 {stride}",
    "groups": "，3x3 分 {groups} 组",
    "q_weights": "在{block}中，层 {layer} 是从 {cin} 到 {cout} 通道的 {k}x{k} 卷积{g}。"
                 "它有多少个权重？",
    "q_macs": "在{block}中，输入为 {size}，层 {layer}（{k}x{k}，{cin}→{cout}{g}，步长 {stride}）"
              "输出 {hw} 的特征图。它做多少次 MACs？",
    "q_ratio": "模块 A 是{a}；模块 B 是{b}。B 的卷积权重比 A 少多少倍？（保留一位小数）",
    "q_macs_ratio": "模块 A 是{a}；模块 B 是{b}；输入都是 {size}。B 的 MACs 比 A 少多少倍？"
                    "（保留一位小数）",
    "q_projection": "{block}，输入为 {size}。它的捷径必须是投影吗？如果是，投影放在哪里，"
                    "增加多少个参数（1x1 卷积 + BatchNorm）？",
    "q_params": "{block}一共有多少个可学习参数（卷积，以及 BatchNorm 每通道 2 个，含捷径）？",
    "q_block_macs": "{block}在 {size} 的输入上做多少次 MACs（所有卷积，含捷径）？",
    "a_no_projection": "不需要：输入 = 输出且步长为 1，输入可以直接相加（恒等捷径）。",
    "a_projection": "需要（{why}）：在捷径上放一个步长为 {stride} 的 1x1 卷积加 BatchNorm，"
                    "从模块的输入连到加法处；它增加 {params} 个参数。",
    "why_channels": "输入 {inp} != 输出 {out}",
    "why_stride": "步长 {stride}",
    "ratio_work": "{a} / {b} = {r}",
    "level_beginner": "入门（一次一层）",
    "level_advanced": "进阶（整个模块、步长、分组）",
    "w_labels": "conv weights=卷积权重|BN params=BN 参数|biases=偏置|shortcut=捷径|"
                "total params=总参数量| buffers= 个缓冲量",
}

STRINGS: dict[Lang, dict[str, str]] = {Lang.EN: EN, Lang.ZH: ZH}
