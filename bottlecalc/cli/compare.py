"""``bottlecalc compare``: a basic and a bottleneck block, counted three ways."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import pick_format, write
from bottlecalc.errors import MeasureError
from bottlecalc.report.compare.registry import RENDERERS
from bottlecalc.results import TimeOptions

EXAMPLES = """
\b
Examples:
  bottlecalc compare --in 256 --mid 64              # the article's two blocks
  bottlecalc compare --in 256 --mid 64 --explain    # with the per-layer derivation
  bottlecalc compare --in 256 --mid 128 --expansion 4 --stride 2 --cross-check
  bottlecalc compare --in 256 --mid 64 --no-measure --format json -o blocks.json
  bottlecalc compare --in 256 --mid 64 --pass train   # a training step: about 3x the FLOPs
  bottlecalc compare --in 256 --mid 64 --time       # measured time beside the MAC ratio
"""


@click.command(epilog=EXAMPLES)
@options.block_options(options.Form.REQUIRED)
@options.measure_options
@options.fvcore_option
@options.time_options(own_dtype=True)
@options.pass_option
@click.option("--explain", is_flag=True, help="Add the per-layer derivation of every figure.")
@options.format_option(RENDERERS)
@options.output_option
@options.color_option
@options.debug_option
def compare(*, block: options.BlockOptions[int], cross_check: bool, no_measure: bool,
            fvcore: bool | None, timing: TimeOptions | None, train: bool, explain: bool,
            fmt: str | None, output: Path | None, color: bool | None) -> None:
    """Compare a basic block (two 3x3 convs) with a bottleneck (1x1, 3x3, 1x1).

    Parameters are counted analytically (closed form) and by instantiating the torch
    modules on the meta device; MACs are measured with fvcore and, with --cross-check,
    FLOPs with FlopCounterMode. Every count is an exact integer; ✓ marks agreement.
    --time also times both blocks and each of their layers on this machine.
    """
    chosen = pick_format(RENDERERS, fmt, output, color=color)
    specs, shape = options.block_pair_of(block), block.shape()
    options.check_measure_flags(cross_check=cross_check, no_measure=no_measure, fvcore=fvcore)
    from bottlecalc.api import compare_blocks

    timing = replace(timing, layers=True) if timing is not None else None
    result = compare_blocks(specs, shape, measure=not no_measure, cross_check=cross_check,
                            timing=timing, train=train, fvcore=fvcore is not False)
    write(RENDERERS, chosen, result, output, explain=explain, color=color)
    if not result.all_agree:
        raise MeasureError("the counting routes disagree (marked ✗)")
