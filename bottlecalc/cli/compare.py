"""``bottlecalc compare``: a basic and a bottleneck block, counted three ways."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bottlecalc.cli import options
from bottlecalc.cli.output import pick_format, write
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.report.compare.registry import RENDERERS
from bottlecalc.results import AssumedMid
from bottlecalc.spec import YOLO_DEFAULTS, BlockKind, BlockSpec, YoloKind, parse_int, yolo_block

if TYPE_CHECKING:
    from bottlecalc.timed import TimeOptions

EXAMPLES = """
\b
Examples:
  bottlecalc compare --in 256 --mid 64              # the article's two blocks
  bottlecalc compare --in 256 --mid 64 --explain    # with the per-layer derivation
  bottlecalc compare --in 256 --mid 128 --expansion 4 --stride 2 --cross-check
  bottlecalc compare --in 256 --mid 64 --no-measure --format json -o blocks.json
  bottlecalc compare --in 256 --mid 64 --pass train   # a training step: about 3x the FLOPs
  bottlecalc compare --in 256 --mid 64 --time       # measured time beside the MAC ratio
  bottlecalc compare --in 256 --blocks basic,bottleneck,c3,c2f   # ResNet's and YOLO's
  bottlecalc compare --in 256 --blocks c3,c2f --n 3 --explain    # a YOLO stage, n = 3
"""

DEFAULT_BLOCKS = "basic,bottleneck"
KINDS: dict[str, BlockKind | YoloKind] = {str(k): k for k in (*BlockKind, *YoloKind)}


@dataclass(frozen=True)
class YoloOptions:
    """ultralytics' block arguments as typed (None: that block's own default)."""

    blocks: str
    n: int | None
    e: float | None
    k: str | None
    shortcut: bool | None
    c3k: bool


def parse_blocks(text: str, *, least: int = 2) -> tuple[BlockKind | YoloKind, ...]:
    """``basic,bottleneck,c3,c2f`` as block kinds, in the order given (the first is the
    baseline every ratio is taken against); at least ``least`` of them."""
    names = [name.strip().lower() for name in text.split(",")]
    unknown = [name for name in names if name not in KINDS]
    if unknown or len(names) < least:
        problem = f"unknown block {unknown[0]!r}" if unknown else "list at least two blocks"
        raise SpecError(f"--blocks: {problem}; choose from {', '.join(KINDS)}")
    return tuple(KINDS[name] for name in names)


def _yolo_spec(kind: YoloKind, cin: int, out: int, block: options.BlockOptions[int | None],
               yolo: YoloOptions) -> BlockSpec:
    """Each of --n/--e/--k/--shortcut goes to the blocks that take it (ultralytics'
    defaults elsewhere); refusing it is left to :func:`refuse_unused`."""
    typed: dict[str, object] = {"n": yolo.n, "e": yolo.e, "k": yolo.k, "shortcut": yolo.shortcut}
    given = {name: value for name, value in typed.items()
             if value is not None and getattr(YOLO_DEFAULTS[kind], name) is not None}
    if yolo.k is not None and "k" in given:
        given["k"] = tuple(parse_int("--k", part) for part in yolo.k.split(","))
    return yolo_block(kind, cin, out, stride=block.stride, groups=block.groups, bn=block.bn,
                      bias=block.bias, c3k=yolo.c3k and kind is YoloKind.C3K2, **given)


def refuse_unused(kinds: tuple[BlockKind | YoloKind, ...], yolo: YoloOptions) -> None:
    """An option none of the chosen blocks takes is a mistake, not a no-op."""
    yolos = [YOLO_DEFAULTS[k] for k in kinds if isinstance(k, YoloKind)]
    typed = {"--n": (yolo.n, "n"), "--e": (yolo.e, "e"), "--k": (yolo.k, "k"),
             "--shortcut/--no-shortcut": (yolo.shortcut, "shortcut")}
    for option, (value, field) in typed.items():
        if value is not None and all(getattr(d, field) is None for d in yolos):
            raise SpecError(f"{option} applies to none of --blocks {yolo.blocks}")
    if yolo.c3k and YoloKind.C3K2 not in kinds:
        raise SpecError(f"--c3k applies to c3k2 only, not to --blocks {yolo.blocks}")


def refuse_resnet_only(kinds: tuple[BlockKind | YoloKind, ...],
                       block: options.BlockOptions[int | None], blocks: str) -> None:
    """--mid, --expansion and --stride-on shape basic and bottleneck blocks only: with
    YOLO's blocks alone they would change nothing, so they are refused, not ignored."""
    if any(isinstance(k, BlockKind) for k in kinds):
        return
    given = ([*(["--mid"] if block.mid is not None else []),
              *(["--expansion"] if block.expansion is not None else []),
              *options.typed(click.get_current_context(), ["stride_on"])])
    if given:
        raise SpecError(f"{given[0]} applies to basic and bottleneck blocks, none of "
                        f"--blocks {blocks} (YOLO's widths come from --in, --out and --e)")


def compare_specs(block: options.BlockOptions[int | None],
                  yolo: YoloOptions) -> tuple[BlockSpec, ...]:
    """The blocks to compare, from the options; the default is the article's pair."""
    kinds = parse_blocks(yolo.blocks)
    refuse_unused(kinds, yolo)
    refuse_resnet_only(kinds, block, yolo.blocks)
    cin = block.in_channels
    assert cin is not None  # --in is required
    if block.mid is None and yolo.blocks == DEFAULT_BLOCKS:  # the article's pair, as ever
        raise click.MissingParameter(param_hint="'--mid'", param_type="option")
    mid = max(cin // 4, 1) if block.mid is None else block.mid
    config = block.config(cin, mid)
    resnet = dict(zip((BlockKind.BASIC, BlockKind.BOTTLENECK), config.pair(), strict=True))
    return tuple(resnet[k] if isinstance(k, BlockKind)
                 else _yolo_spec(k, cin, config.out, block, yolo)
                 for k in kinds)


def yolo_options(func: options.F) -> options.F:
    """--blocks and ultralytics' block arguments (--n, --e, --k, --shortcut, --c3k)."""
    decorators = [
        click.option("--blocks", default=DEFAULT_BLOCKS, show_default=True, metavar="LIST",
                     help="Blocks to compare, the first the baseline of every ratio: "
                     f"{', '.join(KINDS)}."),
        click.option("--n", type=int, default=None, metavar="N",
                     help="YOLO blocks: repeats (inner Bottlenecks; SPPF's max-pools)  "
                     "[default: ultralytics', 1; SPPF 3]"),
        click.option("--e", type=float, default=None, metavar="E",
                     help="YOLO blocks: hidden width = int(out x E)  [default: 0.5]"),
        click.option("--k", default=None, metavar="K|K1,K2",
                     help="YOLO blocks: kernel (conv 1, yolo-bottleneck 3,3, c3k 3, sppf's "
                     "pool 5)."),
        click.option("--shortcut/--no-shortcut", default=None,
                     help="YOLO blocks: inner residual adds  [default: ultralytics'; off "
                     "for c2f]"),
        click.option("--c3k", is_flag=True, help="c3k2: C3k inner blocks (YOLO11's deeper "
                     "stages)."),
    ]
    return options.apply_options(func, decorators)


@click.command(epilog=EXAMPLES)
@options.block_options(options.Form.COMPARE)
@yolo_options
@options.measure_options
@options.fvcore_option
@options.time_options(own_dtype=True, layers=True)
@options.pass_option
@click.option("--explain", is_flag=True, help="Add the per-layer derivation of every figure.")
@options.format_option(RENDERERS)
@options.output_option
@options.color_option
@options.debug_option
def compare(*, block: options.BlockOptions[int | None], blocks: str, n: int | None,
            e: float | None, k: str | None, shortcut: bool | None, c3k: bool,
            cross_check: bool, no_measure: bool, fvcore: bool | None,
            timing: TimeOptions | None, train: bool, explain: bool, fmt: str | None,
            output: Path | None, color: bool | None) -> None:
    """Compare a basic block (two 3x3 convs) with a bottleneck (1x1, 3x3, 1x1), or any
    blocks (--blocks), YOLO's among them (ultralytics' Bottleneck, C3, C2f, ...).

    Parameters are counted analytically (closed form) and by instantiating the torch
    modules on the meta device; MACs are measured with fvcore and, with --cross-check,
    FLOPs with FlopCounterMode. Every count is an exact integer; ✓ marks agreement.
    --time also times both blocks and each of their layers on this machine.
    """
    chosen = pick_format(RENDERERS, fmt, output, color=color)
    yolo = YoloOptions(blocks, n, e, k, shortcut, c3k)
    specs, shape = compare_specs(block, yolo), block.shape()
    options.check_measure_flags(cross_check=cross_check, no_measure=no_measure, fvcore=fvcore)
    from bottlecalc.api import compare_blocks

    result = compare_blocks(specs, shape, measure=not no_measure, cross_check=cross_check,
                            timing=timing, train=train, fvcore=fvcore is not False)
    if block.mid is None and BlockKind.BOTTLENECK in (s.kind for s in specs):
        note = AssumedMid(specs[0].in_channels, max(specs[0].in_channels // 4, 1))
        result = replace(result, notes=(note, *result.notes))
    write(RENDERERS, chosen, result, output, explain=explain, color=color)
    if not result.all_agree:
        raise MeasureError("the counting routes disagree (marked ✗)")
