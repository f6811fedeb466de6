"""The handout's fixed text in English and Chinese (``handout --lang en|zh``).

Every language has the same keys and, in each string, the same ``{placeholders}``; a
test checks both. No count is ever part of these strings (only fixed facts such as
"1x1" or "2 FLOPs per MAC"): counts are filled in from ``compare_dict`` at render time.
"""

# Chinese text uses Chinese (full-width) punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from bottlecalc.report.compare.words import NOTE_TEXT
from bottlecalc.report.glossary import TERMS, Lang

__all__ = ["EN", "STRINGS", "ZH", "Lang"]

EN: dict[str, str] = {
    "title": "Why a bottleneck block is cheap",
    "subtitle": "Basic vs bottleneck residual block: in {inp}, mid {mid}, out {out}; "
                "input tensor {shape} (N x C x H x W)",
    "diagrams": "The two blocks, with a channel count on every arrow",
    "diagrams_note": "Each box is one convolution: its kernel (1x1 or 3x3) and channels "
                     "in→out, and whether BatchNorm (BN) and ReLU follow it. Each red number "
                     "is the channel count flowing along that arrow. The shortcut carries the "
                     "input to the addition: dashed when it is the identity, an orange box "
                     "when it needs a 1x1 projection.",
    "basic": "basic block",
    "bottleneck": "bottleneck block",
    "identity": "identity",
    "projection": "projection",
    "in": "in",
    "out": "out",
    "ch": "ch",
    "tip_basic": "basic",  # a sweep chart point's tooltip: 'basic, 64: 1,180,672'
    "tip_bottleneck": "bottleneck",
    "comparison": "Counted three ways",
    "comparison_note": "analytic: closed-form formulas (below); instantiated: the parameters "
                       "of the real PyTorch module; fvcore: FlopCountAnalysis run on the "
                       "module; FlopCounterMode: torch's own FLOP counter.",
    "count": "count",
    "analytic_only": "analytic counts only (made with --no-measure)",
    "row_bn": "BatchNorm parameters",
    "row_shortcut": "shortcut parameters",
    "row_total": "total parameters, analytic",
    "row_instantiated": "total parameters, instantiated",
    "row_macs": "MACs, conv layers (analytic)",
    "row_macs_bn": "MACs + BN, fvcore's convention (analytic)",
    "row_fvcore": "MACs + BN, fvcore (measured)",
    "row_flops": "FLOPs = 2 x MACs (analytic)",
    "row_torch": "FLOPs, FlopCounterMode (measured)",
    "ratio": "The bottleneck block has {conv}x fewer conv weights, {params}x fewer "
             "parameters in all, and needs {macs}x fewer MACs than the basic block.",
    "derivation": "Where every number comes from",
    "derivation_note": "Parameters of a k x k convolution: k x k x C_in x C_out (divided by "
                       "the groups). Its MACs: its weights x H_out x W_out (x the batch). "
                       "BatchNorm learns 2 numbers per channel.",
    "layer": "layer",
    "shape": "output shape",
    "params": "parameters",
    "macs": "MACs",
    "sum_total": "total parameters = conv + BN + bias + shortcut",
    "sum_macs": "MACs (conv layers, shortcut included)",
    "sweep": "How the cost changes with the bottleneck width",
    "sweep_note": "Parameters and MACs of both blocks as --mid varies (analytic counts, "
                  "log scale). The basic block does not use mid, so its line is flat; the "
                  "bottleneck stays cheaper for as long as mid is well below in.",
    "axis_params": "parameters (count)",
    "flops_title": "MACs or FLOPs?",
    "flops_example": "This bottleneck block: {macs} MACs = {flops} FLOPs.",
    "flops_torch": "FlopCounterMode measured {torch} FLOPs.",
    "flops_bn": "fvcore also counts BatchNorm (2 per element): {fvcore} for this block.",
    "lesson": "The projection shortcut: why the article's sample crashes",
    "lesson_setup": "The article builds a bottleneck with in = {inp}, mid = {mid} and "
                    "expansion 4 (its code sets expansion = 4), so out = {mid} x 4 = {out}, "
                    "and gives it no downsample (identity shortcut).",
    "lesson_crash": "The main path ends in a {main} tensor, but the identity shortcut still "
                    "carries the {ident} input. They cannot be added, and PyTorch stops with:",
    "lesson_rule": "Rule: whenever in != out (or the stride is not 1), the shortcut must be "
                   "a projection: a 1x1 convolution (with the block's stride) followed by "
                   "BatchNorm, which maps the input to the output's shape.",
    "lesson_fix": "The fix, as torchvision writes it:",
    "lesson_cost": "The projection costs {params} parameters ({conv} + {bn}) and {macs} MACs; "
                   "bottlecalc adds it by itself, counts it, and says so.",
    "footer": "Made by bottlecalc {version}. All numbers are exact integers from the same "
              "results as: bottlecalc compare --format json",
    "conventions": "Conventions",
    "notes": "Notes",
    "time_title": "MACs are not time",
    "time_note": "bottlecalc ran both blocks for real on the computer that made this page, "
                 "each forward pass many times (torch.utils.benchmark, eval mode, random "
                 "inputs). The table gives the median time and the spread (interquartile "
                 "range, IQR); achieved GFLOP/s = FLOPs / median time.",
    "time_roofline": "Why the speed-up is not the MAC ratio: a layer is limited either by how "
                     "fast the machine computes (its peak, probed with a short matrix "
                     "multiplication and convolution) or by how fast it moves bytes to and "
                     "from memory (its bandwidth, probed with a copy). This is the roofline "
                     "model. A layer that does few MACs per byte it reads and writes (low "
                     "arithmetic intensity) waits on memory: it is memory-bound, and cutting "
                     "its MACs barely speeds it up. BatchNorm, ReLU and the residual add do "
                     "almost no MACs but read and write whole tensors; a 1x1 convolution does "
                     "9x fewer MACs per output than a 3x3 but moves the same activations.",
    "time_ratio": "The bottleneck block needs {macs}x fewer MACs; here it ran {speed}x as fast "
                  "as the basic block (the roofline predicts {roof}x).",
    "time_machine": "Measured on {cpu} ({device}), {threads} threads, {dtype}, torch {torch}: "
                    "peak {peak} GFLOP/s, memory bandwidth {bandwidth} GB/s. Below {ridge} "
                    "MACs per byte a layer is memory-bound on this machine.",
    "time_busy": "The computer was busy while measuring (load {load} on {cpus} CPUs): these "
                 "times are slower than it can do.",
    "time_noisy": "Times marked noisy spread widely (IQR over {pct}% of the median): run "
                  "again on a quiet machine.",
    "time_block": "block",
    "time_median": "time (median)",
    "time_iqr": "IQR",
    "time_runs": "runs",
    "time_gflops": "GFLOP/s",
    "time_predicted": "roofline",
    "time_intensity": "MACs/byte",
    "time_bound": "bound",
    "time_op": "op",
    "time_measured": "measured",
    "time_layers": "{block}, layer by layer",
    "bound_compute": "compute",
    "bound_memory": "memory",
    "noisy": "noisy",
    "chart_title": "Bottleneck vs basic block: MAC ratio and speed ratio",
    "bar_macs": "x fewer MACs",
    "bar_measured": "x as fast, measured",
    "bar_roofline": "x as fast, roofline",
    "yolo": "From ResNet to YOLO",
    "yolo_intro": "YOLO (ultralytics) builds its networks from blocks with familiar names that "
                  "are not ResNet's. Here they are at the same widths, in {inp} and out {out}, "
                  "on the same input.",
    "yolo_bottleneck": "YOLO's Bottleneck({inp}, {out}) is two convolutions: 3x3 to {hidden} "
                       "channels (out x e, e = 0.5), then 3x3 back to {out}, each followed by "
                       "BatchNorm and SiLU. It adds its input only when in = out, and never "
                       "uses a projection. Its conv weights, {formula} = {conv}, are to be "
                       "set beside one 3x3 {inp}→{out} convolution ({one}; the same when in = "
                       "out) and ResNet's 1x1-3x3-1x1 bottleneck ({resnet}): it does not shrink "
                       "the block the way ResNet's does.",
    "yolo_c3": "C3 sends the input through two 1x1 convolutions of {hidden} channels each, runs "
               "n Bottlenecks (1x1 then 3x3) on one of them, concatenates both ({hidden} + "
               "{hidden}) and mixes them with a last 1x1: {params} parameters for n = 1.",
    "yolo_c2f": "C2f makes 2 x {c} channels with one 1x1 and splits them in two; its n "
                "Bottlenecks (3x3, 3x3) each work on {c} channels, and all n + 2 chunks are "
                "concatenated before the last 1x1 ({chunks}→{out} for n = 1), which grows with "
                "n. That is what it costs: {params} parameters for n = 1, {inner} of them in "
                "the two 3x3 convolutions.",
    "yolo_block": "block",
    "yolo_conv": "conv weights",
    "yolo_params": "parameters",
    "yolo_baselines": "{two}, {one} or \"similar\"? Web pages disagree on how much a bottleneck "
                      "saves because each compares it with something else. All are right, for "
                      "what they compare:",
    "baseline": "compared with",
    "baseline_theirs": "its conv weights",
    "baseline_mine": "the bottleneck's",
    "baseline_ratio": "ratio",
    "baseline_two": "two 3x3 {inp}→{out} convolutions (the basic block, as the article)",
    "baseline_one": "one 3x3 {inp}→{out} convolution (as many as YOLO's Bottleneck)",
    "baseline_narrow": "the {mid}-wide basic block, two 3x3 {mid}→{mid} convolutions (the "
                       "ResNet paper: \"similar\" complexity)",
    **NOTE_TEXT,  # the run's notes, worded as compare words them
}

ZH: dict[str, str] = {
    "title": "为什么瓶颈块（Bottleneck）更省",
    "subtitle": "基本残差块与瓶颈残差块：输入通道 {inp}，中间通道 {mid}，输出通道 {out}；"
                "输入张量 {shape}（N x C x H x W）",
    "diagrams": "两种残差块，每个箭头都标出通道数",
    "diagrams_note": "每个方框是一层卷积：卷积核大小（1x1 或 3x3）、输入→输出通道数，以及其后"
                     "是否接 BatchNorm（BN）和 ReLU。红色数字是沿该箭头流动的通道数。捷径"
                     "（shortcut）把输入送到加法处：虚线表示恒等映射，橙色方框表示需要 1x1 投影。",
    "basic": "基本块",
    "bottleneck": "瓶颈块",
    "identity": "恒等映射",
    "projection": "投影",
    "in": "输入",
    "out": "输出",
    "ch": "通道",
    "tip_basic": "基本块",
    "tip_bottleneck": "瓶颈块",
    "comparison": "三种方法计数",
    "comparison_note": "解析：闭式公式（见下文）；实例化：真实 PyTorch 模块的参数量；"
                       "fvcore：对模块运行 FlopCountAnalysis；FlopCounterMode：torch 自带的 "
                       "FLOP 计数器。",
    "count": "计数",
    "analytic_only": "仅解析计数（使用了 --no-measure）",
    "row_bn": "BatchNorm 参数",
    "row_shortcut": "捷径参数",
    "row_total": "总参数量（解析）",
    "row_instantiated": "总参数量（实例化）",
    "row_macs": "MACs，卷积层（解析）",
    "row_macs_bn": "MACs + BN，fvcore 的约定（解析）",
    "row_fvcore": "MACs + BN，fvcore 实测",
    "row_flops": "FLOPs = 2 x MACs（解析）",
    "row_torch": "FLOPs，FlopCounterMode 实测",
    "ratio": "与基本块相比，瓶颈块的卷积权重少 {conv}x，总参数少 {params}x，"
             "MACs 少 {macs}x。",
    "derivation": "每个数字从哪里来",
    "derivation_note": "k x k 卷积的参数量：k x k x C_in x C_out（分组卷积再除以组数）。"
                       "它的 MACs：权重数 x H_out x W_out（再乘批大小）。"
                       "BatchNorm 每个通道学习 2 个数。",
    "layer": "层",
    "shape": "输出形状",
    "params": "参数量",
    "macs": "MACs",
    "sum_total": "总参数量 = 卷积 + BN + 偏置 + 捷径",
    "sum_macs": "MACs（卷积层，含捷径）",
    "sweep": "计算量如何随瓶颈宽度变化",
    "sweep_note": "两种块的参数量与 MACs 随 --mid 的变化（解析计数，对数坐标）。"
                  "基本块不使用 mid，所以是一条水平线；只要 mid 明显小于输入通道数，"
                  "瓶颈块就更省。",
    "axis_params": "参数量（个）",
    "flops_title": "MACs 还是 FLOPs？",
    "flops_example": "本瓶颈块：{macs} MACs = {flops} FLOPs。",
    "flops_torch": "FlopCounterMode 实测 {torch} FLOPs。",
    "flops_bn": "fvcore 还会统计 BatchNorm（每个元素 2 次）：本块为 {fvcore}。",
    "lesson": "投影捷径：原文示例为什么会报错",
    "lesson_setup": "原文构建了一个瓶颈块：输入通道 = {inp}，中间通道 = {mid}，扩展系数 4"
                    "（原文代码中的 expansion = 4），"
                    "所以输出通道 = {mid} x 4 = {out}，却没有 downsample（恒等捷径）。",
    "lesson_crash": "主路径输出 {main} 的张量，而恒等捷径仍是 {ident} 的输入。两者无法相加，"
                    "PyTorch 报错：",
    "lesson_rule": "规则：只要输入通道 != 输出通道（或步长不为 1），捷径就必须是投影："
                   "一个 1x1 卷积（步长与块相同）再接 BatchNorm，把输入变成与输出相同的形状。",
    "lesson_fix": "修正方法（torchvision 的写法）：",
    "lesson_cost": "投影捷径需要 {params} 个参数（{conv} + {bn}）和 {macs} 次 MACs；"
                   "bottlecalc 会自动加上它、计入总数并加以说明。",
    "footer": "由 bottlecalc {version} 生成。所有数字都是精确整数，与以下命令的结果相同："
              "bottlecalc compare --format json",
    "conventions": "约定",
    "notes": "说明",
    "time_title": "MACs 不等于时间",
    "time_note": "bottlecalc 在生成本页的这台计算机上真实运行了两种块，每次前向传播都重复多次"
                 "（torch.utils.benchmark，eval 模式，随机输入）。表中给出时间的中位数和离散程度"
                 "（四分位距，IQR）；实际 GFLOP/s = FLOPs / 中位时间。",
    "time_roofline": "为什么加速比不等于 MACs 之比：一层的速度要么受限于机器的计算速度（峰值，"
                     "用一次简短的矩阵乘法和卷积测得），要么受限于它与内存之间搬运字节的速度"
                     "（带宽，用一次复制测得）。这就是屋顶线（roofline）模型。每读写一个字节只做"
                     "很少 MACs 的层（算术强度低）在等内存：它是访存受限的，减少它的 MACs 几乎"
                     "不会让它变快。BatchNorm、ReLU 和残差加法几乎没有 MACs，却要读写整个张量；"
                     "1x1 卷积每个输出的 MACs 比 3x3 少 9 倍，搬运的激活值却一样多。",
    "time_ratio": "瓶颈块的 MACs 少 {macs}x；在这台机器上它的速度是基本块的 {speed}x"
                  "（屋顶线模型预测 {roof}x）。",
    "time_machine": "测量环境：{cpu}（{device}），{threads} 个线程，{dtype}，torch {torch}："
                    "峰值 {peak} GFLOP/s，内存带宽 {bandwidth} GB/s。在这台机器上，算术强度低于"
                    "每字节 {ridge} 次 MACs 的层是访存受限的。",
    "time_busy": "测量时计算机很忙（{cpus} 个 CPU 上的负载为 {load}）："
                 "这些时间比它实际能做到的慢。",
    "time_noisy": "标为“波动大”的时间离散程度高（IQR 超过中位数的 {pct}%）：请在空闲的机器上"
                  "重新运行。",
    "time_block": "块",
    "time_median": "时间（中位数）",
    "time_iqr": "IQR",
    "time_runs": "次数",
    "time_gflops": "GFLOP/s",
    "time_predicted": "屋顶线预测",
    "time_intensity": "MACs/字节",
    "time_bound": "受限于",
    "time_op": "运算",
    "time_measured": "实测",
    "time_layers": "{block}，逐层",
    "bound_compute": "计算",
    "bound_memory": "访存",
    "noisy": "波动大",
    "chart_title": "瓶颈块与基本块：MACs 之比与速度之比",
    "bar_macs": "x MACs 更少",
    "bar_measured": "x 速度，实测",
    "bar_roofline": "x 速度，屋顶线",
    "yolo": "从 ResNet 到 YOLO",
    "yolo_intro": "YOLO（ultralytics）用一些名字眼熟、结构却不同于 ResNet 的模块搭建网络。"
                  "下面在相同宽度（输入 {inp}、输出 {out}）和相同输入下对比它们。",
    "yolo_bottleneck": "YOLO 的 Bottleneck({inp}, {out}) 是两层卷积：先 3x3 到 {hidden} 个通道"
                       "（输出 x e，e = 0.5），再 3x3 回到 {out}，每层后接 BatchNorm 和 SiLU。"
                       "只有输入 = 输出时才加上输入，从不使用投影。它的卷积权重 {formula} = "
                       "{conv}，可对照一层 3x3 {inp}→{out} 卷积（{one}；输入 = 输出时两者相等）"
                       "和 ResNet 的 1x1-3x3-1x1 瓶颈块（{resnet}）：它并不像 ResNet 的瓶颈块"
                       "那样压缩计算量。",
    "yolo_c3": "C3 让输入分别经过两个 {hidden} 通道的 1x1 卷积，在其中一支上运行 n 个 "
               "Bottleneck（先 1x1 再 3x3），把两支拼接（{hidden} + {hidden}），再用最后一个 "
               "1x1 融合：n = 1 时共 {params} 个参数。",
    "yolo_c2f": "C2f 先用一个 1x1 得到 2 x {c} 个通道并一分为二；它的 n 个 Bottleneck"
                "（3x3、3x3）都只在 {c} 个通道上计算，而全部 n + 2 份特征在最后一个 1x1 之前"
                "拼接（n = 1 时为 {chunks}→{out}），这层随 n 增长。这就是它的代价：n = 1 时共 "
                "{params} 个参数，其中 {inner} 个在两层 3x3 卷积里。",
    "yolo_block": "模块",
    "yolo_conv": "卷积权重",
    "yolo_params": "参数量",
    "yolo_baselines": "{two}、{one} 还是“差不多”？网上对瓶颈块能省多少说法不一，因为各自比较的"
                      "对象不同。它们都对，只是比较的东西不同：",
    "baseline": "比较对象",
    "baseline_theirs": "其卷积权重",
    "baseline_mine": "瓶颈块的",
    "baseline_ratio": "倍数",
    "baseline_two": "两层 3x3 {inp}→{out} 卷积（基本块，即原文的比较）",
    "baseline_one": "一层 3x3 {inp}→{out} 卷积（与 YOLO 的 Bottleneck 一样多）",
    "baseline_narrow": "{mid} 通道的基本块，两层 3x3 {mid}→{mid} 卷积（ResNet 论文：复杂度"
                       "“相近”）",
    "note_projection": "{block}：加了投影捷径（{conv}，步长 {stride}），因为{why}：恒等捷径"
                       "无法与输出相加（原文的示例代码在这里会崩溃）",
    "note_channels": "输入通道 {inp} ≠ 输出通道 {out}",
    "note_stride": "步长为 {stride}",
    "note_and": " 且",
    "note_dense": "groups {groups} 只作用于瓶颈块的 3x3 卷积（ResNeXt）；基本块的卷积是稠密卷积",
    "note_mid": "瓶颈块：未给出 --mid：{inp} / 4 = {mid}（torchvision 的扩展倍数 4）",
    "note_engine": "{block}：{text}",
    "note_basic": "基本块",
    "note_bottleneck": "瓶颈块",
}

# Each language's whole table: the terms the handout shares with others
# (:data:`~bottlecalc.report.glossary.TERMS`, read under their glossary names), then its own.
STRINGS: dict[Lang, dict[str, str]] = {Lang.EN: {**TERMS[Lang.EN], **EN},
                                       Lang.ZH: {**TERMS[Lang.ZH], **ZH}}
