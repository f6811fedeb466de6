"""``bottlecalc network TARGET`` for a user's model (``pkg.mod:callable``, ``file.py:callable``).

Which options apply to a model and which to presets, checked before anything is imported:
an option that would change nothing for the target given is refused (exit 2), as is a model
shown beside presets or beside another model. ``--time`` (with ``--device``, ``--threads``
and ``--dtype``) times the model and each row at ``--depth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from bottlecalc.breakdown import ModelReport, Sort
from bottlecalc.budget.targets import DEFAULT_INPUT, split_target
from bottlecalc.cli import options
from bottlecalc.cli.output import write
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.report.network.registry import MODEL_RENDERERS
from bottlecalc.report.render import Format
from bottlecalc.results import Depth, TimeOptions
from bottlecalc.spec import TensorSpec, parse_int, parse_tensor

# Options that describe a preset or a custom network: a model has none of them.
PRESET_ONLY = ("variant", "size", "batch", "num_classes", "cross_check", "no_measure",
               "block", "layers", "width", "groups", "width_per_group", "expansion")
MODEL_ONLY = ("input_shape", "inputs", "sort", "top")
TARGET = "a model TARGET (pkg.mod:callable or file.py:callable)"
MODEL_DEPTH = "a model TARGET's --depth is a module-tree depth N >= 1 (1: the model's children)"
PRESET_DEPTHS = tuple(str(d) for d in Depth)  # network, stage, block, layer


def is_model(name: str) -> bool:
    """A name with a ':' is a user's model; presets and 'custom' have none."""
    return ":" in name


@dataclass(frozen=True)
class ModelArgs:
    """What ``network TARGET`` was asked for, parsed and checked."""

    target: str
    feed: tuple[TensorSpec, ...]  # --input, else the default image
    inputs: str | None  # --inputs pkg.mod:callable
    depth: int = 1
    sort: Sort = Sort.MACS
    top: int | None = None
    timing: TimeOptions | None = None  # --time: how to time it


def _verb(stray: list[str]) -> str:
    return "applies" if len(stray) == 1 else "apply"


def model_args(ctx: click.Context, names: tuple[str, ...], *, depth: str | None,
               input_shape: tuple[str, ...], inputs: str | None, sort: str | None,
               top: int | None, timing: TimeOptions | None) -> ModelArgs:
    """The model's options, or a usage error naming the one that does not apply."""
    if len(names) > 1:
        shown = ", ".join(repr(name) for name in names)
        raise click.UsageError(f"network takes one model TARGET on its own (no presets or "
                               f"other models beside it), got {shown}")
    stray = options.typed(ctx, PRESET_ONLY)
    if stray:
        raise click.UsageError(f"{', '.join(stray)} {_verb(stray)} to presets and custom "
                               f"only, not to {TARGET}")
    if timing is None and options.typed(ctx, ["dtype"]):
        raise click.UsageError("--dtype applies only with --time")  # a model's bytes: as built
    split_target(names[0])
    return ModelArgs(names[0], feed_of(input_shape, inputs), _inputs(inputs),
                     depth=model_depth(depth), sort=Sort(sort or Sort.MACS), top=top,
                     timing=timing)


def feed_of(input_shape: tuple[str, ...], inputs: str | None) -> tuple[TensorSpec, ...]:
    """--input's shapes (zeros), or none when --inputs makes the inputs."""
    if input_shape and inputs is not None:
        raise click.UsageError("--input (shapes) and --inputs (a callable) both given; "
                               "give one")
    if inputs is not None:
        return ()
    return tuple(parse_tensor("--input", text) for text in input_shape) or DEFAULT_INPUT


def _inputs(inputs: str | None) -> str | None:
    if inputs is not None:
        try:
            split_target(inputs)
        except SpecError as exc:
            raise SpecError(f"--inputs: {exc}") from None
    return inputs


def model_depth(depth: str | None) -> int:
    """--depth N for a model: module-tree depth, 1 the model's children."""
    if depth is None:
        return 1
    if depth.strip().lower() in PRESET_DEPTHS:
        raise click.UsageError(f"--depth {depth} is for presets and custom; {MODEL_DEPTH}")
    try:
        return parse_int("--depth", depth)
    except SpecError as exc:
        raise click.UsageError(f"{exc}; {MODEL_DEPTH}") from None


def preset_depth(ctx: click.Context, depth: str | None) -> Depth:
    """--depth for presets (stage unless typed); the model-only options are refused."""
    stray = options.typed(ctx, MODEL_ONLY)
    if stray:
        raise click.UsageError(f"{', '.join(stray)} {_verb(stray)} only to {TARGET}, not "
                               "to presets or custom")
    text = (depth or str(Depth.STAGE)).strip().lower()
    if text not in PRESET_DEPTHS:
        accepted = ", ".join(PRESET_DEPTHS)
        raise click.UsageError(f"--depth for presets and custom is one of {accepted}, got "
                               f"{depth!r} (a depth N is for {TARGET})")
    return Depth(text)


def run_model(args: ModelArgs, *, conventions: bool, train: bool, fmt: Format,
              output: Path | None, color: bool | None) -> None:
    """Count the model by every route (and time it, with --time), write the report; exit 3
    if the routes disagree."""
    from bottlecalc.api import count_model  # imports torch: only now

    result = count_model(args.target, feed=args.feed, inputs=args.inputs, base=Path.cwd(),
                         train=train, timing=args.timing, depth=args.depth)
    report = ModelReport(result, depth=args.depth, sort=args.sort, top=args.top,
                         conventions=conventions, train=train)
    write(MODEL_RENDERERS, fmt, report, output, color=color)
    if result.measured.unexplained:
        raise MeasureError("the counting routes disagree (see the warnings)")
    if result.measured.unknown_ops:
        raise MeasureError("the MAC count is incomplete: ops ran that no formula counts "
                           "(see the warnings)")
