"""``bottlecalc diagram``: the basic and bottleneck blocks drawn with channel counts."""

from __future__ import annotations

from pathlib import Path

import click

from bottlecalc.cli import options
from bottlecalc.cli.compare import YoloOptions, compare_specs, yolo_options
from bottlecalc.cli.output import OutputPath, emit, pick_format, render_options, write_file
from bottlecalc.report.diagram.registry import RENDERERS
from bottlecalc.report.render import Format
from bottlecalc.results import analytic_compare

TEXT_ONLY = {Format.TEXT: RENDERERS[Format.TEXT]}  # what -o writes

EXAMPLES = """
\b
Examples:
  bottlecalc diagram --in 256 --mid 64                  # the article's two blocks
  bottlecalc diagram --in 256 --mid 128 --expansion 4 --stride 2 --svg blocks.svg
  bottlecalc diagram --in 256 --blocks c3,c2f --n 2   # YOLO's blocks, every arrow counted
"""


@click.command(epilog=EXAMPLES)
@options.block_options(options.Form.COMPARE)
@yolo_options
@click.option("--svg", "svg_path", type=OutputPath(dash=False, formats=("svg",)),
              default=None, metavar="FILE.svg", help="Also write both diagrams as one SVG file.")
@options.output_option
@options.debug_option
def diagram(*, block: options.BlockOptions[int | None], blocks: str, n: int | None,
            e: float | None, k: str | None, shortcut: bool | None, c3k: bool,
            svg_path: Path | None, output: Path | None) -> None:
    """Draw the basic and the bottleneck block side by side, a channel count on every arrow.

    Every conv box shows its kernel, stride, groups and channels (in→out) and whether BN
    and ReLU follow; the shortcut is drawn as identity or as the 1x1 projection the block
    needs when in != out or stride != 1. --blocks draws other blocks, YOLO's among them
    (their branches, splits and concats, a channel count on every arrow).
    """
    pick_format(TEXT_ONLY, None, output, default=Format.TEXT,
                hint=" (text; --svg FILE writes the SVG)")
    refuse_unused(click.get_current_context(), block)
    specs = compare_specs(block, YoloOptions(blocks, n, e, k, shortcut, c3k))
    result = analytic_compare(specs, block.shape())
    how = render_options(output)
    text = RENDERERS[Format.TEXT](result, how)
    svg = RENDERERS[Format.SVG](result, how) if svg_path is not None else None
    emit(text, output)
    if svg_path is not None and svg is not None:
        write_file(svg_path, svg)


def refuse_unused(ctx: click.Context, block: options.BlockOptions[int | None]) -> None:
    """The drawing shows one sample's convs and sizes: --batch and --bias do not apply."""
    typed = options.typed(ctx, ("batch",)) + (["--bias"] if block.bias else [])
    if typed:
        raise click.UsageError(f"{typed[0]} does not apply to diagram: it draws the convs "
                               "and sizes of one sample, not the batch or the biases")
