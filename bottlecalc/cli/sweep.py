"""``bottlecalc sweep``: basic vs bottleneck over a series of widths or sizes."""

from __future__ import annotations

from pathlib import Path

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import OutputPath, pick_format, write, write_file
from bottlecalc.report.sweep.registry import RENDERERS
from bottlecalc.spec import MAX_CHANNELS, MAX_SIZE, BlockConfig, parse_int
from bottlecalc.sweep import Axis, Sweep, is_series, parse_values, run_sweep
from bottlecalc.timed import TimeOptions

EXAMPLES = """
\b
Examples:
  bottlecalc sweep --in 256 --mid 16,32,64,128,256
  bottlecalc sweep --in 256 --mid 16:256:16 --plot mid.png
  bottlecalc sweep --in 64,128,256,512 --mid 64 --expansion 4 --format csv
  bottlecalc sweep --in 256 --mid 64 --size 7,14,28,56,112 --format markdown
  bottlecalc sweep --in 256 --mid 16,32,64,128,256 --time     # measured time per point
"""

HIGH = {Axis.IN: MAX_CHANNELS, Axis.MID: MAX_CHANNELS, Axis.SIZE: MAX_SIZE}


def swept_axis(texts: dict[Axis, str]) -> Axis:
    """The one option given as a list or range."""
    series = [axis for axis, text in texts.items() if is_series(text)]
    if not series:
        raise click.UsageError("give a list or range to one of --in, --mid or --size, "
                               "e.g. --mid 16,32,64 or --mid 16:256:16")
    if len(series) > 1:
        named = " and ".join(axis.option for axis in series)
        raise click.UsageError(f"sweep one option at a time: {named} both list values")
    return series[0]


def base_config(block: options.BlockOptions[str], axis: Axis, first: int) -> BlockConfig:
    """The fixed options; the swept one starts at its first value."""
    in_ch = first if axis is Axis.IN else parse_int("--in", block.in_channels, high=MAX_CHANNELS)
    mid = first if axis is Axis.MID else parse_int("--mid", block.mid, high=MAX_CHANNELS)
    return block.config(in_ch, mid, size=str(first) if axis is Axis.SIZE else None)


def draw_plot(sweep: Sweep, path: Path) -> bytes | str:
    """The --plot file's content: PNG or SVG, as its name says (checked when parsed)."""
    from bottlecalc.report.sweep import plot

    return plot.sweep_png(sweep) if path.suffix.lower() == ".png" else plot.sweep_svg(sweep)


@click.command(epilog=EXAMPLES)
@options.block_options(options.Form.SERIES)
@options.format_option(RENDERERS)
@options.output_option
@click.option("--plot", type=OutputPath(dash=False, formats=("png", "svg"), strict=True),
              default=None, metavar="FILE.png|FILE.svg",
              help="Also draw params and MACs of both blocks (needs bottlecalc[plot]); "
              "the extension picks PNG or SVG.")
@options.time_options(own_dtype=True)
@options.color_option
@options.debug_option
def sweep(*, block: options.BlockOptions[str], fmt: str | None, output: Path | None,
          plot: Path | None, timing: TimeOptions | None, color: bool | None) -> None:
    """Count a basic and a bottleneck block at every value of --in, --mid or --size.

    Exactly one of them takes a list (16,32,64) or an inclusive range (16:256:16). Counts
    are analytic (closed form, no torch): the same figures `compare --no-measure` gives
    at each point, with the ratio of basic to bottleneck. --time also times both blocks
    at every point (torch): a measured-time curve beside the MAC curve.
    """
    chosen = pick_format(RENDERERS, fmt, output, color=color)
    texts = {Axis.IN: block.in_channels, Axis.MID: block.mid, Axis.SIZE: block.size}
    axis = swept_axis(texts)
    values = parse_values(axis.option, texts[axis], high=HIGH[axis])
    config = base_config(block, axis, values[0])
    result = run_sweep(config, axis, values)
    if timing is not None:
        from bottlecalc.api import time_sweep

        result = time_sweep(result, timing)
    drawn = draw_plot(result, plot) if plot is not None else None  # fails before any write
    write(RENDERERS, chosen, result, output, color=color)
    if plot is not None and drawn is not None:
        write_file(plot, drawn)
