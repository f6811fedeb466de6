"""compare's notes: typed facts in results, worded by report/compare/words.py (and, for the
handout, by its i18n tables). Every expected sentence here is written out by hand."""

# Chinese text uses Chinese (full-width) punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import json

from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.report.compare.words import note_text
from bottlecalc.report.handout.i18n import ZH
from bottlecalc.results import (
    AssumedMid,
    DenseBasic,
    EngineNote,
    Projection,
    analytic_compare,
)
from bottlecalc.spec import BlockKind, InputShape, block_pair

TAIL = ": an identity shortcut could not be added to the output (the article's sample crashes here)"


def test_projection_for_channels_and_stride() -> None:
    note = Projection(BlockKind.BASIC, 64, 256, 2, bn=True)
    assert note_text(note) == ("basic: projection shortcut (1x1 conv + BN, stride 2) added "
                               "because in 64 != out 256 and stride 2" + TAIL)


def test_projection_for_channels_alone_without_bn() -> None:
    note = Projection(BlockKind.BOTTLENECK, 64, 256, 1, bn=False)
    assert note_text(note) == ("bottleneck: projection shortcut (1x1 conv, stride 1) added "
                               "because in 64 != out 256" + TAIL)


def test_projection_for_stride_alone() -> None:
    note = Projection(BlockKind.BOTTLENECK, 256, 256, 2, bn=True)
    assert note_text(note) == ("bottleneck: projection shortcut (1x1 conv + BN, stride 2) added "
                               "because stride 2" + TAIL)


def test_dense_basic_mid_and_engine_notes() -> None:
    assert note_text(DenseBasic(32)) == ("groups 32 apply to the bottleneck's 3x3 conv only "
                                         "(ResNeXt); the basic block's convs are dense")
    assert note_text(AssumedMid(64, 16)) == ("bottleneck: --mid not given: 64 / 4 = 16 "
                                             "(torchvision's expansion 4)")
    assert note_text(EngineNote(BlockKind.BASIC, "fvcore not run: x")) == (
        "basic: fvcore not run: x")


def test_chinese_wording() -> None:
    note = Projection(BlockKind.BOTTLENECK, 64, 256, 2, bn=True)
    assert note_text(note, ZH) == ("瓶颈块：加了投影捷径（1x1 conv + BN，步长 2），因为输入通道 64 "
                                   "≠ 输出通道 256 且步长为 2：恒等捷径无法与输出相加（原文的示例"
                                   "代码在这里会崩溃）")
    assert note_text(AssumedMid(256, 64), ZH) == (
        "瓶颈块：未给出 --mid：256 / 4 = 64（torchvision 的扩展倍数 4）")
    assert note_text(EngineNote(BlockKind.BASIC, "fvcore not run"), ZH) == "基本块：fvcore not run"


def test_compare_result_holds_facts_in_block_order() -> None:
    result = analytic_compare(block_pair(256, 128, 512, stride=2, groups=32), InputShape())
    assert result.notes == (Projection(BlockKind.BASIC, 256, 512, 2, bn=True),
                            Projection(BlockKind.BOTTLENECK, 256, 512, 2, bn=True),
                            DenseBasic(32))


def test_identity_shortcuts_leave_no_note() -> None:
    assert analytic_compare(block_pair(256, 64, 256), InputShape()).notes == ()


def test_json_puts_the_mid_note_before_the_projection() -> None:
    args = ["compare", "--blocks", "bottleneck,conv", "--in", "64", "--out", "256",
            "--stride", "2", "--no-measure", "--format", "json"]
    result = CliRunner().invoke(cli, args, prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["notes"] == [
        "bottleneck: --mid not given: 64 / 4 = 16 (torchvision's expansion 4)",
        "bottleneck: projection shortcut (1x1 conv + BN, stride 2) added because in 64 != "
        "out 256 and stride 2" + TAIL,
    ]


def test_zh_handout_words_its_notes_in_chinese() -> None:
    args = ["handout", "--in", "256", "--mid", "64", "--stride", "2", "--no-measure",
            "--format", "markdown", "--lang", "zh"]
    result = CliRunner().invoke(cli, args, prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    assert "- 基本块：加了投影捷径（1x1 conv + BN，步长 2），因为步长为 2：" in result.stdout
    assert "projection shortcut (1x1" not in result.stdout
