"""``bottlecalc network TARGET`` for a user's model (``pkg.mod:callable``, ``file.py:callable``).

Which options apply to a model and which to presets, checked before anything is imported:
an option that would change nothing for the target given is refused (exit 2), as is a model
shown beside presets or beside another model. ``--time`` (with ``--device``, ``--threads``
and ``--dtype``) times the model and each row at ``--depth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from bottlecalc.breakdown import By, Depth, NetworkReport, Sort
from bottlecalc.budget.targets import DEFAULT_INPUT, split_target
from bottlecalc.cli import options
from bottlecalc.cli.output import pick_format, write
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.report.network.registry import RENDERERS
from bottlecalc.report.render import Format
from bottlecalc.report.scaling.registry import RENDERERS as SCALING_RENDERERS
from bottlecalc.scaling import Asked, parse_lengths
from bottlecalc.spec import TensorSpec, check_feed, parse_int, parse_tensor
from bottlecalc.timed import TimeOptions

# Options that describe a preset or a custom network: a model has none of them.
PRESET_ONLY = ("variant", "size", "batch", "num_classes", "cross_check", "no_measure",
               "block", "layers", "width", "groups", "width_per_group", "expansion")
MODEL_ONLY = ("input_shape", "inputs", "sort", "top", "by", "collapse")
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
    by: By = By.MODULE  # --by kind: a row per module class
    collapse: bool = True  # --no-collapse: identical siblings a row each
    fvcore: bool = True  # --no-fvcore: never trace it with fvcore


def _verb(stray: list[str]) -> str:
    return "applies" if len(stray) == 1 else "apply"


def model_args(ctx: click.Context, names: tuple[str, ...], *, depth: str | None,
               input_shape: tuple[str, ...], inputs: str | None, sort: str | None,
               top: int | None, timing: TimeOptions | None, by: str = "module",
               collapse: bool = True, fvcore: bool | None = None) -> ModelArgs:
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
    refuse_idle_by_kind(ctx, by)
    split_target(names[0])
    return ModelArgs(names[0], feed_of(input_shape, inputs), _inputs(inputs),
                     depth=model_depth(depth), sort=Sort(sort or Sort.MACS), top=top,
                     timing=timing, by=By(by.lower()), collapse=collapse,
                     fvcore=fvcore is not False)


def refuse_idle_by_kind(ctx: click.Context, by: str) -> None:
    """``--by kind`` gathers every depth into a row per class: --depth and --collapse, which
    choose and merge rows of the module tree, would change nothing."""
    stray = options.typed(ctx, ["depth", "collapse"]) if by.lower() == By.KIND else []
    if stray:
        raise click.UsageError(f"{', '.join(stray)} {_verb(stray)} to --by module only: "
                               "--by kind has a row per module class, from every depth")


def feed_of(input_shape: tuple[str, ...], inputs: str | None) -> tuple[TensorSpec, ...]:
    """--input's shapes (zeros), or none when --inputs makes the inputs."""
    if input_shape and inputs is not None:
        raise click.UsageError("--input (shapes) and --inputs (a callable) both given; "
                               "give one")
    if inputs is not None:
        return ()
    feed = tuple(parse_tensor("--input", text) for text in input_shape)
    return check_feed("--input", feed) or DEFAULT_INPUT


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


@dataclass(frozen=True)
class Shown:
    """How a network report (presets or a model) is shown, and where it goes."""

    conventions: bool
    train: bool  # --pass train: a training step's FLOPs too
    output: Path | None
    color: bool | None
    fmt: Format


def run_model(args: ModelArgs, shown: Shown) -> None:
    """Count the model by every route (and time it, with --time), write the report; exit 3
    if the routes disagree."""
    from bottlecalc.api import count_model  # imports torch: only now

    result = count_model(args.target, feed=args.feed, inputs=args.inputs, base=Path.cwd(),
                         train=shown.train, timing=args.timing, depth=args.depth,
                         fvcore=args.fvcore)
    report = NetworkReport(model=result, depth=args.depth, sort=args.sort, top=args.top,
                           conventions=shown.conventions, train=shown.train, by=args.by,
                           collapse=args.collapse,
                           machine=None if result.timed is None else result.timed.machine)
    write(RENDERERS, shown.fmt, report, shown.output, color=shown.color)
    if result.measured.unexplained:
        raise MeasureError("the counting routes disagree (see the warnings)")
    if result.measured.unknown_ops:
        raise MeasureError("the MAC count is incomplete: ops ran that no formula counts "
                           "(see the warnings)")


# --- Sequence models (issue 18): --seq, --seq-dim, --phase, --context ----------------------
SEQUENCE = ("seq", "seq_dim", "phase", "context")
NOT_WITH_SEQUENCE = ("depth", "sort", "top", "conventions", "time", "pass_", "by", "collapse")
PHASES = ("prefill", "decode")


def sequence_options(func: Any) -> Any:
    """``network TARGET --seq/--seq-dim/--phase/--context`` (docs/sequence-models.md)."""
    decorators = [
        click.option("--seq", default=None, metavar="T,T,...",
                     help="A model TARGET: count at these sequence lengths on meta, with "
                     "the exact polynomial MACs(T) = a + b*T + c*T^2."),
        click.option("--seq-dim", type=click.IntRange(min=0), default=None, metavar="N",
                     help="The inputs' sequence dimension  [default: 1 of inputs named "
                     "input_ids, attention_mask, inputs_embeds...]"),
        click.option("--phase", type=options.choice(PHASES), default=None,
                     help="A model TARGET: the prefill of --context tokens, or one decoding "
                     "step against the KV cache it built (with the cache's bytes)."),
        click.option("--context", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Tokens in the context (the cache) for --phase."),
    ]
    return options.apply_options(func, decorators)


def sequence_args(ctx: click.Context, names: tuple[str, ...],
                  given_values: dict[str, Any]) -> Asked | None:
    """What --seq/--phase ask, or None; usage errors for the rest."""
    values = {key: given_values.get(key) for key in SEQUENCE}
    given = options.typed(ctx, [k for k in SEQUENCE if values[k] is not None])
    if not given:
        return None
    if not any(is_model(name) for name in names):
        raise click.UsageError(f"{', '.join(given)} {_verb(given)} only to {TARGET}")
    _refuse_mixed(ctx, values)
    lengths = parse_lengths(values["seq"]) if values["seq"] is not None else ()
    return Asked(lengths, values["phase"], values["context"], values["seq_dim"])


def _refuse_mixed(ctx: click.Context, values: dict[str, Any]) -> None:
    if (values["phase"] is None) != (values["context"] is None):
        raise click.UsageError("--phase and --context go together: --phase decode --context N")
    if values["seq"] is None and values["phase"] is None:
        raise click.UsageError("--seq-dim applies with --seq or --phase")
    if values["seq"] is not None and values["phase"] == "prefill":
        raise click.UsageError("--phase prefill counts one length (--context); with --seq, "
                               "give that length in --seq")
    stray = options.typed(ctx, [n for n in NOT_WITH_SEQUENCE
                                if n in {p.name for p in ctx.command.params}])
    if ctx.params.get("fvcore"):  # --no-fvcore is true of --seq anyway: fvcore never runs
        stray.append("--fvcore")
    if stray:
        raise click.UsageError(f"{', '.join(stray)} {_verb(stray)} to a single count, not "
                               "to --seq or --phase")
    if not options.typed(ctx, ["input_shape", "inputs"]):
        # The default input is an image; resized at a sequence dimension it is no token list.
        raise click.UsageError("--seq and --phase resize the model's inputs: give them, e.g. "
                               "--input 1,128:int64 (token ids) or --inputs MODULE:CALLABLE")


def run_sequence(args: ModelArgs, asked: Asked, *, fmt: str | None, output: Path | None,
                 color: bool | None) -> None:
    """Count the model on meta as ``asked`` and write the report."""
    from bottlecalc.measure.sequence import count_target, on_meta
    from bottlecalc.measure.user import model_subject

    chosen = pick_format(SCALING_RENDERERS, fmt, output, color=color)
    subject = model_subject(args.target, feed=args.feed, inputs=args.inputs, base=Path.cwd())
    report = count_target(on_meta(subject.make, subject.inputs, subject.name), asked)
    write(SCALING_RENDERERS, chosen, report, output, color=color)
