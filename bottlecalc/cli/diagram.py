"""``bottlecalc diagram``: the basic and bottleneck blocks drawn with channel counts."""

from __future__ import annotations

from pathlib import Path

import click

from bottlecalc.api import compare_blocks
from bottlecalc.cli.common import debug_option, emit, guarded, output_option, write_atomic
from bottlecalc.cli.compare import block_options, build_specs
from bottlecalc.diagram import BlockDiagram, block_diagram, render_pair_svg, render_pair_text
from bottlecalc.spec import BlockSpec, InputShape

EXAMPLES = """
\b
Examples:
  bottlecalc diagram --in 256 --mid 64                  # the article's two blocks
  bottlecalc diagram --in 256 --mid 128 --expansion 4 --stride 2 --svg blocks.svg
"""


def diagrams_for(specs: tuple[BlockSpec, ...], shape: InputShape) -> tuple[BlockDiagram, ...]:
    """Diagrams read off the analytic layers (no torch)."""
    result = compare_blocks(specs, shape, measure=False)
    return tuple(block_diagram(block) for block in result.blocks)


@click.command(epilog=EXAMPLES)
@block_options
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE", help="Also write both diagrams as one SVG file.")
@output_option
@debug_option
@guarded
def diagram(*, size: str, batch: int, svg_path: Path | None, output: Path | None,
            debug: bool, **block: object) -> None:
    """Draw the basic and the bottleneck block side by side, a channel count on every arrow.

    Every conv box shows its kernel, stride, groups and channels (in→out) and whether BN
    and ReLU follow; the shortcut is drawn as identity or as the 1x1 projection the block
    needs when in != out or stride != 1.
    """
    shape = InputShape.parse(size, batch=batch)
    drawn = diagrams_for(build_specs(**block), shape)  # type: ignore[arg-type]
    emit(render_pair_text(drawn), output)
    if svg_path is not None:
        write_atomic(svg_path, render_pair_svg(drawn))
        click.echo(f"wrote {svg_path}", err=True)
