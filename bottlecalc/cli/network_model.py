"""``bottlecalc network``'s one config (:class:`NetworkArgs`, presets or a user's model), and
what a model TARGET (``pkg.mod:callable``, ``file.py:callable``) is asked for.

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

from bottlecalc.analytic import DType
from bottlecalc.breakdown import By, Depth, NetworkReport, Sort
from bottlecalc.budget.targets import DEFAULT_INPUT, split_target
from bottlecalc.cli import options
from bottlecalc.cli.output import pick_format, write
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.report.scaling.registry import RENDERERS as SCALING_RENDERERS
from bottlecalc.results import NetworkResult
from bottlecalc.scaling import Asked, parse_lengths
from bottlecalc.spec import InputShape, NetworkSpec, TensorSpec, check_feed, parse_int, parse_tensor
from bottlecalc.timed import TimeOptions

# Options that describe a preset or a custom network: a model has none of them.
CUSTOM_ONLY = ("block", "layers", "width", "groups", "width_per_group", "expansion")
PRESET_ONLY = ("variant", "size", "batch", "num_classes", "cross_check", "no_measure",
               *CUSTOM_ONLY)
MODEL_ONLY = ("input_shape", "inputs", "sort", "top", "by", "collapse")
TARGET = "a model TARGET (pkg.mod:callable or file.py:callable)"
MODEL_DEPTH = "a model TARGET's --depth is a module-tree depth N >= 1 (1: the model's children)"
PRESET_DEPTHS = tuple(str(d) for d in Depth)  # network, stage, block, layer


def is_model(name: str) -> bool:
    """A name with a ':' is a user's model; presets and 'custom' have none."""
    return ":" in name


@dataclass(frozen=True)
class NetworkArgs:
    """What ``bottlecalc network`` was asked for, parsed and checked: presets and custom
    networks (``specs``, fed ``shape``) or one model TARGET (``target``, fed ``feed``, or
    ``inputs`` when a callable makes them), and how the report is to show them."""

    depth: Depth | int  # a preset's depth, or a model's module-tree depth N
    specs: tuple[NetworkSpec, ...] = ()
    shape: InputShape | None = None
    target: str = ""
    feed: tuple[TensorSpec, ...] = ()  # --input, else the default image
    inputs: str | None = None  # --inputs pkg.mod:callable
    dtype: DType = DType.FLOAT32
    conventions: bool = False
    train: bool = False  # --pass train: a training step's FLOPs too
    measure: bool = True
    cross_check: bool = False
    timing: TimeOptions | None = None  # --time: how to time them
    fvcore: bool = True  # --no-fvcore: never trace them with fvcore
    by: By = By.MODULE  # --by kind: a row per module class
    sort: Sort = Sort.MACS
    top: int | None = None
    collapse: bool = True  # --no-collapse: identical siblings a row each


def refuse(stray: list[str], where: str) -> None:
    """A usage error naming the options typed (if any) that do not apply: they apply
    ``where``."""
    if stray:
        verb = "applies" if len(stray) == 1 else "apply"
        raise click.UsageError(f"{', '.join(stray)} {verb} {where}")


def model_args(ctx: click.Context, names: tuple[str, ...], *, depth: str | None,
               input_shape: tuple[str, ...], inputs: str | None, sort: str | None,
               top: int | None, timing: TimeOptions | None, by: str,
               collapse: bool) -> NetworkArgs:
    """The model's own options, or a usage error naming the one that does not apply."""
    if len(names) > 1:
        shown = ", ".join(repr(name) for name in names)
        raise click.UsageError(f"network takes one model TARGET on its own (no presets or "
                               f"other models beside it), got {shown}")
    refuse(options.typed(ctx, PRESET_ONLY), f"to presets and custom only, not to {TARGET}")
    if timing is None and options.typed(ctx, ["dtype"]):
        raise click.UsageError("--dtype applies only with --time")  # a model's bytes: as built
    refuse_idle_by_kind(ctx, by)
    split_target(names[0])
    return NetworkArgs(model_depth(depth), target=names[0], feed=feed_of(input_shape, inputs),
                       inputs=_inputs(inputs), timing=timing, by=By(by.lower()),
                       sort=Sort(sort or Sort.MACS), top=top, collapse=collapse)


def refuse_idle_by_kind(ctx: click.Context, by: str) -> None:
    """``--by kind`` gathers every depth into a row per class: --depth and --collapse, which
    choose and merge rows of the module tree, would change nothing."""
    if by.lower() == By.KIND:
        refuse(options.typed(ctx, ["depth", "collapse"]),
               "to --by module only: --by kind has a row per module class, from every depth")


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
    refuse(options.typed(ctx, MODEL_ONLY), f"only to {TARGET}, not to presets or custom")
    text = (depth or str(Depth.STAGE)).strip().lower()
    if text not in PRESET_DEPTHS:
        accepted = ", ".join(PRESET_DEPTHS)
        raise click.UsageError(f"--depth for presets and custom is one of {accepted}, got "
                               f"{depth!r} (a depth N is for {TARGET})")
    return Depth(text)


def network_report(args: NetworkArgs) -> NetworkReport:
    """The presets or the model counted by every route asked (and timed, with --time), as
    the one report every format renders; torch is imported only now."""
    from bottlecalc.api import count_model, count_specs

    results: tuple[NetworkResult, ...] = ()
    model, machine = None, None
    if args.target:
        model = count_model(args.target, feed=args.feed, inputs=args.inputs, base=Path.cwd(),
                            train=args.train, timing=args.timing, depth=int(args.depth),
                            fvcore=args.fvcore)
        machine = None if model.timed is None else model.timed.machine
    elif args.shape is not None:
        results, machine = count_specs(args.specs, args.shape, measure=args.measure,
                                       cross_check=args.cross_check, timing=args.timing,
                                       train=args.train, fvcore=args.fvcore)
    return NetworkReport(results, model, depth=args.depth, dtype=args.dtype,
                         conventions=args.conventions, measured=args.measure,
                         cross_checked=args.cross_check, machine=machine, train=args.train,
                         by=args.by, sort=args.sort, top=args.top, collapse=args.collapse)


def verdict(report: NetworkReport) -> None:
    """Exit 3 when the routes disagree, or when a model ran ops that no formula counts."""
    if report.model is None:
        if not report.all_agree:
            raise MeasureError("the counting routes disagree (marked ✗)")
        return
    if report.model.measured.unexplained:
        raise MeasureError("the counting routes disagree (see the warnings)")
    if report.model.measured.unknown_ops:
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


def sequence_args(ctx: click.Context, names: tuple[str, ...]) -> Asked | None:
    """What --seq/--phase ask, or None; usage errors for the rest."""
    values = {key: ctx.params[key] for key in SEQUENCE}
    given = options.typed(ctx, [k for k in SEQUENCE if values[k] is not None])
    if not given:
        return None
    if not any(is_model(name) for name in names):
        refuse(given, f"only to {TARGET}")
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
    refuse(stray, "to a single count, not to --seq or --phase")
    if not options.typed(ctx, ["input_shape", "inputs"]):
        # The default input is an image; resized at a sequence dimension it is no token list.
        raise click.UsageError("--seq and --phase resize the model's inputs: give them, e.g. "
                               "--input 1,128:int64 (token ids) or --inputs MODULE:CALLABLE")


def run_sequence(args: NetworkArgs, asked: Asked, *, fmt: str | None, output: Path | None,
                 color: bool | None) -> None:
    """Count the model on meta as ``asked`` and write the report."""
    from bottlecalc.measure.sequence import count_target, on_meta
    from bottlecalc.measure.user import model_subject

    chosen = pick_format(SCALING_RENDERERS, fmt, output, color=color)
    subject = model_subject(args.target, feed=args.feed, inputs=args.inputs, base=Path.cwd())
    report = count_target(on_meta(subject.make, subject.inputs, subject.name), asked)
    write(SCALING_RENDERERS, chosen, report, output, color=color)
