"""Block diagrams: the model read off the layers, the text and the SVG renderings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bottlecalc.report.diagram.model import BlockDiagram, Labels, ShortcutKind, block_diagram
from bottlecalc.report.diagram.svg import render_pair_svg, render_svg
from bottlecalc.report.diagram.text import render_pair_text, render_text
from bottlecalc.results import analytic_compare
from bottlecalc.spec import InputShape, StrideOn, block_pair

SVG = "{http://www.w3.org/2000/svg}"


def diagrams(c_in: int, mid: int, c_out: int, **kw: object) -> tuple[BlockDiagram, ...]:
    specs = block_pair(c_in, mid, c_out, **kw)  # type: ignore[arg-type]
    result = analytic_compare(specs, InputShape(56, 56))
    return tuple(block_diagram(block) for block in result.blocks)


def test_the_articles_blocks_have_channel_counts() -> None:
    basic, bottleneck = diagrams(256, 64, 256)
    assert basic.chain() == "256 -> 3x3 -> 256 -> 3x3 -> 256"
    assert bottleneck.chain() == "256 -> 1x1 -> 64 -> 3x3 -> 64 -> 1x1 -> 256"
    assert basic.shortcut is ShortcutKind.IDENTITY
    assert bottleneck.projection is None
    assert [b.kernel for b in bottleneck.convs] == [1, 3, 1]
    assert [(b.in_channels, b.out_channels) for b in bottleneck.convs] == [
        (256, 64), (64, 64), (64, 256)]


def test_stride_groups_and_projection() -> None:
    basic, bottleneck = diagrams(256, 128, 512, stride=2, groups=32)
    assert [b.stride for b in basic.convs] == [2, 1]
    assert [(b.stride, b.groups) for b in bottleneck.convs] == [(1, 1), (2, 32), (1, 1)]
    assert [b.kernel for b in bottleneck.convs] == [1, 3, 1]
    proj = bottleneck.projection
    assert proj is not None
    assert (proj.kernel, proj.in_channels, proj.out_channels, proj.stride, proj.bn) == (
        1, 256, 512, 2, True)
    assert bottleneck.shortcut is ShortcutKind.PROJECTION
    assert (bottleneck.in_hw, bottleneck.out_hw) == ((56, 56), (28, 28))


def test_stride_on_1x1_moves_the_stride() -> None:
    _, bottleneck = diagrams(256, 64, 256, stride=2, stride_on=StrideOn.CONV1X1)
    assert [b.stride for b in bottleneck.convs] == [2, 1, 1]


def test_bn_and_relu_flags() -> None:
    _, bottleneck = diagrams(256, 64, 256)
    assert [(b.bn, b.relu) for b in bottleneck.convs] == [(True, True), (True, True),
                                                          (True, False)]
    _, plain = diagrams(256, 64, 256, bn=False)
    assert [(b.bn, b.relu) for b in plain.convs] == [(False, True), (False, True),
                                                     (False, False)]
    assert plain.convs[0].detail == "256→64, ReLU"


def test_text_shows_every_kernel_and_channel_count() -> None:
    text = render_pair_text(diagrams(256, 64, 256))
    lines = text.splitlines()
    assert "256 -> 1x1 -> 64 -> 3x3 -> 64 -> 1x1 -> 256" in lines[1]
    assert text.count("1x1 conv") == 2
    assert text.count("3x3 conv") == 3
    # the two 64-channel arrows inside the bottleneck (not the '│ 64→64' box line)
    assert len(re.findall(r"│ 64(?![→\d])", text)) == 2
    assert text.count("identity") == 2
    assert "(+)" in text


def test_text_projection_box() -> None:
    _, bottleneck = diagrams(64, 64, 256)
    text = "\n".join(render_text(bottleneck))
    assert "1x1 conv" in text
    assert "64→256, BN" in text
    assert "256 (projection)" in text


def _arrows(svg: ET.Element) -> list[str]:
    return [g.get("data-channels", "") for g in svg.iter(f"{SVG}g")
            if g.get("class") == "arrow"]


def test_svg_structure() -> None:
    _, bottleneck = diagrams(256, 64, 256)
    root = ET.fromstring(render_svg(bottleneck))
    assert root.get("data-kind") == "bottleneck"
    assert int(root.get("width", "0")) > 0
    assert int(root.get("height", "0")) > 0
    convs = [g for g in root.iter(f"{SVG}g") if g.get("class") == "conv"]
    assert [g.get("data-kernel") for g in convs] == ["1", "3", "1"]
    assert _arrows(root) == ["256", "64", "64", "256", "ReLU"]
    shortcut = [g for g in root.iter(f"{SVG}g") if g.get("class") == "shortcut"]
    assert [g.get("data-kind") for g in shortcut] == ["identity"]


def test_svg_projection_arrow_and_escaping() -> None:
    _, bottleneck = diagrams(64, 64, 256)
    svg = render_svg(bottleneck, Labels(bottleneck="<b>&"))
    root = ET.fromstring(svg)  # well-formed despite the markup in the label
    assert "&lt;b&gt;&amp;" in svg
    assert _arrows(root) == ["64", "64", "64", "256", "256", "ReLU"]


def test_pair_svg_is_a_document() -> None:
    doc = render_pair_svg(diagrams(256, 64, 256))
    assert doc.startswith("<?xml")
    root = ET.fromstring(doc.split("\n", 1)[1])
    kinds = [g.get("data-kind") for g in root if g.get("class") == "block-diagram"]
    assert kinds == ["basic", "bottleneck"]
