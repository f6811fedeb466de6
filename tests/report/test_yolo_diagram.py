"""YOLO's blocks drawn: a channel count on every arrow, branches, splits and concats.

Expected widths are computed here from ultralytics' definitions: C3(256, 256): c_ = 128 on
both branches; C2f(256, 256, n): c = 128, n + 2 chunks of 128 concatenated.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.report.diagram import yolo
from bottlecalc.report.diagram.svg import render_pair_svg
from bottlecalc.report.diagram.text import render_yolo_text
from bottlecalc.results import analytic_compare
from bottlecalc.spec import InputShape, YoloKind, yolo_block


def drawn(kind: YoloKind, **options: object) -> yolo.YoloDiagram:
    result = analytic_compare((yolo_block(kind, 256, 256, **options),), InputShape())
    (d,) = yolo.drawings(result)
    assert isinstance(d, yolo.YoloDiagram)
    return d


def test_c3_two_branches_meet_at_the_concat() -> None:
    lines = render_yolo_text(drawn(YoloKind.C3, n=1))
    page = "\n".join(lines)
    assert "[cv2: 1x1 conv, 256→128, BN, SiLU] ── 128 ──▶ cat (from the input)" in page
    assert "cat: 128 + 128 = 256 ch (2 tensors)" in page
    assert "m.0: Bottleneck (+)" in page


def test_c2f_concatenates_n_plus_2_chunks() -> None:
    for n in (1, 2, 3):
        page = "\n".join(render_yolo_text(drawn(YoloKind.C2F, n=n)))
        parts = " + ".join(["128"] * (n + 2))
        assert f"cat: {parts} = {128 * (n + 2)} ch ({n + 2} tensors)" in page
        assert "cat (chunk 0)" in page and "cat (chunk 1)" in page


def test_every_arrow_carries_a_channel_count() -> None:
    for kind in YoloKind:
        arrows = [line.strip() for line in render_yolo_text(drawn(kind))
                  if line.strip().startswith(("│ ", "├──", "▼")) and
                  not line.strip().endswith("│")]
        assert arrows
        for line in arrows:
            assert re.search(r"\d+ ch", line), (kind, line)


def test_sppf_taps_and_pools() -> None:
    page = "\n".join(render_yolo_text(drawn(YoloKind.SPPF)))
    assert page.count("5x5 max-pool") == 3
    assert "cat: 128 + 128 + 128 + 128 = 512 ch (4 tensors)" in page


def test_svg_is_well_formed_and_counts_every_side() -> None:
    result = analytic_compare((yolo_block(YoloKind.C2F, 256, 256, n=2),), InputShape())
    root = ET.fromstring(render_pair_svg(yolo.drawings(result)).split("\n", 1)[1])
    ns = "{http://www.w3.org/2000/svg}"
    sides = [g for g in root.iter(f"{ns}g") if g.get("class") == "side"]
    assert [g.get("data-channels") for g in sides] == ["128", "128", "128"]
    joins = [g.get("data-out") for g in root.iter(f"{ns}g") if g.get("class") == "join"]
    assert joins == [str(128 * 4)]


def test_mixed_text_puts_resnet_and_yolo_side_by_side() -> None:
    result = CliRunner().invoke(cli, ["diagram", "--in", "64", "--blocks", "bottleneck,c3"])
    assert result.exit_code == 0, result.output
    assert "bottleneck block" in result.stdout and "C3(64, 64, n=1 e=0.5 shortcut)" in result.stdout
