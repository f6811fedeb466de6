"""``bottlecalc handout``: a self-contained teaching page (HTML or Markdown)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import click

from bottlecalc.cli.common import debug_option, emit, guarded, output_option
from bottlecalc.cli.compare import block_options
from bottlecalc.report.handout_i18n import Lang
from bottlecalc.spec import MAX_CHANNELS, InputShape, StrideOn
from bottlecalc.sweep import Axis, BlockConfig, default_mids, parse_values, run_sweep

EXAMPLES = """
\b
Examples:
  bottlecalc handout --in 256 --mid 64 -o handout.html
  bottlecalc handout --in 256 --mid 64 --lang zh -o handout-zh.html
  bottlecalc handout --in 512 --mid 128 --title "Week 5: bottlenecks" -o week5.md
  bottlecalc handout --in 256 --mid 64 --sweep 16:256:16 --no-measure -o quick.html
"""


class HandoutFormat(StrEnum):
    HTML = "html"
    MARKDOWN = "markdown"


# One registry: --format choices, and the suffix -o implies when --format is not given.
SUFFIXES = {".html": HandoutFormat.HTML, ".htm": HandoutFormat.HTML,
            ".md": HandoutFormat.MARKDOWN, ".markdown": HandoutFormat.MARKDOWN}


@dataclass(frozen=True)
class HandoutRequest:
    config: BlockConfig
    mids: tuple[int, ...]
    title: str | None
    lang: Lang
    fmt: HandoutFormat
    measure: bool
    output: Path | None


def pick_format(fmt: str | None, output: Path | None) -> HandoutFormat:
    if fmt is not None:
        return HandoutFormat(fmt.lower())
    if output is None:
        return HandoutFormat.HTML
    return SUFFIXES.get(output.suffix.lower(), HandoutFormat.HTML)


def block_config(shape: InputShape, block: dict[str, object]) -> BlockConfig:
    """The options as typed: the sweep keeps --out fixed, or out = mid x --expansion."""
    options = {**block, "stride_on": StrideOn(str(block["stride_on"]))}
    return BlockConfig(shape=shape, **options)  # type: ignore[arg-type]


def execute(request: HandoutRequest) -> None:
    from bottlecalc.api import compare_blocks
    from bottlecalc.report.handout import build_handout, render_html, render_markdown

    config = request.config
    result = compare_blocks(config.pair(), config.shape, measure=request.measure,
                            cross_check=request.measure)
    sweep = run_sweep(config, Axis.MID, request.mids)
    page = build_handout(result, sweep, title=request.title, lang=request.lang)
    render = render_html if request.fmt is HandoutFormat.HTML else render_markdown
    emit(render(page), request.output)


@click.command(epilog=EXAMPLES)
@block_options
@click.option("--title", default=None, help="Page title  [default: 'Why a bottleneck "
              "block is cheap', translated]")
@click.option("--lang", type=click.Choice([str(lang) for lang in Lang]), default="en",
              show_default=True, help="Language of the page's fixed text.")
@click.option("--sweep", "sweep_text", default=None, metavar="LIST",
              help="--mid values for the sweep chart (16,32,64 or 16:256:16)  "
              "[default: mid/4 to mid x 4 in powers of two]")
@click.option("--no-measure", is_flag=True,
              help="Analytic counts only (no torch); the measured rows are left out.")
@click.option("--format", "fmt", type=click.Choice([str(f) for f in HandoutFormat],
              case_sensitive=False), default=None,
              help="html or markdown  [default: from -o's suffix, else html]")
@output_option
@debug_option
@guarded
def handout(*, size: str, batch: int, title: str | None, lang: str, sweep_text: str | None,
            no_measure: bool, fmt: str | None, output: Path | None, debug: bool,
            **block: object) -> None:
    """Write a one-page handout on basic vs bottleneck blocks for students.

    It holds both block diagrams with channel counts, the counts by every route
    (analytic, instantiated, fvcore, FlopCounterMode), the per-layer derivation, a sweep
    chart over --mid, a MACs-vs-FLOPs box, and the projection-shortcut lesson. The HTML
    page is self-contained (opens offline) and prints on A4. The file is written
    atomically.
    """
    config = block_config(InputShape.parse(size, batch=batch), block)
    _, bottleneck = config.pair()  # validates every option before anything is measured
    mids = (parse_values("--sweep", sweep_text, high=MAX_CHANNELS) if sweep_text
            else default_mids(bottleneck.mid, bottleneck.groups))
    execute(HandoutRequest(
        config=config, mids=mids, title=title,
        lang=Lang(lang), fmt=pick_format(fmt, output), measure=not no_measure,
        output=output,
    ))
