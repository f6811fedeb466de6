"""The handout's "From ResNet to YOLO" section (``handout --yolo``): YOLO's Bottleneck, C3 and
C2f at the user's widths, and the three baselines the web confuses, side by side.

Every number is a count of a block bottlecalc defines (analytic, the same integers ``compare
--blocks`` prints); nothing here recomputes one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bottlecalc.analytic import Op, ratio
from bottlecalc.report.numbers import fmt
from bottlecalc.results import BlockResult, CompareResult, analytic_result
from bottlecalc.spec import BlockKind, BlockSpec, YoloKind, yolo_block


@dataclass(frozen=True)
class YoloSection:
    """The blocks the section compares, counted at the user's widths and input."""

    basic: BlockResult  # two 3x3 in->out convs: the user's basic block
    resnet: BlockResult  # the user's ResNet bottleneck
    bottleneck: BlockResult  # ultralytics' Bottleneck(in, out)
    c3: BlockResult
    c2f: BlockResult
    one_conv: BlockResult  # ultralytics' Conv(in, out, k=3): one 3x3 conv
    narrow: BlockResult  # the mid-wide basic block (the ResNet paper's "similar" one)


def build_yolo(result: CompareResult) -> YoloSection:
    basic, resnet = result.blocks[0], result.blocks[-1]
    cin, out, mid = resnet.spec.in_channels, resnet.spec.out_channels, resnet.spec.mid
    specs = (yolo_block(YoloKind.BOTTLENECK, cin, out), yolo_block(YoloKind.C3, cin, out),
             yolo_block(YoloKind.C2F, cin, out), yolo_block(YoloKind.CONV, cin, out, k=(3,)),
             BlockSpec(BlockKind.BASIC, mid, mid, mid))
    counted = [analytic_result(spec, result.shape) for spec in specs]
    return YoloSection(basic, resnet, *counted)


def yolo_texts(y: YoloSection, t: Mapping[str, str]) -> dict[str, str]:
    """The section's paragraphs, numbers filled in from the counted blocks."""
    b, c3, c2f = y.bottleneck.spec, y.c3.spec, y.c2f.spec
    return {
        "intro": t["yolo_intro"].format(inp=b.in_channels, out=b.out_channels),
        "bottleneck": t["yolo_bottleneck"].format(
            inp=b.in_channels, out=b.out_channels, hidden=b.hidden,
            formula=" + ".join(r.formula.split(" = ")[0] for r in y.bottleneck.layers
                               if r.op is Op.CONV),
            conv=fmt(y.bottleneck.counts.conv), one=fmt(y.one_conv.counts.conv),
            resnet=fmt(y.resnet.counts.conv)),
        "c3": t["yolo_c3"].format(hidden=c3.hidden, params=fmt(y.c3.counts.total)),
        "c2f": t["yolo_c2f"].format(
            c=c2f.hidden, chunks=3 * c2f.hidden, out=c2f.out_channels,
            params=fmt(y.c2f.counts.total),
            inner=fmt(sum(r.weights for r in y.c2f.layers if r.name.startswith("m.")))),
        "baselines": t["yolo_baselines"].format(two=_ratio_of(y.basic, y.resnet),
                                                 one=_ratio_of(y.one_conv, y.resnet)),
    }


def _ratio_of(theirs: BlockResult, mine: BlockResult) -> str:
    return f"{ratio(theirs.counts.conv, mine.counts.conv):.1f}x"


def block_rows(y: YoloSection, t: Mapping[str, str]) -> list[list[str]]:
    """[block, conv weights, parameters, MACs] for ResNet's and YOLO's blocks."""
    named = ((t["bottleneck"], y.resnet), ("Bottleneck (YOLO)", y.bottleneck),
             ("C3, n = 1", y.c3), ("C2f, n = 1", y.c2f))
    return [[name, fmt(b.counts.conv), fmt(b.counts.total), fmt(b.counts.macs)]
            for name, b in named]


def baseline_rows(y: YoloSection, t: Mapping[str, str]) -> list[list[str]]:
    """[what the bottleneck is compared with, its conv weights, the bottleneck's, ratio]."""
    spec, mine = y.resnet.spec, fmt(y.resnet.counts.conv)
    inp, out, mid = spec.in_channels, spec.out_channels, spec.mid
    rows = []
    for key, block in (("baseline_two", y.basic), ("baseline_one", y.one_conv),
                       ("baseline_narrow", y.narrow)):
        label = t[key].format(inp=inp, out=out, mid=mid)
        rows.append([label, fmt(block.counts.conv), mine, _ratio_of(block, y.resnet)])
    return rows
