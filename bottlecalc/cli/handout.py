"""``bottlecalc handout``: a self-contained teaching page (HTML or Markdown)."""

from __future__ import annotations

from pathlib import Path

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import pick_format, write
from bottlecalc.report.handout.i18n import Lang
from bottlecalc.report.handout.registry import RENDERERS
from bottlecalc.report.render import Format
from bottlecalc.spec import MAX_CHANNELS
from bottlecalc.sweep import Axis, default_mids, parse_values, run_sweep
from bottlecalc.timed import TimeOptions

EXAMPLES = """
\b
Examples:
  bottlecalc handout --in 256 --mid 64 -o handout.html
  bottlecalc handout --in 256 --mid 64 --lang zh -o handout-zh.html
  bottlecalc handout --in 512 --mid 128 --title "Week 5: bottlenecks" -o week5.md
  bottlecalc handout --in 256 --mid 64 --sweep 16:256:16 --no-measure -o quick.html
  bottlecalc handout --in 256 --mid 64 --time -o timed.html   # adds "MACs are not time"
  bottlecalc handout --in 256 --mid 64 --yolo --lang zh -o yolo.html  # "From ResNet to YOLO"
"""

@click.command(epilog=EXAMPLES)
@options.block_options(options.Form.REQUIRED)
@click.option("--title", default=None, help="Page title  [default: 'Why a bottleneck "
              "block is cheap', translated]")
@click.option("--lang", type=options.choice(Lang), default="en",
              show_default=True, help="Language of the page's fixed text.")
@click.option("--sweep", "sweep_text", default=None, metavar="LIST",
              help="--mid values for the sweep chart (16,32,64 or 16:256:16)  "
              "[default: mid/4 to mid x 4 in powers of two]")
@click.option("--no-measure", is_flag=True,
              help="Analytic counts only (no torch); the measured rows are left out.")
@click.option("--yolo", is_flag=True, help="Add \"From ResNet to YOLO\": YOLO's Bottleneck, "
              "C3 and C2f at the same widths, and the three baselines the web confuses.")
@options.fvcore_option
@options.time_options(own_dtype=True, layers=True)
@options.format_option(RENDERERS, default="html")
@options.output_option
@options.debug_option
def handout(*, block: options.BlockOptions[int], title: str | None, lang: str,
            sweep_text: str | None, no_measure: bool, yolo: bool, fvcore: bool | None,
            timing: TimeOptions | None, fmt: str | None, output: Path | None) -> None:
    """Write a one-page handout on basic vs bottleneck blocks for students.

    It holds both block diagrams with channel counts, the counts by every route
    (analytic, instantiated, fvcore, FlopCounterMode), the per-layer derivation, a sweep
    chart over --mid, a MACs-vs-FLOPs box, and the projection-shortcut lesson. The HTML
    page is self-contained (opens offline) and prints on A4. The file is written
    atomically. --time adds "MACs are not time": both blocks timed on this machine.
    """
    chosen = pick_format(RENDERERS, fmt, output, default=Format.HTML)
    options.check_measure_flags(cross_check=False, no_measure=no_measure, fvcore=fvcore)
    config = block.config(block.in_channels, block.mid)  # the sweep keeps --out fixed
    _, bottleneck = config.pair()  # validates every option before anything is measured
    if yolo and block.stride != 1:  # "on the same input" would set a halved map beside full ones
        raise click.UsageError("--yolo sets YOLO's Bottleneck, C3 and C2f, which keep the size, "
                               f"beside the bottleneck: drop --stride {block.stride} or --yolo")
    mids = (parse_values("--sweep", sweep_text, high=MAX_CHANNELS) if sweep_text
            else default_mids(bottleneck.mid, bottleneck.groups))
    from bottlecalc.api import compare_blocks
    from bottlecalc.report.handout.page import build_handout

    result = compare_blocks(config.pair(), config.shape, measure=not no_measure, timing=timing,
                            cross_check=not no_measure, fvcore=fvcore is not False)
    page = build_handout(result, run_sweep(config, Axis.MID, mids), title=title,
                         lang=Lang(lang), yolo=yolo)
    write(RENDERERS, chosen, page, output)
