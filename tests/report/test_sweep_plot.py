"""sweep --plot: matplotlib figures with labelled axes, both blocks, log where it helps."""

from __future__ import annotations

import io

import pytest

from bottlecalc.errors import BottlecalcError
from bottlecalc.report.sweep import plot  # imports matplotlib only when drawing
from bottlecalc.spec import BlockConfig
from bottlecalc.sweep import Axis, run_sweep

pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")

MID_SWEEP = run_sweep(BlockConfig(256, 64), Axis.MID, (16, 32, 64, 128, 256))


def test_axes_are_labelled_with_units_and_both_blocks_drawn() -> None:
    fig = plot.draw(MID_SWEEP)
    params, macs = fig.axes
    assert params.get_xlabel() == "bottleneck width --mid (channels)"
    assert params.get_ylabel() == "parameters (count)"
    assert macs.get_ylabel() == "MACs (multiply-accumulates)"
    for ax in (params, macs):
        assert [line.get_label() for line in ax.get_lines()] == ["basic block",
                                                                "bottleneck block"]
    ys = [list(line.get_ydata()) for line in macs.get_lines()]
    assert ys[1][2] == 69_632 * 56 * 56  # the article's bottleneck at mid 64


def test_log_scale_only_where_it_helps() -> None:
    fig = plot.draw(MID_SWEEP)
    # params span 11,072 .. 1,180,672 (> 20x): log; mids 16..256 are a 16x geometric spread
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "log"]
    assert fig.axes[0].get_xscale() == "log"
    sizes = plot.draw(run_sweep(BlockConfig(256, 64), Axis.SIZE, (28, 42, 56)))
    # params do not depend on size: 70,400 vs 1,180,672 is under 20x, so linear
    assert sizes.axes[0].get_yscale() == "linear"
    assert sizes.axes[0].get_xscale() == "linear"


def test_png_has_content() -> None:
    import matplotlib.image

    data = plot.sweep_png(MID_SWEEP)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[0] > 300
    assert (pixels[..., :3] < 0.5).mean() > 0.005  # ink, not a blank canvas


def test_svg_is_reproducible_and_labelled() -> None:
    first, second = plot.sweep_svg(MID_SWEEP), plot.sweep_svg(MID_SWEEP)
    assert first == second
    assert "bottleneck width --mid (channels)" in first
    assert "MACs (multiply-accumulates)" in first


def test_missing_matplotlib_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(__import__("sys").modules, name, None)
    with pytest.raises(BottlecalcError, match=r"pip install 'bottlecalc\[plot\]'"):
        plot.draw(MID_SWEEP)
