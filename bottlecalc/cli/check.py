"""``bottlecalc check``: fail a CI job when a preset, block or user's model outgrows its budget."""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import click

from bottlecalc.budget.baseline import Baseline, load_baseline
from bottlecalc.budget.files import load_budgets
from bottlecalc.budget.model import Budget, CheckReport, Metric, make_limits
from bottlecalc.budget.numbers import parse_tolerance
from bottlecalc.budget.targets import Kind, Target, is_file_path, resolve, split_target
from bottlecalc.budget.text import one_line
from bottlecalc.cli import options
from bottlecalc.cli.main import debug_enabled
from bottlecalc.cli.output import ReadPath, pick_format, refuse_inputs, write
from bottlecalc.errors import SpecError
from bottlecalc.report.check.registry import RENDERERS
from bottlecalc.report.check.words import error_text, summary
from bottlecalc.report.render import Format
from bottlecalc.spec import BlockKind, BlockSpec, TensorSpec, parse_tensor, resolve_out

EXAMPLES = """
\b
Examples:
  bottlecalc check resnet50 --max-params 25.6M --max-macs 4.2G
  bottlecalc check mypkg.models:build_net --max-params 5M --max-flops 1.2G --input 1,3,160,160
  bottlecalc check models.py:encoder --max-macs 1.2M --input 1,16:int64 --input 1,16:int64
  bottlecalc check models.py:detector --max-macs 9G --inputs models.py:example_batch
  bottlecalc check models/net.py:make_model --max-macs 600M --format github
  bottlecalc check --block bottleneck --in 256 --mid 64 --max-params 70.4k --max-macs 221M
  bottlecalc check                       # every [tool.bottlecalc.budgets.*] in ./pyproject.toml
  bottlecalc check --config budgets.toml --format junit -o budgets.xml
  bottlecalc check --format json -o main.json    # on main: the baseline
  bottlecalc check --baseline main.json --format markdown -o comment.md   # on a PR
  bottlecalc check resnet50 --max-train-flops 13G --pass train   # a training step's cost

\b
Numbers: 25557032, 25_557_032, 25.6M, 4.1G, 70k, 1e9 (k/K = 10^3, M = 10^6, G = 10^9).
--max-params is held against the parameters torch instantiates, --max-macs against the
complete MAC count (every multiply-add of convolutions, linear layers, matrix products,
attention and recurrent cells; nothing for normalisation or pooling), --max-flops against
FlopCounterMode's count (2 per multiply-add), --max-train-flops against FlopCounterMode's
count of a training step (forward + backward, on meta, frozen parameters without a
weight gradient), --max-decode-macs and --max-kv-bytes against one decoding step and its KV
cache at --context N tokens (a model that returns its cache). fvcore's count is shown beside
them, every difference explained. An exceeded limit names the five modules that carry most
of it; --baseline names the modules whose counts moved.

\b
Exit codes: 0 all within budget, 1 a budget exceeded, 2 usage or configuration error
(an unreadable --baseline too), 3 the model could not be imported, built or traced,
130 interrupted (Ctrl-C).
"""

Job = tuple[Budget, Target]


@dataclass(frozen=True)
class Limits:
    """The limits and input typed on the command line (None: not given), in the order
    a usage error names them."""

    max_params: str | None = None
    max_macs: str | None = None
    max_flops: str | None = None
    max_train_flops: str | None = None
    max_decode_macs: str | None = None
    max_kv_bytes: str | None = None
    context: int | None = None  # --context N: the decoding step's KV-cache tokens
    seq_dim: int | None = None  # --seq-dim N
    tolerance: str | None = None
    input_shape: tuple[str, ...] = ()  # --input, once per positional input
    inputs: str | None = None  # --inputs pkg.mod:callable

    def budget(self, name: str) -> Budget:
        raw = {metric: getattr(self, metric.option.replace("-", "_")) for metric in Metric}
        feed = tuple(parse_tensor("--input", text) for text in self.input_shape) or None
        return Budget(name=name, target=name, limits=make_limits(raw), input=feed,
                      inputs=self.inputs, tolerance=parse_tolerance("--tolerance",
                                                                   self.tolerance or 0),
                      context=self.context, seq_dim=self.seq_dim)


@dataclass(frozen=True)
class CheckConfig:
    jobs: tuple[Job, ...]
    base: Path  # where relative model paths are resolved
    source: str | None  # the budget file, for annotations


def block_job(kind: BlockKind, block: options.BlockOptions[int | None], limits: Limits) -> Job:
    if limits.input_shape or limits.inputs is not None:
        given = "--input" if limits.input_shape else "--inputs"
        raise click.UsageError(f"{given} applies to a TARGET; a --block's input is "
                               "--batch x --in x --size")
    if limits.max_decode_macs is not None or limits.max_kv_bytes is not None:
        raise click.UsageError("--max-decode-macs and --max-kv-bytes apply to a model TARGET "
                               "that returns a KV cache, not to a --block")
    if block.in_channels is None:
        raise click.UsageError("--block needs --in (the block's input channels)")
    if block.mid is None and kind is BlockKind.BOTTLENECK:
        raise click.UsageError("--block bottleneck needs --mid (the bottleneck width)")
    cin = block.in_channels
    mid = cin if block.mid is None else block.mid
    out = resolve_out(cin, mid, block.out_channels, block.expansion)
    spec = BlockSpec(kind, cin, mid, out, stride=block.stride, groups=block.groups,
                     stride_on=block.stride_on, bn=block.bn, bias=block.bias)
    shape = block.shape()
    budget = limits.budget(f"{kind} {cin}-{mid}-{out}/s{spec.stride}")
    dims = TensorSpec((shape.batch, cin, shape.height, shape.width))
    return budget, Target(Kind.BLOCK, (dims,), block=spec)


TARGET_OPTIONS = tuple(f.name for f in fields(Limits))  # they need a TARGET or --block


def file_jobs(config: Path | None) -> CheckConfig:
    """Every budget of the file, resolved before anything is measured."""
    path = config or Path("pyproject.toml")
    if config is None and not path.is_file():
        raise SpecError("no TARGET given and no ./pyproject.toml here; give a TARGET, "
                        "or --config FILE with [tool.bottlecalc.budgets.<name>] tables")
    jobs = tuple((b, _resolve_in_file(path, b)) for b in load_budgets(path))
    return CheckConfig(jobs=jobs, base=path.resolve().parent, source=str(path))


def _resolve_in_file(path: Path, budget: Budget) -> Target:
    try:
        return resolve(budget)
    except SpecError as exc:
        raise SpecError(f"{path}: [tool.bottlecalc.budgets.{budget.name}]: {exc}") from exc


def single_job(ctx: click.Context, target: str | None, kind: BlockKind | None,
               block: options.BlockOptions[int | None], limits: Limits) -> Job:
    if kind is not None:
        if target is not None:
            raise click.UsageError(f"give a TARGET ({target!r}) or --block, not both")
        if kind is BlockKind.BASIC:
            basic_takes_no_bottleneck(ctx, block)
        return block_job(kind, block, limits)
    stray = options.typed(ctx, options.BLOCK_FIELDS)
    if stray:
        raise click.UsageError(f"{', '.join(stray)} apply only with --block")
    assert target is not None  # targetless runs read the budget file
    budget = limits.budget(target)
    return budget, resolve(budget, option="--input")


def basic_takes_no_bottleneck(ctx: click.Context,
                              block: options.BlockOptions[int | None]) -> None:
    """A basic block is two 3x3 convs: bottleneck options would be ignored (--mid still
    sets the output with --expansion, out = mid x E)."""
    names = ("stride_on", "groups", *(("mid",) if block.expansion is None else ()))
    stray = options.typed(ctx, names)
    if stray:
        raise click.UsageError(f"{stray[0]} applies to --block bottleneck only: a basic "
                               "block is two 3x3 convs")


def build_config(ctx: click.Context, target: str | None, kind: BlockKind | None,
                 block: options.BlockOptions[int | None], limits: Limits,
                 config: Path | None) -> CheckConfig:
    """Parse everything (every budget of a file included) before anything is measured."""
    if target is not None or kind is not None:
        if config is not None:
            raise click.UsageError("--config reads budgets from a file; it takes no TARGET")
        job = single_job(ctx, target, kind, block, limits)
        return CheckConfig(jobs=(job,), base=Path.cwd(), source=None)
    stray = options.typed(ctx, TARGET_OPTIONS + options.BLOCK_FIELDS)
    if stray:
        raise click.UsageError(f"{', '.join(stray)} need a TARGET (or --block); without "
                               "one the budgets come from the budget file")
    return file_jobs(config)


def files_read(config: CheckConfig, baseline: Path | None) -> list[tuple[str, Path]]:
    """The files a run reads: the budget file, the baseline, and model and --inputs files."""
    read = [("budget file", Path(config.source))] if config.source is not None else []
    read += [("--baseline file", baseline)] if baseline is not None else []
    for budget, _ in config.jobs:
        for what, named in (("model file", budget.target), ("--inputs file", budget.inputs)):
            where = split_target(named)[0] if named is not None and ":" in named else ""
            if is_file_path(where):
                read.append((what, config.base / where))
    return read


def execute(config: CheckConfig, fmt: Format, output: Path | None, *,
            color: bool | None = None, train: bool = False,
            baseline: Baseline | None = None, fvcore: bool | None = None) -> int:
    from bottlecalc.api import check_budget  # imports torch: only now

    if config.source is not None:
        importable(Path.cwd())
    debug = debug_enabled()
    outcomes = tuple(check_budget(b, t, base=config.base, debug=debug, train=train,
                                  baseline=baseline, fvcore=fvcore) for b, t in config.jobs)
    report = CheckReport(outcomes, source=config.source,
                         baseline=None if baseline is None else baseline.source)
    write(RENDERERS, fmt, report, output, color=color)
    sys.stdout.flush()  # the summary follows the payload on a terminal
    for outcome in outcomes:
        if outcome.error is not None:  # the cause, even when the payload went to a file
            click.echo(f"bottlecalc check: error: {one_line(outcome.budget.name)}: "
                       f"{one_line(error_text(outcome.error))}", err=True)
    click.echo(summary(report), err=True)
    return report.exit_code


def importable(directory: Path) -> None:
    """Let ``package.module:callable`` targets import from ``directory`` (the project): a
    ``--config`` file elsewhere resolves them as ./pyproject.toml's budgets do."""
    entry = str(directory.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


def _limit(name: str, help: str) -> options.Decorator:
    return click.option(name, default=None, metavar="N", help=help)


def limit_options(func: Any) -> Any:
    decorators = [
        _limit("--max-params", "Most parameters allowed."),
        _limit("--max-macs", "Most MACs allowed, held against the complete count (every "
               "multiply-add: conv, linear, matmul, attention, recurrent)."),
        _limit("--max-flops", "Most FLOPs allowed, held against FlopCounterMode's count."),
        _limit("--max-train-flops", "Most FLOPs a training step may take (forward and "
               "backward, a gradient for every trainable parameter), held against "
               "FlopCounterMode on meta."),
        _limit("--max-decode-macs", "Most MACs one decoding step may take (one new token per "
               "sequence, the KV cache holding --context tokens), a model TARGET."),
        _limit("--max-kv-bytes", "Most bytes the KV cache may hold at --context tokens."),
        click.option("--context", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Tokens in the KV cache for --max-decode-macs/--max-kv-bytes."),
        click.option("--seq-dim", type=click.IntRange(min=0), default=None, metavar="N",
                     help="The inputs' sequence dimension  [default: 1 of inputs named "
                     "input_ids, attention_mask, inputs_embeds...]"),
        click.option("--tolerance", default=None, metavar="PCT", help="Let counts exceed a "
                     "limit by this many percent (reported, not failed)."),
        *options.INPUT_OPTIONS,
        options.fvcore_option,
        click.option("--block", "kind", type=options.choice(BlockKind),
                     default=None, help="Check one residual block instead of a TARGET."),
    ]
    return options.apply_options(func, decorators)


@click.command(epilog=EXAMPLES)
@click.argument("target", required=False, shell_complete=options.complete_presets(files=True))
@limit_options
@options.block_options(options.Form.OPTIONAL)
@click.option("--config", type=ReadPath(), default=None,
              metavar="FILE", help="Read budgets from FILE instead of ./pyproject.toml.")
@click.option("--baseline", type=ReadPath(), default=None, metavar="FILE",
              help="An earlier 'check --format json' (or 'network --format json'): show "
              "each budget's totals before and after, and the modules whose counts changed.")
@options.pass_option
@options.format_option(RENDERERS)
@options.output_option
@options.color_option
@options.debug_option
def check(target: str | None, *, kind: str | None, block: options.BlockOptions[int | None],
          config: Path | None, baseline: Path | None, train: bool, fmt: str | None,
          output: Path | None, color: bool | None, fvcore: bool | None,
          **limits: Any) -> int:
    """Check a preset, a block or your own model against parameter/MAC/FLOP budgets.

    TARGET is a preset (resnet50), or your model as package.module:callable or
    path/to/file.py:callable, where the callable takes no arguments and returns an
    nn.Module. Without TARGET, every [tool.bottlecalc.budgets.<name>] table of
    ./pyproject.toml (or --config FILE) is checked in one process.
    """
    chosen = pick_format(RENDERERS, fmt, output, color=color)
    ctx = click.get_current_context()
    block_kind = BlockKind(kind) if kind is not None else None
    plan = build_config(ctx, target, block_kind, block, Limits(**limits), config)
    refuse_inputs(output, files_read(plan, baseline))
    before = None if baseline is None else load_baseline(baseline)  # bad file: exit 2 now
    return execute(plan, chosen, output, color=color, train=train, baseline=before,
                   fvcore=fvcore)
