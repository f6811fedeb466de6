"""``bottlecalc network``: whole ResNets (presets or a custom stage list), every convention;
or a user's own model (``pkg.mod:callable``), module by module (:mod:`.network_model`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from bottlecalc.analytic import DType
from bottlecalc.breakdown import Sort
from bottlecalc.cli import network_model, options
from bottlecalc.cli.output import pick_format, write
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.presets import PRESETS, get_preset
from bottlecalc.report.network.registry import MODEL_RENDERERS, RENDERERS
from bottlecalc.report.render import Format
from bottlecalc.results import Depth, NetworkReport, TimeOptions
from bottlecalc.spec import BlockKind, InputShape, NetworkSpec, StrideOn, parse_int

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


def custom_spec(custom: dict[str, Any], *, stride_on: StrideOn, num_classes: int) -> NetworkSpec:
    """The ``custom`` network: --width 64, --groups 1, --width-per-group 64 unless given."""
    if custom["block"] is None or custom["layers"] is None:
        raise click.UsageError(
            "network custom needs --block basic|bottleneck and --layers, e.g. --layers 3,4,6,3"
        )
    return NetworkSpec(
        name=CUSTOM, block=BlockKind(custom["block"]), layers=parse_layers(custom["layers"]),
        width=_or(custom["width"], 64), groups=_or(custom["groups"], 1),
        width_per_group=_or(custom["width_per_group"], 64), expansion=custom["expansion"],
        num_classes=num_classes, stride_on=stride_on,
    )


def _or(value: int | None, default: int) -> int:
    """The value typed, else the default (0 is typed, and refused by the spec)."""
    return default if value is None else value


def build_specs(names: tuple[str, ...], *, variant: str, num_classes: int,
                custom: dict[str, Any]) -> tuple[NetworkSpec, ...]:
    stride_on = VARIANTS[variant]
    keys = [name.strip().lower() for name in names]
    given = [f"--{key.replace('_', '-')}" for key, value in custom.items() if value is not None]
    if CUSTOM not in keys and given:
        raise click.UsageError(f"{given[0]} applies to 'network custom' only")
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
        options.fvcore_option,
    ]
    return options.apply_options(func, decorators)


@click.command(epilog=EXAMPLES)
@click.argument("names", nargs=-1, required=True, metavar="NAME [NAME...]",
                shell_complete=options.complete_presets(CUSTOM, files=True))
@network_options
@model_options
@custom_options
@options.measure_options
@options.time_options(own_dtype=False)
@options.pass_option
@options.format_option({**RENDERERS, **MODEL_RENDERERS})  # the same formats for both
@options.output_option
@options.color_option
@options.debug_option
def network(*, names: tuple[str, ...], depth: str | None, conventions: bool, train: bool,
            fmt: str | None, output: Path | None, color: bool | None,
            input_shape: tuple[str, ...], inputs: str | None, sort: str | None,
            top: int | None, fvcore: bool | None, **rest: Any) -> None:
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
    if any(network_model.is_model(name) for name in names):
        args = network_model.model_args(ctx, names, depth=depth, input_shape=input_shape,
                                        inputs=inputs, sort=sort, top=top,
                                        timing=rest["timing"], fvcore=fvcore)
        chosen = pick_format(MODEL_RENDERERS, fmt, output, color=color)
        network_model.run_model(args, conventions=conventions, train=train, fmt=chosen,
                                output=output, color=color)
        return
    shown = Shown(network_model.preset_depth(ctx, depth), conventions, train)
    presets(names, shown, pick_format(RENDERERS, fmt, output, color=color), output,
            color=color, fvcore=fvcore, **rest)


@dataclass(frozen=True)
class Shown:
    """What the presets' report shows, whatever the networks."""

    depth: Depth
    conventions: bool
    train: bool


def presets(names: tuple[str, ...], shown: Shown, chosen: Format, output: Path | None, *,
            color: bool | None, variant: str, size: str, batch: int, num_classes: int,
            dtype: str, cross_check: bool, no_measure: bool, timing: TimeOptions | None,
            fvcore: bool | None = None, **custom: Any) -> None:
    """Presets and custom networks, side by side; exit 3 if the routes disagree."""
    options.check_measure_flags(cross_check=cross_check, no_measure=no_measure, fvcore=fvcore)
    specs = build_specs(names, variant=variant, num_classes=num_classes, custom=custom)
    shape = InputShape.parse(size, batch=batch)
    from bottlecalc.api import count_networks

    if timing is not None:
        timing = replace(timing, layers=shown.depth is Depth.LAYER)
    results, machine = count_networks(specs, shape, measure=not no_measure,
                                      cross_check=cross_check, timing=timing, train=shown.train,
                                      fvcore=fvcore is not False)
    report = NetworkReport(results=results, depth=shown.depth, dtype=DType(dtype),
                           conventions=shown.conventions, measured=not no_measure,
                           cross_checked=cross_check, machine=machine, train=shown.train)
    write(RENDERERS, chosen, report, output, color=color)
    if not report.all_agree:
        raise MeasureError("the counting routes disagree (marked ✗)")
