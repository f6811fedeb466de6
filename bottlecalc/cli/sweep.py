"""``bottlecalc sweep``: basic vs bottleneck over a series of widths or sizes."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from bottlecalc.cli.common import (
    apply_options,
    batch_option,
    debug_option,
    emit,
    format_option,
    guarded,
    layout_options,
    output_option,
    write_atomic,
)
from bottlecalc.report import Format, renderer
from bottlecalc.report.sweep import SWEEP_FORMATS, SWEEP_RENDERERS
from bottlecalc.spec import MAX_CHANNELS, MAX_SIZE, InputShape, StrideOn, parse_int
from bottlecalc.sweep import Axis, BlockConfig, Sweep, is_series, parse_values, run_sweep

EXAMPLES = """
\b
Examples:
  bottlecalc sweep --in 256 --mid 16,32,64,128,256
  bottlecalc sweep --in 256 --mid 16:256:16 --plot mid.png
  bottlecalc sweep --in 64,128,256,512 --mid 64 --expansion 4 --format csv
  bottlecalc sweep --in 256 --mid 64 --size 7,14,28,56,112 --format markdown
"""

F = TypeVar("F", bound=Callable[..., Any])
PLOT_SUFFIXES = (".png", ".svg")
HIGH = {Axis.IN: MAX_CHANNELS, Axis.MID: MAX_CHANNELS, Axis.SIZE: MAX_SIZE}


@dataclass(frozen=True)
class SweepRequest:
    config: BlockConfig
    axis: Axis
    values: tuple[int, ...]
    fmt: Format
    output: Path | None
    plot: Path | None


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


def base_config(texts: dict[Axis, str], axis: Axis, values: tuple[int, ...], *, batch: int,
                **block: object) -> BlockConfig:
    """The fixed options; the swept one starts at its first value."""
    fixed = {a: values[0] if a is axis else None for a in Axis}
    in_ch = fixed[Axis.IN] or parse_int("--in", texts[Axis.IN], high=MAX_CHANNELS)
    mid = fixed[Axis.MID] or parse_int("--mid", texts[Axis.MID], high=MAX_CHANNELS)
    size = texts[Axis.SIZE] if fixed[Axis.SIZE] is None else str(fixed[Axis.SIZE])
    block["stride_on"] = StrideOn(str(block["stride_on"]))
    return BlockConfig(in_ch, mid, shape=InputShape.parse(size, batch=batch),
                       **block)  # type: ignore[arg-type]


def check_plot(plot: Path | None) -> Path | None:
    if plot is not None and plot.suffix.lower() not in PLOT_SUFFIXES:
        raise click.BadParameter(f"must end in .png or .svg, got {str(plot)!r}",
                                 param_hint="'--plot'")
    return plot


def write_plot(sweep: Sweep, path: Path) -> None:
    from bottlecalc.report import plot

    data = plot.sweep_png(sweep) if path.suffix.lower() == ".png" else plot.sweep_svg(sweep)
    write_atomic(path, data)
    click.echo(f"wrote {path}", err=True)


def execute(request: SweepRequest) -> None:
    sweep = run_sweep(request.config, request.axis, request.values)
    render = renderer(SWEEP_RENDERERS, request.fmt)
    if request.fmt is Format.TABLE:
        color = request.output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size((120, 40)).columns if color else 120
        text = render(sweep, color=color, width=max(width, 100))
    else:
        text = render(sweep)
    emit(text, request.output)
    if request.plot is not None:
        write_plot(sweep, request.plot)


def sweep_options(func: F) -> F:
    """compare's block options, with --in, --mid and --size also taking lists and ranges."""
    series = "A value, a list 16,32,64 or a range start:stop:step (inclusive)."
    options = [
        click.option("--in", "in_text", required=True, metavar="C|LIST",
                     help=f"Input channels. {series}"),
        click.option("--mid", "mid_text", required=True, metavar="C|LIST",
                     help=f"Bottleneck width. {series}"),
        click.option("--out", "out_channels", type=int, default=None, metavar="C",
                     help="Output channels  [default: same as --in]"),
        click.option("--expansion", type=int, default=None, metavar="E",
                     help="Set out = mid x E at every point."),
        *layout_options(groups_help="must divide every --mid"),
        click.option("--size", "size_text", default="56", show_default=True,
                     metavar="H|HxW|LIST", help=f"Feature-map size. {series}"),
        batch_option,
    ]
    return apply_options(func, options)


@click.command(epilog=EXAMPLES)
@sweep_options
@format_option(SWEEP_FORMATS)
@output_option
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.png|FILE.svg",
              help="Also draw params and MACs of both blocks (needs bottlecalc[plot]).")
@debug_option
@guarded
def sweep(*, in_text: str, mid_text: str, size_text: str, batch: int, fmt: str,
          output: Path | None, plot: Path | None, debug: bool, **block: object) -> None:
    """Count a basic and a bottleneck block at every value of --in, --mid or --size.

    Exactly one of them takes a list (16,32,64) or an inclusive range (16:256:16). Counts
    are analytic (closed form, no torch): the same figures `compare --no-measure` gives
    at each point, with the ratio of basic to bottleneck.
    """
    texts = {Axis.IN: in_text, Axis.MID: mid_text, Axis.SIZE: size_text}
    axis = swept_axis(texts)
    values = parse_values(axis.option, texts[axis], high=HIGH[axis])
    request = SweepRequest(
        config=base_config(texts, axis, values, batch=batch, **block),
        axis=axis, values=values, fmt=Format(fmt.lower()), output=output,
        plot=check_plot(plot),
    )
    execute(request)
