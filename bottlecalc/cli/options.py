"""Options more than one command takes, defined once so names and defaults cannot drift.

Block options come in three forms: ``REQUIRED`` (compare, diagram, handout), ``OPTIONAL``
(check, where they apply with ``--block``) and ``SERIES`` (sweep, where ``--in``, ``--mid``
and ``--size`` take lists and ranges). The decorated command receives them as one
:class:`BlockOptions` record, ``block=``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import click

from bottlecalc.analytic import DType
from bottlecalc.cli.main import DEBUG_KEY
from bottlecalc.cli.output import OutputPath
from bottlecalc.presets import PRESETS
from bottlecalc.report.render import Registry, choices
from bottlecalc.spec import BlockConfig, InputShape, StrideOn

F = TypeVar("F", bound=Callable[..., Any])
if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from bottlecalc.timed import TimeOptions
T = TypeVar("T")
Decorator = Callable[[Any], Any]


class Form(Enum):
    REQUIRED = "required"
    COMPARE = "compare"  # as REQUIRED, but --mid may be left out (YOLO blocks need none)
    OPTIONAL = "optional"
    SERIES = "series"


@dataclass(frozen=True)
class BlockOptions(Generic[T]):
    """The block options as typed: ``T`` is int (one value), ``int | None`` or str (series)."""

    in_channels: T
    mid: T
    out_channels: int | None
    expansion: int | None
    stride: int
    stride_on: StrideOn
    groups: int
    bn: bool
    bias: bool
    size: str
    batch: int

    def shape(self) -> InputShape:
        return InputShape.parse(self.size, batch=self.batch)

    def config(self, in_channels: int, mid: int, *, size: str | None = None) -> BlockConfig:
        """The one point these options describe, ``--in`` and ``--mid`` (and, for a sweep,
        ``--size``) given as numbers: every command builds its blocks from it."""
        shape = InputShape.parse(self.size if size is None else size, batch=self.batch)
        return BlockConfig(in_channels, mid, out_channels=self.out_channels,
                           expansion=self.expansion, stride=self.stride, groups=self.groups,
                           stride_on=self.stride_on, bn=self.bn, bias=self.bias, shape=shape)


BLOCK_FIELDS = tuple(f.name for f in fields(BlockOptions))
SERIES = "A value, a list 16,32,64 or a range start:stop:step (inclusive)."
HELP = {
    Form.REQUIRED: ("Input channels of both blocks.",
                    "Bottleneck width (the 3x3 conv's channels).", "must divide --mid"),
    Form.COMPARE: ("Input channels of every block.",
                   "Bottleneck width (the 3x3 conv's channels); with --blocks  [default: --in / 4]",
                   "must divide --mid"),
    Form.OPTIONAL: ("Block input channels (with --block).",
                    "Bottleneck width  [default for basic: --in]", "must divide --mid"),
    Form.SERIES: (f"Input channels. {SERIES}", f"Bottleneck width. {SERIES}",
                  "must divide every --mid"),
}


def _width_options(form: Form) -> list[Decorator]:
    in_help, mid_help, _ = HELP[form]
    # click 8.3+ takes an explicit default=None as a given value: required options get none.
    kind: dict[str, Any] = {"type": str if form is Form.SERIES else int}
    kind.update({"default": None} if form is Form.OPTIONAL else {"required": True})
    meta = "C|LIST" if form is Form.SERIES else "C"
    mid_kind = {"type": int, "default": None} if form is Form.COMPARE else kind
    return [
        click.option("--in", "in_channels", metavar=meta, help=in_help, **kind),
        click.option("--mid", metavar=meta, help=mid_help, **mid_kind),
        click.option("--out", "out_channels", type=int, default=None, metavar="C",
                     help="Output channels  [default: same as --in]"),
        click.option("--expansion", type=int, default=None, metavar="E",
                     help="Set out = mid x E (an error if it contradicts --out)."),
    ]


def _layout_options(form: Form) -> list[Decorator]:
    return [
        click.option("--stride", type=int, default=1, show_default=True, metavar="1|2",
                     help="Stride of the block (on the 3x3 conv, as torchvision)."),
        click.option("--stride-on", type=choice(StrideOn),
                     default=str(StrideOn.CONV3X3), show_default=True,
                     help="Where the bottleneck strides: 3x3 (torchvision, v1.5) or 1x1 "
                     "(original ResNet)."),
        click.option("--groups", type=int, default=1, show_default=True, metavar="G",
                     help=f"Groups of the bottleneck's 3x3 conv (ResNeXt); {HELP[form][2]}."),
        click.option("--bn/--no-bn", default=True, show_default=True,
                     help="BatchNorm after every conv, as in ResNet."),
        click.option("--bias/--no-bias", default=False, show_default=True, help="Conv biases."),
    ]


def _input_options(form: Form) -> list[Decorator]:
    series = form is Form.SERIES
    return [
        click.option("--size", default="56", show_default=True,
                     metavar="H|HxW|LIST" if series else "H|HxW",
                     help=f"Feature-map size. {SERIES}" if series
                     else "Spatial size of the input feature map."),
        click.option("--batch", type=int, default=1, show_default=True, help="Batch size."),
    ]


def block_options(form: Form) -> Callable[[F], F]:
    """Add the block options in ``form``; the command gets them as ``block=BlockOptions``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            raw = {name: kwargs.pop(name) for name in BLOCK_FIELDS}
            raw["stride_on"] = StrideOn(raw["stride_on"])
            refuse_idle_stride_on(raw["stride"])
            return func(block=BlockOptions(**raw), **kwargs)

        options = [*_width_options(form), *_layout_options(form), *_input_options(form)]
        return apply_options(wrapper, options)  # type: ignore[return-value]

    return decorate


def choice(values: Iterable[object]) -> click.Choice[str]:
    """A choice option; every choice in bottlecalc is case-insensitive (--format JSON)."""
    return click.Choice([str(v) for v in values], case_sensitive=False)


def complete_presets(*extra: str, files: bool = False) -> Callable[..., list[CompletionItem]]:
    """Shell completion of preset names (and ``extra`` words); else file names if ``files``."""

    def complete(ctx: click.Context, param: click.Parameter,
                 incomplete: str) -> list[CompletionItem]:
        # imported only when a shell asks: every other run would pay for it at start-up
        from click.shell_completion import CompletionItem

        words = [w for w in (*PRESETS, *extra) if w.startswith(incomplete.lower())]
        if not words and files:
            return [CompletionItem(incomplete, type="file")]
        return [CompletionItem(word) for word in words]

    return complete


def typed(ctx: click.Context, names: Iterable[str]) -> list[str]:
    """Options the user typed (not defaults), as they are spelled on the command line."""
    given = [n for n in names
             if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE]
    spelled = {p.name: p.opts[0] for p in ctx.command.params if isinstance(p, click.Option)}
    return [spelled[n] for n in given]


def refuse_idle_stride_on(stride: int) -> None:
    """--stride-on says where the stride goes: with --stride 1 there is none to place."""
    if stride == 1 and typed(click.get_current_context(), ["stride_on"]):
        raise click.UsageError("--stride-on applies only with --stride 2: a block with "
                               "stride 1 strides nowhere")


def apply_options(func: F, options: Sequence[Decorator]) -> F:
    """Decorate ``func`` with ``options`` so --help lists them in the order given."""
    for option in reversed(options):
        func = option(func)
    return func


def format_option(registry: Registry[Any], *, default: str | None = "table",
                  help: str = "Output format  [default: {default}, or what -o's "
                  "extension names]") -> Callable[[F], F]:
    """``--format``, its choices taken from the command's renderer registry. The value is
    None when not typed, so ``-o``'s extension can pick it (:func:`output.pick_format`)."""
    return click.option("--format", "fmt", type=choice(choices(registry)), default=None,
                        help=help.format(default=default))


def output_option(func: F) -> F:
    return click.option(
        "-o", "--output", type=OutputPath(), default=None, metavar="FILE",
        help="Write the data to FILE instead of stdout (- is stdout).",
    )(func)


def color_option(func: F) -> F:
    return click.option(
        "--color/--no-color", default=None,
        help="Colour the table  [default: on a terminal, unless NO_COLOR or TERM=dumb; "
        "FORCE_COLOR forces it]",
    )(func)


# A model's example inputs (check and network): shapes, or a callable that makes them.
INPUT_OPTIONS: tuple[Decorator, ...] = (
    click.option("--input", "input_shape", multiple=True, metavar="[NAME=]SHAPE[:DTYPE]",
                 help="An input's shape (zeros), e.g. 1,3,224,224 or 1,16:int64; give one "
                 "per positional input, and NAME=SHAPE for a keyword input "
                 "(attention_mask=1,128:int64)  [default: 1,3,224,224]"),
    click.option("--inputs", default=None, metavar="MODULE:CALLABLE",
                 help="A callable returning the example inputs: a tuple (positional) or a "
                 "dict (keyword) of tensors; pkg.mod:fn or path/file.py:fn."),
)


def fvcore_option(func: F) -> F:
    """``--fvcore/--no-fvcore``; the command gets ``fvcore=`` (None: where it helps)."""
    return click.option(
        "--fvcore/--no-fvcore", default=None,
        help="Also count with fvcore's FlopCountAnalysis, which traces the model for real "
        "on the CPU (--no-fvcore: never; skipped with a note where it cannot trace)  "
        "[default: where it can trace]")(func)


def measure_options(func: F) -> F:
    """--cross-check and --no-measure, for the commands that measure with torch."""
    options = [
        click.option("--cross-check", is_flag=True,
                     help="Also count FLOPs with torch's FlopCounterMode (meta device)."),
        click.option("--no-measure", is_flag=True,
                     help="Analytic counts only: never imports torch."),
    ]
    return apply_options(func, options)


def check_measure_flags(*, cross_check: bool, no_measure: bool,
                        fvcore: bool | None = None) -> None:
    if cross_check and no_measure:
        raise click.UsageError("--cross-check needs measuring; drop --no-measure")
    if fvcore is not None and no_measure:
        flag = "--fvcore" if fvcore else "--no-fvcore"
        raise click.UsageError(f"{flag} applies only when measuring; drop --no-measure")


def _remember_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[DEBUG_KEY] = ctx.meta.get(DEBUG_KEY, False) or value
    return value


def debug_option(func: F) -> F:
    return click.option(
        "--debug", is_flag=True, expose_value=False, is_eager=True, callback=_remember_debug,
        help="Show full tracebacks on errors (the exit code stays the same).",
    )(func)


TIME_FIELDS = ("time", "device", "threads")


def _time_decorators(own_dtype: bool) -> list[Decorator]:
    decorators = [
        click.option("--time", "time", is_flag=True, help="Also time the forward pass for "
                     "real (torch.utils.benchmark) and set it beside the counts and the "
                     "roofline."),
        click.option("--device", type=choice(["cpu", "cuda"]), default=None,
                     help="With --time: where to run  [default: cpu]"),
        click.option("--threads", type=click.IntRange(1, 4096), default=None, metavar="N",
                     help="With --time: CPU threads  [default: torch's, for this machine]"),
    ]
    if own_dtype:
        decorators.append(click.option(
            "--dtype", type=choice(DType), default=None,
            help="With --time: element type of weights and inputs  [default: float32]"))
    return decorators


def time_options(*, own_dtype: bool, layers: bool = False) -> Callable[[F], F]:
    """--time, --device, --threads (and --dtype unless the command has its own); the command
    gets ``timing=``: a :class:`TimeOptions` (timing each layer too with ``layers``), or
    None without --time."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            fields = (*TIME_FIELDS, "dtype") if own_dtype else TIME_FIELDS
            raw = {name: kwargs.pop(name) for name in fields}
            dtype = raw["dtype"] if own_dtype else kwargs["dtype"]
            timing = time_plan(raw, dtype, no_measure=kwargs.get("no_measure"), layers=layers)
            return func(timing=timing, **kwargs)

        return apply_options(wrapper, _time_decorators(own_dtype))  # type: ignore[return-value]

    return decorate


def time_plan(raw: dict[str, Any], dtype: str | None, *, no_measure: bool | None,
              layers: bool) -> TimeOptions | None:
    """The --time options as typed; the others apply only with --time."""
    stray = [f"--{name}" for name, value in raw.items() if name != "time" and value is not None]
    if not raw["time"]:
        if stray:
            raise click.UsageError(f"{', '.join(stray)} applies only with --time")
        return None
    if no_measure:
        raise click.UsageError("--time runs torch; drop --no-measure")
    _fits_the_machine(raw["threads"])
    from bottlecalc.timed import TimeOptions  # only --time builds --time's records

    return TimeOptions(device=raw["device"] or "cpu", dtype=DType(dtype or DType.FLOAT32),
                       threads=raw["threads"], layers=layers)


def _fits_the_machine(threads: int | None) -> None:
    """More threads than CPUs would time their own contention (and then read as a busy
    machine): refused, as docs/cli.md says, rather than silently clamped."""
    cpus = os.cpu_count()
    if threads is not None and cpus is not None and threads > cpus:
        raise click.BadParameter(f"{threads}: this machine has {cpus} CPUs; give at most "
                                 f"{cpus} (more threads only time their contention)",
                                 param_hint="'--threads'")


class Pass(StrEnum):
    """What a count covers (``--pass``): one forward pass, or a training step."""

    FORWARD = "forward"
    TRAIN = "train"


def pass_option(func: F) -> F:
    """``--pass forward|train``; the command gets ``train=`` (a bool)."""
    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        return func(train=Pass(kwargs.pop("pass_")) is Pass.TRAIN, **kwargs)

    option = click.option(
        "--pass", "pass_", type=choice(Pass), default=str(Pass.FORWARD), show_default=True,
        help="train: also count a training step (forward + backward, a gradient for every "
        "trainable parameter, none for the inputs), on the meta device.")
    return option(wrapper)  # type: ignore[return-value]
