"""``bottlecalc network``: whole ResNets (presets or a custom stage list), every convention;
or a user's own model (``pkg.mod:callable``), module by module. One flow for both: parse the
options into one :class:`~.network_model.NetworkArgs`, count, build one report, render it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from bottlecalc.analytic import DType
from bottlecalc.breakdown import By, Depth, Sort
from bottlecalc.cli import network_model, options
from bottlecalc.cli.network_model import NetworkArgs
from bottlecalc.cli.output import pick_format, write
from bottlecalc.errors import SpecError
from bottlecalc.presets import PRESETS, get_preset
from bottlecalc.report.network.registry import RENDERERS
from bottlecalc.spec import BlockKind, InputShape, NetworkSpec, StrideOn, parse_int
from bottlecalc.timed import TimeOptions

CUSTOM = "custom"
VARIANTS = {"v1.5": StrideOn.CONV3X3, "v1": StrideOn.CONV1X1}

EXAMPLES = f"""
\b
Examples:
  bottlecalc network resnet50                     # per-stage table, every route
  bottlecalc network resnet34 resnet50            # side by side: 50 layers, little more cost
  bottlecalc network resnet50 --conventions       # torchvision vs fvcore vs FLOPs vs the paper
  bottlecalc network resnet50 --depth layer --dtype float16   # memory and intensity per layer
  bottlecalc network custom --block bottleneck --layers 3,4,6,3 --groups 32 --width-per-group 4
  bottlecalc network resnet152 --format json -o resnet152.json
  bottlecalc network resnet34 resnet50 --time     # measured time beside the MACs
  bottlecalc network resnet50 --depth layer --time --threads 2   # the roofline, layer by layer
  bottlecalc network mypkg.models:build_net --input 1,3,160,160   # your model, module by module
  bottlecalc network models.py:vit --depth 3 --sort params --top 10
  bottlecalc network models.py:encoder --input 1,16:int64 --conventions --pass train
  bottlecalc network models.py:vit --depth 2 --time --threads 2   # your model, each row timed
  bottlecalc network models.py:gpt --by kind      # attention vs MLP vs embeddings, all layers
  bottlecalc network models.py:gpt2 --input 1,128:int64 --seq 128,512,2048,8192  # MACs(T)
  bottlecalc network models.py:gpt2 --input 1,1:int64 --phase decode --context 4096

\b
NAME is one of: {", ".join(PRESETS)}, or "custom"; or one model TARGET,
package.module:callable or path/to/file.py:callable (relative to this directory).
"""


def parse_layers(text: str) -> tuple[int, ...]:
    """'3,4,6,3' -> (3, 4, 6, 3); anything else names --layers and the value."""
    parts = text.split(",")
    if not text.strip() or not all(part.strip() for part in parts):
        raise SpecError(f"--layers must be comma-separated block counts like 3,4,6,3, "
                        f"got {text!r}")
    return tuple(parse_int("--layers", part, high=1024) for part in parts)


@dataclass(frozen=True)
class Custom:
    """The options that describe a ``custom`` network; None: the user did not type it."""

    block: str | None = None
    layers: str | None = None
    width: int | None = None
    groups: int | None = None
    width_per_group: int | None = None
    expansion: int | None = None


def custom_spec(custom: Custom, *, stride_on: StrideOn, num_classes: int) -> NetworkSpec:
    """The ``custom`` network: --width 64, --groups 1, --width-per-group 64 unless given
    (0 is typed, and refused by the spec)."""
    if custom.block is None or custom.layers is None:
        raise click.UsageError(
            "network custom needs --block basic|bottleneck and --layers, e.g. --layers 3,4,6,3"
        )
    return NetworkSpec(
        name=CUSTOM, block=BlockKind(custom.block), layers=parse_layers(custom.layers),
        width=64 if custom.width is None else custom.width,
        groups=1 if custom.groups is None else custom.groups,
        width_per_group=64 if custom.width_per_group is None else custom.width_per_group,
        expansion=custom.expansion, num_classes=num_classes, stride_on=stride_on,
    )


def build_specs(names: tuple[str, ...], *, variant: str, num_classes: int,
                custom: Custom, typed: list[str]) -> tuple[NetworkSpec, ...]:
    """The networks named; ``typed``: the custom options given, refused without 'custom'."""
    stride_on = VARIANTS[variant]
    keys = [name.strip().lower() for name in names]
    if CUSTOM not in keys and typed:
        raise click.UsageError(f"{typed[0]} applies to 'network custom' only")
    return tuple(
        custom_spec(custom, stride_on=stride_on, num_classes=num_classes) if key == CUSTOM
        else get_preset(key, variant=stride_on, num_classes=num_classes)
        for key in keys
    )


def custom_options(func: Any) -> Any:
    """Options that describe a ``custom`` network; None means the user did not type it."""
    decorators = [
        click.option("--block", type=options.choice(BlockKind), default=None,
                     help="custom: residual block kind."),
        click.option("--layers", default=None, metavar="N,N,...",
                     help="custom: blocks per stage, e.g. 3,4,6,3 (ResNet-50)."),
        click.option("--width", type=int, default=None, metavar="C",
                     help="custom: stem and first-stage width (doubles per stage)  "
                     "[default: 64]"),
        click.option("--groups", type=int, default=None, metavar="G",
                     help="custom: groups of each bottleneck's 3x3 (ResNeXt)  [default: 1]"),
        click.option("--width-per-group", type=int, default=None, metavar="W",
                     help="custom: torchvision's width_per_group; the 3x3 width is "
                     "planes x W / 64 x G  [default: 64]"),
        click.option("--expansion", type=int, default=None, metavar="E",
                     help="custom: output = planes x E  [default: 1 basic, 4 bottleneck]"),
    ]
    return options.apply_options(func, decorators)


def network_options(func: Any) -> Any:
    """How the networks are fed and shown: variant, size, batch, classes, depth, dtype."""
    decorators = [
        click.option("--variant", type=options.choice(VARIANTS), default="v1.5",
                     show_default=True, help="v1.5: stride on the 3x3 (torchvision); v1: on "
                     "the first 1x1 (the paper)."),
        click.option("--size", default="224", show_default=True, metavar="H|HxW",
                     help="Input image size."),
        click.option("--batch", type=int, default=1, show_default=True, help="Batch size."),
        click.option("--num-classes", type=int, default=1000, show_default=True,
                     help="Outputs of the final fc layer."),
        click.option("--depth", default=None, metavar="network|stage|block|layer|N",
                     help="Breakdown rows: none, stages, blocks or every layer  [default: "
                     "stage]; for a model TARGET the module-tree depth N, 1 being the "
                     "model's children  [default: 1]"),
        click.option("--dtype", type=options.choice(DType), default="float32",
                     show_default=True, help="Element type for weight/activation bytes "
                     "(and with --time the one timed in; a model TARGET: with --time only)."),
        click.option("--conventions", is_flag=True, help="Show the count as torchvision, "
                     "fvcore, FlopCounterMode and the paper (a model: the module formulas) "
                     "do."),
    ]
    return options.apply_options(func, decorators)


def model_options(func: Any) -> Any:
    """How a model TARGET is fed and its modules listed."""
    decorators = [
        *options.INPUT_OPTIONS,
        click.option("--sort", type=options.choice(Sort), default=None,
                     help="A model's rows by MACs, parameters (most first) or module name  "
                     "[default: macs]"),
        click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
                     help="A model's first N rows; the rest are summed in one row."),
        click.option("--by", type=options.choice(By), default="module", show_default=True,
                     help="A model's rows: a module of the tree each, or a module class each "
                     "(kind: attention, MLP, norm... across the model, with instance "
                     "counts)."),
        click.option("--collapse/--no-collapse", default=True, show_default=True,
                     help="A model's identical numbered siblings in one row "
                     "('layers.0-31 (x32)'), or a row each."),
        options.fvcore_option,
    ]
    return options.apply_options(func, decorators)


@click.command(epilog=EXAMPLES)
@click.argument("names", nargs=-1, required=True, metavar="NAME [NAME...]",
                shell_complete=options.complete_presets(CUSTOM, files=True))
@network_options
@model_options
@network_model.sequence_options
@custom_options
@options.measure_options
@options.time_options(own_dtype=False)
@options.pass_option
@options.format_option(RENDERERS)
@options.output_option
@options.color_option
@options.debug_option
def network(*, names: tuple[str, ...], variant: str, size: str, batch: int, num_classes: int,
            depth: str | None, dtype: str, conventions: bool, input_shape: tuple[str, ...],
            inputs: str | None, sort: str | None, top: int | None, by: str, collapse: bool,
            fvcore: bool | None,
            seq: str | None, seq_dim: int | None, phase: str | None, context: int | None,
            block: str | None, layers: str | None, width: int | None, groups: int | None,
            width_per_group: int | None, expansion: int | None, cross_check: bool,
            no_measure: bool, timing: TimeOptions | None, train: bool, fmt: str | None,
            output: Path | None, color: bool | None) -> None:
    """Count whole ResNets (torchvision's presets or your own stage list), or your model.

    Parameters analytically and instantiated (meta device); MACs analytically and with
    fvcore; with --cross-check FLOPs with FlopCounterMode. Several NAMEs are shown side
    by side; 'custom' takes --block/--layers/--width/--groups/--width-per-group/--expansion.
    --time also times each network (and with --depth layer each layer) in --dtype.

    A NAME with a ':' is your model, package.module:callable or path/to/file.py:callable
    (the callable takes no arguments and returns an nn.Module), fed --input or --inputs:
    a row per module at --depth N with parameters, complete MACs, FLOPs, fvcore's count
    and each row's share; the rows and "(other)" sum to the totals. --time also times the
    model and each row's module in --dtype.
    """
    ctx = click.get_current_context()
    asked = network_model.sequence_args(ctx, names)
    if any(network_model.is_model(name) for name in names):
        args = network_model.model_args(
            ctx, names, depth=depth, input_shape=input_shape, inputs=inputs, sort=sort,
            top=top, timing=timing, by=by, collapse=collapse)
    else:
        args = preset_args(ctx, names, depth=depth, dtype=dtype, variant=variant, size=size,
                           batch=batch, num_classes=num_classes, cross_check=cross_check,
                           no_measure=no_measure, timing=timing, fvcore=fvcore,
                           custom=Custom(block, layers, width, groups, width_per_group,
                                         expansion))
    # The options both subjects take, set once:
    args = replace(args, conventions=conventions, train=train, fvcore=fvcore is not False)
    if asked is not None:
        network_model.run_sequence(args, asked, fmt=fmt, output=output, color=color)
        return
    chosen = pick_format(RENDERERS, fmt, output, color=color)
    report = network_model.network_report(args)
    write(RENDERERS, chosen, report, output, color=color)
    network_model.verdict(report)


def preset_args(ctx: click.Context, names: tuple[str, ...], *, depth: str | None, dtype: str,
                variant: str, size: str, batch: int, num_classes: int, cross_check: bool,
                no_measure: bool, timing: TimeOptions | None, fvcore: bool | None,
                custom: Custom) -> NetworkArgs:
    """The own options of presets and custom networks, or a usage error naming the one that
    does not apply."""
    shown = network_model.preset_depth(ctx, depth)
    options.check_measure_flags(cross_check=cross_check, no_measure=no_measure, fvcore=fvcore)
    specs = build_specs(names, variant=variant, num_classes=num_classes, custom=custom,
                        typed=options.typed(ctx, network_model.CUSTOM_ONLY))
    if timing is not None:  # --depth layer: each layer is timed too
        timing = replace(timing, layers=shown is Depth.LAYER)
    return NetworkArgs(shown, specs, InputShape.parse(size, batch=batch), dtype=DType(dtype),
                       measure=not no_measure, cross_check=cross_check, timing=timing)
