"""``bottlecalc network``: whole ResNets (presets or a custom stage list), every convention."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from bottlecalc.analytic import DType
from bottlecalc.cli.common import debug_option, emit, format_option, guarded, output_option
from bottlecalc.errors import SpecError
from bottlecalc.presets import PRESETS, get_preset
from bottlecalc.report import Format, renderer
from bottlecalc.report.network import NETWORK_RENDERERS, NetworkView
from bottlecalc.results import Depth
from bottlecalc.spec import BlockKind, InputShape, NetworkSpec, StrideOn, parse_int

CUSTOM = "custom"
VARIANTS = {"v1.5": StrideOn.CONV3X3, "v1": StrideOn.CONV1X1}
CUSTOM_OPTIONS = ("block", "layers", "width", "groups", "width_per_group", "expansion")

EXAMPLES = f"""
\b
Examples:
  bottlecalc network resnet50                     # per-stage table, every route
  bottlecalc network resnet34 resnet50            # side by side: 50 layers, little more cost
  bottlecalc network resnet50 --conventions       # torchvision vs fvcore vs FLOPs vs the paper
  bottlecalc network resnet50 --depth layer --dtype float16   # memory and intensity per layer
  bottlecalc network custom --block bottleneck --layers 3,4,6,3 --groups 32 --width-per-group 4
  bottlecalc network resnet152 --format json -o resnet152.json

\b
NAME is one of: {", ".join(PRESETS)}, or "custom".
"""


@dataclass(frozen=True)
class NetworkConfig:
    specs: tuple[NetworkSpec, ...]
    shape: InputShape
    measure: bool
    cross_check: bool
    fmt: Format
    depth: Depth
    dtype: DType
    conventions: bool
    output: Path | None


def parse_layers(text: str) -> tuple[int, ...]:
    """'3,4,6,3' -> (3, 4, 6, 3); anything else names --layers and the value."""
    parts = text.split(",")
    if not text.strip() or not all(part.strip() for part in parts):
        raise SpecError(f"--layers must be comma-separated block counts like 3,4,6,3, "
                        f"got {text!r}")
    return tuple(parse_int("--layers", part, high=1024) for part in parts)


def custom_spec(*, block: str | None, layers: str | None, width: int, groups: int,
                width_per_group: int, expansion: int | None, stride_on: StrideOn,
                num_classes: int) -> NetworkSpec:
    if block is None or layers is None:
        raise click.UsageError(
            "network custom needs --block basic|bottleneck and --layers, e.g. --layers 3,4,6,3"
        )
    return NetworkSpec(
        name=CUSTOM, block=BlockKind(block), layers=parse_layers(layers), width=width,
        groups=groups, width_per_group=width_per_group, expansion=expansion,
        num_classes=num_classes, stride_on=stride_on,
    )


def build_specs(names: tuple[str, ...], *, variant: str, num_classes: int,
                custom: dict[str, Any]) -> tuple[NetworkSpec, ...]:
    stride_on = VARIANTS[variant]
    keys = [name.strip().lower() for name in names]
    given = [f"--{key.replace('_', '-')}" for key, value in custom.items() if value is not None]
    if CUSTOM not in keys and given:
        raise click.UsageError(f"{given[0]} applies to 'network custom' only")
    specs = []
    for key in keys:
        if key == CUSTOM:
            specs.append(custom_spec(stride_on=stride_on, num_classes=num_classes,
                                     **_custom_defaults(custom)))
        else:
            specs.append(get_preset(key, variant=stride_on, num_classes=num_classes))
    return tuple(specs)


def _custom_defaults(custom: dict[str, Any]) -> dict[str, Any]:
    """--width 64, --groups 1, --width-per-group 64 unless given (None means 'not typed')."""
    defaults = {"width": 64, "groups": 1, "width_per_group": 64}
    return {key: defaults.get(key) if value is None else value for key, value in custom.items()}


def execute(config: NetworkConfig) -> None:
    from bottlecalc.api import network_result

    results = tuple(network_result(spec, config.shape, measure=config.measure,
                                   cross_check=config.cross_check) for spec in config.specs)
    view = NetworkView(results=results, depth=config.depth, dtype=config.dtype,
                       conventions=config.conventions, measured=config.measure,
                       cross_checked=config.cross_check)
    emit(_render(view, config), config.output)
    if not view.all_agree:
        click.echo("bottlecalc: error: the counting routes disagree (marked ✗)", err=True)
        sys.exit(3)


def _render(view: NetworkView, config: NetworkConfig) -> str:
    render = renderer(NETWORK_RENDERERS, config.fmt)
    if config.fmt is not Format.TABLE:
        return render(view)
    color = config.output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size((132, 40)).columns if color else 132
    return render(view, color=color, width=max(width, 100))


def custom_options(func):  # type: ignore[no-untyped-def]
    """Options that describe a ``custom`` network; None means the user did not type it."""
    options = [
        click.option("--block", type=click.Choice([str(k) for k in BlockKind]), default=None,
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
    for option in reversed(options):
        func = option(func)
    return func


@click.command(epilog=EXAMPLES)
@click.argument("names", nargs=-1, required=True, metavar="NAME [NAME...]")
@click.option("--variant", type=click.Choice(list(VARIANTS)), default="v1.5",
              show_default=True,
              help="v1.5: stride on the 3x3 (torchvision); v1: on the first 1x1 (the paper).")
@click.option("--size", default="224", show_default=True, metavar="H|HxW",
              help="Input image size.")
@click.option("--batch", type=int, default=1, show_default=True, help="Batch size.")
@click.option("--num-classes", type=int, default=1000, show_default=True,
              help="Outputs of the final fc layer.")
@click.option("--depth", type=click.Choice([str(d) for d in Depth]), default="stage",
              show_default=True, help="Breakdown rows: none, stages, blocks or every layer.")
@click.option("--dtype", type=click.Choice([str(d) for d in DType]), default="float32",
              show_default=True, help="Element type for weight/activation bytes.")
@click.option("--conventions", is_flag=True,
              help="Show the count as torchvision, fvcore, FlopCounterMode and the paper do.")
@custom_options
@click.option("--cross-check", is_flag=True,
              help="Also count FLOPs with torch's FlopCounterMode (meta device).")
@click.option("--no-measure", is_flag=True, help="Analytic counts only: never imports torch.")
@format_option(list(NETWORK_RENDERERS))
@output_option
@debug_option
@guarded
def network(*, names: tuple[str, ...], variant: str, size: str, batch: int, num_classes: int,
            depth: str, dtype: str, conventions: bool, cross_check: bool, no_measure: bool,
            fmt: str, output: Path | None, debug: bool, **custom: Any) -> None:
    """Count whole ResNets: torchvision's presets or your own stage list.

    Parameters analytically and instantiated (meta device); MACs analytically and with
    fvcore; with --cross-check FLOPs with FlopCounterMode. Several NAMEs are shown side
    by side; 'custom' takes --block/--layers/--width/--groups/--width-per-group/--expansion.
    """
    if cross_check and no_measure:
        raise click.UsageError("--cross-check needs measuring; drop --no-measure")
    config = NetworkConfig(
        specs=build_specs(names, variant=variant, num_classes=num_classes, custom=custom),
        shape=InputShape.parse(size, batch=batch),
        measure=not no_measure, cross_check=cross_check, fmt=Format(fmt.lower()),
        depth=Depth(depth), dtype=DType(dtype), conventions=conventions, output=output,
    )
    execute(config)
