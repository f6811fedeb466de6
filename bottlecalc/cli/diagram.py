"""``bottlecalc diagram``: the basic and bottleneck blocks drawn with channel counts."""

from __future__ import annotations

from pathlib import Path

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import emit, render_options, write_file
from bottlecalc.report.diagram.registry import RENDERERS
from bottlecalc.report.render import Format
from bottlecalc.results import analytic_compare

EXAMPLES = """
\b
Examples:
  bottlecalc diagram --in 256 --mid 64                  # the article's two blocks
  bottlecalc diagram --in 256 --mid 128 --expansion 4 --stride 2 --svg blocks.svg
"""


@click.command(epilog=EXAMPLES)
@options.block_options(options.Form.REQUIRED)
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE", help="Also write both diagrams as one SVG file.")
@options.output_option
@options.debug_option
def diagram(*, block: options.BlockOptions[int], svg_path: Path | None,
            output: Path | None) -> None:
    """Draw the basic and the bottleneck block side by side, a channel count on every arrow.

    Every conv box shows its kernel, stride, groups and channels (in→out) and whether BN
    and ReLU follow; the shortcut is drawn as identity or as the 1x1 projection the block
    needs when in != out or stride != 1.
    """
    result = analytic_compare(options.block_pair_of(block), block.shape())
    how = render_options(output)
    emit(RENDERERS[Format.TEXT](result, how), output)
    if svg_path is not None:
        write_file(svg_path, RENDERERS[Format.SVG](result, how))
