"""Frozen, validated descriptions of what to count. No torch here.

Every validation error is a :class:`SpecError` whose message names the option the user
typed (``--mid``) and the value, so the CLI can print it as one line and exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from math import prod

from bottlecalc.errors import SpecError

# Widths beyond this are not "big", they are typos: 9 * MAX_CHANNELS**2 still fits in
# torch's int64 numel, and every activation at MAX_SIZE stays far below 2**62.
MAX_CHANNELS = 1 << 24
MAX_SIZE = 1 << 16
MAX_BATCH = 1 << 16
# Largest element count any single tensor may have: torch indexes with int64.
MAX_NUMEL = 1 << 62


class BlockKind(StrEnum):
    BASIC = "basic"
    BOTTLENECK = "bottleneck"


class YoloKind(StrEnum):
    """ultralytics' blocks (``ultralytics/nn/modules/block.py`` and ``conv.py``)."""

    CONV = "conv"
    BOTTLENECK = "yolo-bottleneck"
    C3 = "c3"
    CSP = "bottleneckcsp"
    C2F = "c2f"
    C3K = "c3k"
    C3K2 = "c3k2"
    SPPF = "sppf"


@dataclass(frozen=True)
class YoloDefaults:
    """What one YOLO kind takes, with ultralytics' defaults (None: the kind lacks it)."""

    n: int | None = None
    e: float | None = 0.5
    k: tuple[int, ...] | None = None
    shortcut: bool | None = True


YOLO_DEFAULTS = {
    YoloKind.CONV: YoloDefaults(e=None, k=(1,), shortcut=None),
    YoloKind.BOTTLENECK: YoloDefaults(k=(3, 3)),
    YoloKind.C3: YoloDefaults(n=1),
    YoloKind.CSP: YoloDefaults(n=1),
    YoloKind.C2F: YoloDefaults(n=1, shortcut=False),
    YoloKind.C3K: YoloDefaults(n=1, k=(3,)),
    YoloKind.C3K2: YoloDefaults(n=1),
    YoloKind.SPPF: YoloDefaults(n=3, e=None, k=(5,), shortcut=None),
}
_NO_DEFAULTS = YoloDefaults(e=None, shortcut=None)  # ResNet's blocks: none of these apply
MAX_KERNEL = 31
MAX_REPEATS = 1024


class StrideOn(StrEnum):
    """Where a bottleneck puts its stride: torchvision ("ResNet v1.5") or the paper (v1)."""

    CONV3X3 = "3x3"
    CONV1X1 = "1x1"


def check_int(option: str, value: object, *, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int in [low, high] or raise a SpecError naming ``option``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{option} must be an integer, got {value!r}")
    if value < low:
        raise SpecError(f"{option} must be at least {low}, got {value}")
    if high is not None and value > high:
        raise SpecError(f"{option} must be at most {high:,}, got {value:,}")
    return value


def parse_int(option: str, text: str, *, low: int = 1, high: int | None = None) -> int:
    """Parse a decimal integer typed by a user (``1_024`` allowed)."""
    cleaned = text.strip().replace("_", "")
    if not re.fullmatch(r"[+-]?\d+", cleaned):
        raise SpecError(f"{option} must be an integer, got {text!r}")
    return check_int(option, int(cleaned), low=low, high=high)


@dataclass(frozen=True)
class InputShape:
    """Batch and spatial size of the tensor fed to a block or network (NCHW)."""

    height: int = 56
    width: int = 56
    batch: int = 1

    def __post_init__(self) -> None:
        check_int("--size", self.height, high=MAX_SIZE)
        check_int("--size", self.width, high=MAX_SIZE)
        check_int("--batch", self.batch, high=MAX_BATCH)

    @classmethod
    def parse(cls, size: str, *, batch: int = 1) -> InputShape:
        """Parse ``--size`` given as ``H`` or ``HxW`` (``56``, ``56x56``, ``224X160``)."""
        parts = re.split(r"[xX\u00d7]", size.strip())
        if len(parts) not in (1, 2) or not all(part.strip() for part in parts):
            raise SpecError(f"--size must be H or HxW, got {size!r}")
        dims = [parse_int("--size", part, high=MAX_SIZE) for part in parts]
        return cls(height=dims[0], width=dims[-1], batch=batch)


@dataclass(frozen=True)
class ConvStep:
    """One convolution of a block's main path: kernel, output channels, stride, groups."""

    kernel: int
    out_channels: int
    stride: int = 1
    groups: int = 1


@dataclass(frozen=True)
class BlockSpec:
    """One residual block. ``mid`` is the bottleneck width; a basic block ignores it.

    A YOLO kind (:class:`YoloKind`) also reads ``n``, ``e``, ``k``, ``shortcut`` and
    ``c3k`` as ultralytics names them; None (or ``()``) means ultralytics' default for that
    kind, and ``mid`` is then its hidden width (:func:`yolo_block` sets it).
    """

    kind: BlockKind | YoloKind
    in_channels: int
    mid: int
    out_channels: int
    stride: int = 1
    groups: int = 1
    stride_on: StrideOn = StrideOn.CONV3X3
    bn: bool = True
    bias: bool = False
    n: int | None = None
    e: float | None = None
    k: tuple[int, ...] = ()
    shortcut: bool | None = None
    c3k: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.kind, YoloKind):
            check_yolo(self)
            return
        check_int("--in", self.in_channels, high=MAX_CHANNELS)
        check_int("--mid", self.mid, high=MAX_CHANNELS)
        check_int("--out", self.out_channels, high=MAX_CHANNELS)
        _check_stride(self.stride)
        check_int("--groups", self.groups, high=MAX_CHANNELS)
        if self.kind is BlockKind.BOTTLENECK and self.mid % self.groups:
            raise SpecError(f"--groups {self.groups} must divide --mid {self.mid}")
        if self.kind is BlockKind.BASIC and self.groups != 1:
            raise SpecError(f"--groups applies to bottleneck blocks only, got {self.groups}")

    @property
    def needs_projection(self) -> bool:
        """A 1x1 projection shortcut is needed whenever the identity cannot be added.

        YOLO's blocks never project: ultralytics drops the add instead."""
        return not self.is_yolo and (self.in_channels != self.out_channels or self.stride != 1)

    @property
    def is_yolo(self) -> bool:
        return isinstance(self.kind, YoloKind)

    @property
    def _defaults(self) -> YoloDefaults:
        """ultralytics' defaults for a YOLO kind; none at all for ResNet's blocks."""
        return YOLO_DEFAULTS[self.kind] if isinstance(self.kind, YoloKind) else _NO_DEFAULTS

    @property
    def repeats(self) -> int:
        """``n``: inner bottlenecks (C3, C2f ...) or max-pools (SPPF); 0 where none."""
        return self.n if self.n is not None else self._defaults.n or 0

    @property
    def expand(self) -> float:
        """``e``: hidden width = int(out x e), as ultralytics computes it."""
        return self.e if self.e is not None else self._defaults.e or 0.0

    @property
    def kernels(self) -> tuple[int, ...]:
        """``k``: Conv's kernel, Bottleneck's two, C3k's inner one, SPPF's pool."""
        return self.k or self._defaults.k or ()

    @property
    def residual(self) -> bool:
        """``shortcut``: whether inner bottlenecks add their input (when widths allow)."""
        return self.shortcut if self.shortcut is not None else bool(self._defaults.shortcut)

    @property
    def hidden(self) -> int:
        """ultralytics' ``c_``: int(c2 x e), SPPF's c1 // 2, Conv's c2."""
        if self.kind is YoloKind.SPPF:
            return self.in_channels // 2
        if self.kind is YoloKind.CONV:
            return self.out_channels
        return int(self.out_channels * self.expand)

    @property
    def main_path(self) -> tuple[ConvStep, ...]:
        """The main path's convolutions in order: the one place the stride rule is written.

        A basic block strides its first 3x3. A bottleneck strides its 3x3 (torchvision,
        "v1.5") or its first 1x1 (the paper, v1); ``groups`` apply to its 3x3 only.
        """
        s, out = self.stride, self.out_channels
        if self.kind is BlockKind.BASIC:
            return ConvStep(3, out, stride=s), ConvStep(3, out)
        s1, s3 = (s, 1) if self.stride_on is StrideOn.CONV1X1 else (1, s)
        return (ConvStep(1, self.mid, stride=s1),
                ConvStep(3, self.mid, stride=s3, groups=self.groups),
                ConvStep(1, out))


def check_yolo(spec: BlockSpec) -> None:
    """A YOLO block as ultralytics would accept it; errors name the option typed."""
    check_int("--in", spec.in_channels, high=MAX_CHANNELS)
    check_int("--out", spec.out_channels, high=MAX_CHANNELS)
    check_int("--groups", spec.groups, high=MAX_CHANNELS)
    kind = YoloKind(spec.kind)
    idle = [f"--{name}" for name in ("n", "e", "k", "shortcut")  # given, and not this kind's
            if getattr(spec, name) not in (None, ()) and getattr(YOLO_DEFAULTS[kind], name) is None]
    idle += ["--c3k"] if spec.c3k and kind is not YoloKind.C3K2 else []
    if idle:
        raise SpecError(f"{', '.join(idle)} does not apply to {kind}")
    if spec.n is not None:
        check_int("--n", spec.n, high=MAX_REPEATS)
    if spec.e is not None:
        _check_e(spec.e)
    _check_kernels(kind, spec.k)
    _check_stride(spec.stride)
    if spec.stride != 1 and kind is not YoloKind.CONV:
        raise SpecError(f"--stride applies to conv only among YOLO blocks ({kind} keeps the "
                        f"size), got --stride {spec.stride}")
    if not spec.bn or spec.bias:
        raise SpecError(f"{kind}: ultralytics' Conv always has BatchNorm and no conv bias; "
                        "drop --no-bn/--bias")
    _check_hidden(kind, spec)


def _check_hidden(kind: YoloKind, spec: BlockSpec) -> None:
    """Every conv at least one channel wide, or ultralytics' module would not build; a C3k2's
    inner blocks halve its width again (their own e = 0.5)."""
    if kind is YoloKind.SPPF and spec.hidden < 1:
        raise SpecError(f"sppf's hidden width is --in // 2 = {spec.in_channels} // 2 = 0; "
                        "give --in 2 or more")
    if spec.hidden < 1:
        raise SpecError(f"--e {spec.expand} leaves {kind} int({spec.out_channels} x "
                        f"{spec.expand}) = 0 hidden channels")
    if kind is YoloKind.C3K2 and int(spec.hidden * 0.5) < 1:
        raise SpecError(f"--e {spec.expand} leaves c3k2's inner blocks int({spec.hidden} x 0.5)"
                        f" = 0 hidden channels (c3k2's own: int({spec.out_channels} x "
                        f"{spec.expand}) = {spec.hidden})")


def _check_stride(stride: object) -> None:
    if stride not in (1, 2) or isinstance(stride, bool):
        raise SpecError(f"--stride must be 1 or 2, got {stride!r}")


def _check_e(e: float) -> None:
    if isinstance(e, bool) or not isinstance(e, (int, float)) or not 0 < e <= 64:
        raise SpecError(f"--e must be a number in (0, 64], got {e!r}")


def _check_kernels(kind: YoloKind, k: tuple[int, ...]) -> None:
    want = 2 if kind is YoloKind.BOTTLENECK else 1
    if k and len(k) not in (1, want):
        raise SpecError(f"--k takes {want} kernel size(s) for {kind}, got {k!r}")
    for size in k:
        check_int("--k", size, high=MAX_KERNEL)
        if size % 2 == 0:
            raise SpecError(f"--k must be odd (padding k // 2 keeps the size), got {size}")


def yolo_block(kind: YoloKind, in_channels: int, out_channels: int, **options: object) -> BlockSpec:
    """A YOLO block with ``mid`` set to its hidden width (options as :class:`BlockSpec`'s;
    a single ``k`` is used for both of Bottleneck's convs)."""
    spec = BlockSpec(kind, in_channels, 1, out_channels, **options)  # type: ignore[arg-type]
    if kind is YoloKind.BOTTLENECK and len(spec.k) == 1:
        spec = replace(spec, k=spec.k * 2)
    return replace(spec, mid=spec.hidden)


def resolve_out(in_channels: int, mid: int, out: int | None, expansion: int | None) -> int:
    """Apply the ``--out`` / ``--expansion`` rules: out defaults to in; E sets out = mid x E."""
    if expansion is not None:
        check_int("--expansion", expansion, high=MAX_CHANNELS)
        implied = mid * expansion
        if out is not None and out != implied:
            raise SpecError(f"--out {out} contradicts --expansion {expansion}: "
                            f"--mid {mid} x {expansion} = {implied}")
        return implied
    return in_channels if out is None else out


def block_pair(in_channels: int, mid: int, out_channels: int, *, stride: int = 1,
               groups: int = 1, stride_on: StrideOn = StrideOn.CONV3X3, bn: bool = True,
               bias: bool = False) -> tuple[BlockSpec, BlockSpec]:
    """The article's comparison: a basic and a bottleneck block with the same in/out."""
    bottleneck = BlockSpec(BlockKind.BOTTLENECK, in_channels, mid, out_channels, stride=stride,
                           groups=groups, stride_on=stride_on, bn=bn, bias=bias)
    return replace(bottleneck, kind=BlockKind.BASIC, groups=1), bottleneck


def check_numel(option: str, *dims: int) -> None:
    """Refuse tensors whose element count torch cannot index."""
    numel = prod(dims)
    if numel >= MAX_NUMEL:
        raise SpecError(f"{option}: a tensor of {numel:,} elements is beyond what torch can index")


@dataclass(frozen=True)
class NetworkSpec:
    """A torchvision-style ResNet: 7x7/2 stem, 3x3/2 max-pool, stages, avg-pool, fc.

    Stage ``i`` has ``layers[i]`` blocks with ``planes = width * 2**i``; a bottleneck's
    inner width is ``int(planes * width_per_group / 64) * groups`` and its output
    ``planes * expansion``, exactly as torchvision computes them.
    """

    name: str
    block: BlockKind
    layers: tuple[int, ...]
    width: int = 64
    groups: int = 1
    width_per_group: int = 64
    expansion: int | None = None  # None: 1 for basic, 4 for bottleneck
    num_classes: int = 1000
    stride_on: StrideOn = StrideOn.CONV3X3
    in_channels: int = 3

    def __post_init__(self) -> None:
        if not self.layers:
            raise SpecError("--layers must list at least one stage, e.g. 3,4,6,3")
        for n in self.layers:
            check_int("--layers", n, high=1024)
        check_int("--width", self.width, high=MAX_CHANNELS)
        check_int("--groups", self.groups, high=MAX_CHANNELS)
        check_int("--width-per-group", self.width_per_group, high=MAX_CHANNELS)
        check_int("--num-classes", self.num_classes, high=MAX_CHANNELS)
        if self.expansion is not None:
            check_int("--expansion", self.expansion, high=1024)
        if self.block is BlockKind.BASIC and (self.groups != 1 or self.width_per_group != 64):
            raise SpecError("--groups/--width-per-group apply to bottleneck networks only")
        self._check_widths()

    def _check_widths(self) -> None:
        """Refuse widths torchvision would silently truncate, and widths that are typos."""
        if self.block is BlockKind.BOTTLENECK and self.width * self.width_per_group % 64:
            raise SpecError(f"--width-per-group {self.width_per_group} x --width {self.width} "
                            "must be a multiple of 64 (bottleneck width = planes x "
                            "width-per-group / 64 x groups)")
        top = self.width << (len(self.layers) - 1)
        widest = top * max(self.block_expansion, self.width_per_group * self.groups // 64)
        if widest > MAX_CHANNELS:
            raise SpecError(f"--layers: {len(self.layers)} stages from --width {self.width} "
                            f"reach {widest:,} channels, beyond {MAX_CHANNELS:,}")

    @property
    def block_expansion(self) -> int:
        if self.expansion is not None:
            return self.expansion
        return 1 if self.block is BlockKind.BASIC else 4


# dtype names a user may give an input (``1,16:int64``), with their aliases.
DTYPES = {
    "float32": "float32", "float": "float32", "float64": "float64", "double": "float64",
    "float16": "float16", "half": "float16", "bfloat16": "bfloat16",
    "int64": "int64", "long": "int64", "int32": "int32", "int": "int32",
    "int16": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
}
FLOAT_DTYPES = frozenset({"float32", "float64", "float16", "bfloat16"})


@dataclass(frozen=True)
class TensorSpec:
    """One example input: its shape, dtype, and the keyword it is passed as (None:
    positional). Values are zeros: counts need shapes only."""

    shape: tuple[int, ...]
    dtype: str = "float32"
    name: str | None = None

    @property
    def text(self) -> str:
        """'1x3x224x224', or '1x16:int64' when the dtype is not float32."""
        dims = "x".join(map(str, self.shape))
        return dims if self.dtype == "float32" else f"{dims}:{self.dtype}"

    @property
    def label(self) -> str:
        """The text, after 'name=' for a keyword input: 'attention_mask=1x128:int64'."""
        return self.text if self.name is None else f"{self.name}={self.text}"

    @property
    def is_float(self) -> bool:
        return self.dtype in FLOAT_DTYPES


def parse_tensor(option: str, value: object) -> TensorSpec:
    """``"1,3,224,224"``, ``"1x16:int64"``, ``[1, 3, 224, 224]`` or a keyword input
    ``"attention_mask=1,128:int64"`` as a :class:`TensorSpec`."""
    if isinstance(value, list):
        return TensorSpec(_dims(option, value, [_list_item(option, v, value) for v in value]))
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{option} must be a shape like 1,3,224,224 (optionally :int64, or "
                        f"NAME=1,128:int64 for a keyword input), got {value!r}")
    name, shape = _keyword(option, value)
    dims, colon, dtype = shape.partition(":")
    if colon and not dtype.strip():
        raise SpecError(f"{option}: nothing after ':' in {value!r}; name a dtype (e.g. "
                        ":int64) or drop the ':' for float32")
    parts = re.split(r"\s*[,xX]\s*", dims.strip())
    return TensorSpec(_dims(option, value, parts), _dtype(option, value, dtype), name)


def check_feed(option: str, feed: tuple[TensorSpec, ...]) -> tuple[TensorSpec, ...]:
    """Refuse a keyword input given twice (the second would silently replace the first)."""
    names = [t.name for t in feed if t.name is not None]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SpecError(f"{option}: keyword input {twice[0]!r} given more than once")
    return feed


def _keyword(option: str, value: str) -> tuple[str | None, str]:
    """('attention_mask', '1,128:int64') from 'attention_mask=1,128:int64'; (None, value)
    without '='. The name must be a Python identifier: it is passed as a keyword."""
    if "=" not in value:
        return None, value.strip()
    name, _, shape = value.partition("=")
    if not name.strip().isidentifier():
        raise SpecError(f"{option}: {name.strip()!r} is not a keyword argument name in "
                        f"{value!r}; write NAME=SHAPE[:DTYPE], e.g. input_ids=1,128:int64")
    if not shape.strip():
        raise SpecError(f"{option}: no shape after '=' in {value!r}; write NAME=SHAPE[:DTYPE]")
    return name.strip(), shape.strip()


def _list_item(option: str, item: object, value: object) -> str:
    if isinstance(item, bool) or not isinstance(item, int):
        raise SpecError(f"{option} lists {item!r}; a shape lists whole numbers, got {value!r}")
    return str(item)


def _dims(option: str, value: object, parts: list[str]) -> tuple[int, ...]:
    if not parts or len(parts) > 8:
        raise SpecError(f"{option} must have 1 to 8 dimensions, got {value!r}")
    dims = tuple(_dimension(option, i, part, value) for i, part in enumerate(parts, start=1))
    check_numel(option, *dims)
    return dims


def _dimension(option: str, index: int, text: str, value: object) -> int:
    """One dimension of a shape; the error names which one, why, and the shape typed (a
    stray separator leaves an empty dimension: '1,x' reads as 1 x '' x '')."""
    try:
        return parse_int(option, text, high=MAX_SIZE)
    except SpecError as exc:
        reason = str(exc).removeprefix(f"{option} ")
        raise SpecError(f"{option}: dimension {index} {reason} in {value!r}") from exc


def _dtype(option: str, value: object, name: str) -> str:
    key = name.strip().lower() or "float32"
    if key not in DTYPES:
        raise SpecError(f"{option}: unknown dtype {name.strip()!r} in {value!r}; use one of "
                        f"{', '.join(sorted(set(DTYPES.values())))}")
    return DTYPES[key]


# ---- a user's model or inputs named as ``package.module:callable`` or ``file.py:callable``

_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def is_file_path(where: str) -> bool:
    return where.endswith(".py") or "/" in where or "\\" in where


def split_target(target: str) -> tuple[str, str]:
    """('pkg.mod' or 'path/file.py', 'attr.path'), or SpecError naming the target."""
    where, _, attr = target.rpartition(":")
    if not where or not _DOTTED.fullmatch(attr):
        raise SpecError(f"target {target!r} must be package.module:callable or "
                        "path/to/file.py:callable")
    if not is_file_path(where) and not _DOTTED.fullmatch(where):
        raise SpecError(f"target {target!r}: {where!r} is neither a module name nor a .py path")
    return where, attr


@dataclass(frozen=True)
class BlockConfig:
    """The compare options for one point, before ``--out``/``--expansion`` are resolved."""

    in_channels: int
    mid: int
    out_channels: int | None = None
    expansion: int | None = None
    stride: int = 1
    groups: int = 1
    stride_on: StrideOn = StrideOn.CONV3X3
    bn: bool = True
    bias: bool = False
    shape: InputShape = field(default_factory=InputShape)

    @property
    def out(self) -> int:
        """The output channels: ``--out``, or mid x ``--expansion``, or ``--in``."""
        return resolve_out(self.in_channels, self.mid, self.out_channels, self.expansion)

    def pair(self) -> tuple[BlockSpec, BlockSpec]:
        """(basic, bottleneck): the blocks ``compare``, ``sweep`` and ``handout`` count."""
        return block_pair(self.in_channels, self.mid, self.out, stride=self.stride,
                          groups=self.groups, stride_on=self.stride_on, bn=self.bn,
                          bias=self.bias)
