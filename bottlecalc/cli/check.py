"""``bottlecalc check``: fail a CI job when a preset, block or user's model outgrows its budget."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from bottlecalc.budget import (
    Budget,
    CheckReport,
    Kind,
    Metric,
    Target,
    load_budgets,
    make_limits,
    parse_input,
    parse_tolerance,
    resolve,
)
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
from bottlecalc.errors import BottlecalcError, SpecError
from bottlecalc.report import renderer
from bottlecalc.report.check_formats import CHECK_FORMATS, CHECK_RENDERERS, CheckFormat
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, StrideOn, resolve_out

EXAMPLES = """
\b
Examples:
  bottlecalc check resnet50 --max-params 25.6M --max-macs 4.2G
  bottlecalc check mypkg.models:build_net --max-params 5M --max-flops 1.2G --input 1,3,160,160
  bottlecalc check models/net.py:make_model --max-macs 600M --format github
  bottlecalc check --block bottleneck --in 256 --mid 64 --max-params 70.4k --max-macs 221M
  bottlecalc check                       # every [tool.bottlecalc.budgets.*] in ./pyproject.toml
  bottlecalc check --config budgets.toml --format junit -o budgets.xml

\b
Numbers: 25557032, 25_557_032, 25.6M, 4.1G, 70k, 1e9 (k/K = 10^3, M = 10^6, G = 10^9).
--max-params is held against the parameters torch instantiates, --max-macs against
fvcore's count (1 per multiply-add, BN and pooling as fvcore counts them), --max-flops
against FlopCounterMode's (2 per multiply-add).

\b
Exit codes: 0 all within budget, 1 a budget exceeded, 2 usage or configuration error,
3 the model could not be imported, built or traced.
"""

BLOCK_OPTIONS = ("in_channels", "mid", "out_channels", "expansion", "stride", "stride_on",
                 "groups", "bn", "bias", "size", "batch")
TARGET_OPTIONS = ("max_params", "max_macs", "max_flops", "tolerance", "input_shape")


@dataclass(frozen=True)
class CheckConfig:
    jobs: tuple[tuple[Budget, Target], ...]
    base: Path  # where relative model paths are resolved
    source: str | None  # the budget file, for annotations
    fmt: CheckFormat
    output: Path | None
    debug: bool


def block_options(func: Any) -> Any:
    """compare's block options, optional here: they only apply with ``--block``."""
    options = [
        click.option("--block", type=click.Choice([str(k) for k in BlockKind]), default=None,
                     help="Check one residual block instead of a TARGET."),
        click.option("--in", "in_channels", type=int, default=None, metavar="C",
                     help="Block input channels (with --block)."),
        click.option("--mid", type=int, default=None, metavar="C",
                     help="Bottleneck width  [default for basic: --in]"),
        click.option("--out", "out_channels", type=int, default=None, metavar="C",
                     help="Block output channels  [default: same as --in]"),
        click.option("--expansion", type=int, default=None, metavar="E",
                     help="Set out = mid x E."),
        *layout_options(),
        click.option("--size", default="56", show_default=True, metavar="H|HxW",
                     help="Block input feature-map size."),
        batch_option,
    ]
    return apply_options(func, options)


def _given(ctx: click.Context, names: tuple[str, ...]) -> list[str]:
    """Options the user typed (not defaults), as they are spelled on the command line."""
    typed = [n for n in names
             if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE]
    spelled = {p.name: p.opts[0] for p in ctx.command.params if isinstance(p, click.Option)}
    return [spelled[n] for n in typed]


def cli_budget(target: str, p: dict[str, Any]) -> Budget:
    limits = make_limits({Metric.PARAMS: p["max_params"], Metric.MACS: p["max_macs"],
                          Metric.FLOPS: p["max_flops"]})
    shape = parse_input("--input", p["input_shape"]) if p["input_shape"] else None
    tolerance = parse_tolerance("--tolerance", p["tolerance"] or 0)
    return Budget(name=target, target=target, limits=limits, input=shape, tolerance=tolerance)


def block_job(p: dict[str, Any]) -> tuple[Budget, Target]:
    kind = BlockKind(p["block"])
    if p["in_channels"] is None:
        raise click.UsageError("--block needs --in (the block's input channels)")
    mid = p["mid"] if p["mid"] is not None else p["in_channels"]
    if p["mid"] is None and kind is BlockKind.BOTTLENECK:
        raise click.UsageError("--block bottleneck needs --mid (the bottleneck width)")
    out = resolve_out(p["in_channels"], mid, p["out_channels"], p["expansion"])
    spec = BlockSpec(kind, p["in_channels"], mid, out, stride=p["stride"], groups=p["groups"],
                     stride_on=StrideOn(p["stride_on"]), bn=p["bn"], bias=p["bias"])
    shape = InputShape.parse(p["size"], batch=p["batch"])
    name = f"{kind} {spec.in_channels}-{spec.mid}-{spec.out_channels}/s{spec.stride}"
    budget = cli_budget(name, p)
    dims = (shape.batch, spec.in_channels, shape.height, shape.width)
    return budget, Target(Kind.BLOCK, dims, block=spec)


def file_jobs(config: Path | None) -> tuple[tuple[tuple[Budget, Target], ...], Path]:
    path = config or Path("pyproject.toml")
    if config is None and not path.is_file():
        raise SpecError("no TARGET given and no ./pyproject.toml here; give a TARGET, "
                        "or --config FILE with [tool.bottlecalc.budgets.<name>] tables")
    budgets = load_budgets(path)
    return tuple((b, _resolve_in_file(path, b)) for b in budgets), path


def _resolve_in_file(path: Path, budget: Budget) -> Target:
    try:
        return resolve(budget)
    except SpecError as exc:
        raise SpecError(f"{path}: [tool.bottlecalc.budgets.{budget.name}]: {exc}") from exc


def build_config(ctx: click.Context, target: str | None, p: dict[str, Any]) -> CheckConfig:
    """Parse everything (every budget of a file included) before anything is measured."""
    common = {"fmt": CheckFormat(p["fmt"].lower()), "output": p["output"], "debug": p["debug"]}
    if target is not None or p["block"] is not None:
        if p["config"] is not None:
            raise click.UsageError("--config reads budgets from a file; it takes no TARGET")
        return CheckConfig(jobs=(_single(ctx, target, p),), base=Path.cwd(), source=None,
                           **common)
    stray = _given(ctx, TARGET_OPTIONS + BLOCK_OPTIONS)
    if stray:
        raise click.UsageError(f"{', '.join(stray)} need a TARGET (or --block); without "
                               "one the budgets come from the budget file")
    jobs, path = file_jobs(p["config"])
    return CheckConfig(jobs=jobs, base=path.resolve().parent, source=str(path), **common)


def _single(ctx: click.Context, target: str | None, p: dict[str, Any]) -> tuple[Budget, Target]:
    if p["block"] is not None:
        if target is not None:
            raise click.UsageError(f"give a TARGET ({target!r}) or --block, not both")
        return block_job(p)
    stray = _given(ctx, BLOCK_OPTIONS)
    if stray:
        raise click.UsageError(f"{', '.join(stray)} apply only with --block")
    assert target is not None  # build_config sends targetless runs to the budget file
    budget = cli_budget(target, p)
    return budget, resolve(budget, option="--input")


def execute(config: CheckConfig) -> int:
    from bottlecalc.usermodel import check_budget  # imports torch: only now

    outcomes = tuple(check_budget(b, t, base=config.base, debug=config.debug)
                     for b, t in config.jobs)
    report = CheckReport(outcomes, source=config.source)
    emit(renderer(CHECK_RENDERERS, config.fmt)(report), config.output)
    from bottlecalc.report.check_text import summary

    sys.stdout.flush()  # the summary follows the payload on a terminal
    for outcome in outcomes:
        if outcome.error is not None:  # the cause, even when the payload went to a file
            click.echo(f"bottlecalc check: error: {outcome.budget.name}: {outcome.error}",
                       err=True)
    click.echo(summary(report), err=True)
    return report.exit_code


@click.command(epilog=EXAMPLES)
@click.argument("target", required=False)
@click.option("--max-params", default=None, metavar="N", help="Most parameters allowed.")
@click.option("--max-macs", default=None, metavar="N",
              help="Most MACs allowed, held against fvcore's count.")
@click.option("--max-flops", default=None, metavar="N",
              help="Most FLOPs allowed, held against FlopCounterMode's count.")
@click.option("--tolerance", default=None, metavar="PCT",
              help="Let counts exceed a limit by this many percent (reported, not failed).")
@click.option("--input", "input_shape", default=None, metavar="N,C,H,W",
              help="Input shape for a preset or model  [default: 1,3,224,224]")
@block_options
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Read budgets from FILE instead of ./pyproject.toml.")
@format_option(CHECK_FORMATS)
@output_option
@debug_option
@guarded
def check(target: str | None, **params: Any) -> None:
    """Check a preset, a block or your own model against parameter/MAC/FLOP budgets.

    TARGET is a preset (resnet50), or your model as package.module:callable or
    path/to/file.py:callable, where the callable takes no arguments and returns an
    nn.Module. Without TARGET, every [tool.bottlecalc.budgets.<name>] table of
    ./pyproject.toml (or --config FILE) is checked in one process.
    """
    ctx = click.get_current_context()
    config = build_config(ctx, target, params)
    if not config.debug:
        sys.exit(execute(config))
    try:
        code = execute(config)
    except BottlecalcError as exc:
        traceback.print_exc()  # --debug: the whole story, and still the documented exit code
        click.echo(f"{ctx.command_path}: error: {exc}", err=True)
        code = exc.exit_code
    sys.exit(code)
