"""``bottlecalc compare``: a basic and a bottleneck block, counted three ways."""

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
)
from bottlecalc.report import COMPARE_RENDERERS, FORMATS, Format, renderer
from bottlecalc.spec import BlockSpec, InputShape, StrideOn, block_pair, resolve_out

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLES = """
\b
Examples:
  bottlecalc compare --in 256 --mid 64              # the article's two blocks
  bottlecalc compare --in 256 --mid 64 --explain    # with the per-layer derivation
  bottlecalc compare --in 256 --mid 128 --expansion 4 --stride 2 --cross-check
  bottlecalc compare --in 256 --mid 64 --no-measure --format json -o blocks.json
"""


def block_options(func: F) -> F:
    """The block options ``compare`` shares with ``check``, ``sweep`` and friends."""
    options = [
        click.option("--in", "in_channels", type=int, required=True, metavar="C",
                     help="Input channels of both blocks."),
        click.option("--mid", type=int, required=True, metavar="C",
                     help="Bottleneck width (the 3x3 conv's channels)."),
        click.option("--out", "out_channels", type=int, default=None, metavar="C",
                     help="Output channels  [default: same as --in]"),
        click.option("--expansion", type=int, default=None, metavar="E",
                     help="Set out = mid x E (an error if it contradicts --out)."),
        *layout_options(),
        click.option("--size", default="56", show_default=True, metavar="H|HxW",
                     help="Spatial size of the input feature map."),
        batch_option,
    ]
    return apply_options(func, options)


@dataclass(frozen=True)
class CompareConfig:
    specs: tuple[BlockSpec, BlockSpec]
    shape: InputShape
    measure: bool
    cross_check: bool
    fmt: Format
    explain: bool
    output: Path | None


def build_specs(*, in_channels: int, mid: int, out_channels: int | None,
                expansion: int | None, stride: int, stride_on: str, groups: int, bn: bool,
                bias: bool) -> tuple[BlockSpec, BlockSpec]:
    out = resolve_out(in_channels, mid, out_channels, expansion)
    return block_pair(in_channels, mid, out, stride=stride, groups=groups,
                      stride_on=StrideOn(stride_on), bn=bn, bias=bias)


def execute(config: CompareConfig) -> None:
    from bottlecalc.api import compare_blocks

    result = compare_blocks(config.specs, config.shape, measure=config.measure,
                            cross_check=config.cross_check)
    render = renderer(COMPARE_RENDERERS, config.fmt)
    if config.fmt is Format.TABLE:
        color = config.output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size((132, 40)).columns if color else 132
        text = render(result, explain=config.explain, color=color, width=max(width, 100))
    else:
        text = render(result, explain=config.explain)
    emit(text, config.output)
    if not result.all_agree:
        click.echo("bottlecalc: error: the counting routes disagree (marked ✗)", err=True)
        sys.exit(3)


@click.command(epilog=EXAMPLES)
@block_options
@click.option("--cross-check", is_flag=True,
              help="Also count FLOPs with torch's FlopCounterMode (meta device).")
@click.option("--no-measure", is_flag=True,
              help="Analytic counts only: never imports torch.")
@click.option("--explain", is_flag=True, help="Add the per-layer derivation of every figure.")
@format_option(FORMATS)
@output_option
@debug_option
@guarded
def compare(*, size: str, batch: int, no_measure: bool, cross_check: bool, fmt: str,
            explain: bool, output: Path | None, debug: bool, **block: object) -> None:
    """Compare a basic block (two 3x3 convs) with a bottleneck (1x1, 3x3, 1x1).

    Parameters are counted analytically (closed form) and by instantiating the torch
    modules on the meta device; MACs are measured with fvcore and, with --cross-check,
    FLOPs with FlopCounterMode. Every count is an exact integer; ✓ marks agreement.
    """
    config = CompareConfig(
        specs=build_specs(**block),  # type: ignore[arg-type]
        shape=InputShape.parse(size, batch=batch),
        measure=not no_measure,
        cross_check=cross_check and not no_measure,
        fmt=Format(fmt.lower()),
        explain=explain,
        output=output,
    )
    if cross_check and no_measure:
        raise click.UsageError("--cross-check needs measuring; drop --no-measure")
    execute(config)
