"""Closed-form integer counts, layer by layer. Pure Python: never imports torch.

Conventions (docs/conventions.md is the long version):

* **MAC** — one multiply-accumulate (a fused multiply-add). A k x k convolution from
  C_in to C_out channels with G groups producing an H x W output costs
  ``N * k * k * (C_in / G) * C_out * H * W`` MACs; a linear layer ``N * F_in * F_out``.
  Bias additions are not MACs. This is what papers and fvcore call "FLOPs".
* **FLOP** — one floating-point operation; a MAC is two (a multiply and an add), so
  FLOPs = 2 x MACs. This is what ``torch.utils.flop_counter.FlopCounterMode`` reports.
* **fvcore's convention** — conv and linear MACs, plus BatchNorm in eval mode as 2 per
  input element (1 without affine), plus adaptive average pooling as 1 per input
  element; ReLU is ignored, and the residual add and max-pooling are "unsupported" (0).
* **Parameters** — learnable tensors (conv/linear weights and biases, BN's weight and
  bias). BN's running mean/var are *buffers*, reported apart. "Conv weights" is the
  article's convention: main-path convolution weights only, no bias, BN or shortcut.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from math import prod

from bottlecalc.errors import SpecError
from bottlecalc.spec import (
    BlockSpec,
    ConvStep,
    InputShape,
    NetworkSpec,
    StrideOn,
    YoloKind,
    check_numel,
)

Shape = tuple[int, ...]


class Op(StrEnum):
    CONV = "conv"
    BN = "bn"
    RELU = "relu"
    ADD = "add"
    MAXPOOL = "maxpool"
    AVGPOOL = "avgpool"
    LINEAR = "linear"
    SILU = "silu"
    CAT = "cat"
    CHUNK = "chunk"


@dataclass(frozen=True)
class Layer:
    """One operation with its exact counts; ``formula`` shows how ``params`` arose."""

    name: str
    op: Op
    in_shape: Shape
    out_shape: Shape
    weights: int = 0
    bias: int = 0
    params: int = 0
    buffers: int = 0
    macs: int = 0
    fvcore: int = 0
    formula: str = "no parameters"
    macs_formula: str = "not counted"
    shortcut: bool = False
    # What the operation is, for convolutions and pools (square kernels, as in ResNet):
    kernel: int = 0
    stride: int = 1
    groups: int = 1
    padding: int = 0
    reads_input: bool = False  # fed the block's or network's input: no gradient flows back

    @property
    def train_macs(self) -> int:
        """Forward and backward: the product again for the weight gradient, and once more
        for the input gradient, unless the input is the data (which needs no gradient)."""
        return self.macs * (2 if self.reads_input else 3)

    @property
    def flops(self) -> int:
        """FLOPs as FlopCounterMode counts them: two per multiply-accumulate."""
        return 2 * self.macs


numel = prod  # elements of a shape


def conv_out(size: int, kernel: int, stride: int) -> int:
    """Output size of a same-padded (padding = kernel // 2) convolution or pool."""
    pad = kernel // 2
    return (size + 2 * pad - kernel) // stride + 1


def conv(name: str, x: Shape, out_channels: int, *, kernel: int, stride: int = 1,
         groups: int = 1, bias: bool = False, shortcut: bool = False) -> Layer:
    n, c, h, w = x
    out = (n, out_channels, conv_out(h, kernel, stride), conv_out(w, kernel, stride))
    check_numel(name, *out)
    per_filter = c // groups
    weights = kernel * kernel * per_filter * out_channels
    biases = out_channels if bias else 0
    macs = n * weights * out[2] * out[3]
    cin = f"({c}/{groups})" if groups > 1 else f"{c}"
    formula = _with_bias(f"{kernel}x{kernel}x{cin}x{out_channels}", weights, biases)
    batch = f"{n}x" if n > 1 else ""
    macs_formula = f"{weights:,} x {batch}{out[2]}x{out[3]} = {macs:,}"
    return Layer(
        name, Op.CONV, x, out, weights=weights, bias=biases, params=weights + biases,
        macs=macs, fvcore=macs, formula=formula, macs_formula=macs_formula, shortcut=shortcut,
        kernel=kernel, stride=stride, groups=groups, padding=kernel // 2,
    )


def _with_bias(product: str, weights: int, biases: int) -> str:
    """'3x3x64x64 = 36,864', then ' + 64 bias = 36,928' when there is a bias."""
    text = f"{product} = {weights:,}"
    return f"{text} + {biases:,} bias = {weights + biases:,}" if biases else text


def batchnorm(name: str, x: Shape, *, shortcut: bool = False) -> Layer:
    c = x[1]
    fv = 2 * numel(x)  # fvcore, eval mode with affine: 2 per input element
    return Layer(
        name, Op.BN, x, x, params=2 * c, buffers=2 * c + 1, fvcore=fv,
        formula=f"2x{c} = {2 * c:,} (+{2 * c + 1:,} buffers)",
        macs_formula=f"fvcore: 2 x {'x'.join(map(str, x))} = {fv:,}",
        shortcut=shortcut,
    )


def relu(name: str, x: Shape) -> Layer:
    return Layer(name, Op.RELU, x, x)


def add(name: str, x: Shape) -> Layer:
    return Layer(name, Op.ADD, x, x,
                 macs_formula=f"{numel(x):,} additions, counted by no engine here")


def maxpool(name: str, x: Shape, *, kernel: int = 3, stride: int = 2) -> Layer:
    n, c, h, w = x
    out = (n, c, conv_out(h, kernel, stride), conv_out(w, kernel, stride))
    return Layer(name, Op.MAXPOOL, x, out, macs_formula="fvcore: unsupported (0)", kernel=kernel,
                 stride=stride, padding=kernel // 2)


def avgpool(name: str, x: Shape) -> Layer:
    n, c, _, _ = x
    fv = numel(x)  # fvcore: adaptive_avg_pool2d counts one per input element
    return Layer(name, Op.AVGPOOL, x, (n, c, 1, 1), fvcore=fv,
                 macs_formula=f"fvcore: {'x'.join(map(str, x))} = {fv:,}")


def linear(name: str, x: Shape, out_features: int, *, bias: bool = True) -> Layer:
    n, f = x[0], numel(x[1:])
    weights = f * out_features
    biases = out_features if bias else 0
    macs = n * weights
    return Layer(
        name, Op.LINEAR, (n, f), (n, out_features), weights=weights, bias=biases,
        params=weights + biases, macs=macs, fvcore=macs,
        formula=_with_bias(f"{f}x{out_features}", weights, biases),
        macs_formula=f"{weights:,} x {n} = {macs:,}",
    )


def _conv_bn(layers: list[Layer], idx: int, x: Shape, spec: BlockSpec, step: ConvStep) -> Shape:
    """Append conv{idx} (and bn{idx} when BN is on); return the output shape."""
    layer = conv(f"conv{idx}", x, step.out_channels, kernel=step.kernel, stride=step.stride,
                 groups=step.groups, bias=spec.bias)
    layers.append(layer)
    if spec.bn:
        layers.append(batchnorm(f"bn{idx}", layer.out_shape))
    return layer.out_shape


def _shortcut(layers: list[Layer], x: Shape, spec: BlockSpec) -> None:
    """The projection torchvision calls ``downsample``: 1x1 conv with the stride, then BN."""
    if not spec.needs_projection:
        return
    proj = conv("downsample.0", x, spec.out_channels, kernel=1, stride=spec.stride,
                bias=spec.bias, shortcut=True)
    layers.append(proj)
    if spec.bn:
        layers.append(batchnorm("downsample.1", proj.out_shape, shortcut=True))


def block_layers(spec: BlockSpec, shape: InputShape, prefix: str = "") -> tuple[Layer, ...]:
    """Every operation of one block, in forward order, named as torchvision names them
    (a YOLO block: as ultralytics names them)."""
    x: Shape = (shape.batch, spec.in_channels, shape.height, shape.width)
    check_numel("--in", *x)
    if spec.is_yolo:
        return tuple(_prefixed(yolo_layers(spec, x), prefix))
    layers: list[Layer] = []
    y = x
    for idx, step in enumerate(spec.main_path, start=1):
        if idx > 1:
            layers.append(relu("relu", y))
        y = _conv_bn(layers, idx, y, spec, step)
    _shortcut(layers, x, spec)
    layers.extend([add("add", y), relu("relu", y)])
    if not prefix:  # a block on its own: its first conv and projection read the data
        layers = [replace(r, reads_input=r.name in ("conv1", "downsample.0")) for r in layers]
    return tuple(_prefixed(layers, prefix))


def _prefixed(layers: Iterable[Layer], prefix: str) -> Iterable[Layer]:
    if not prefix:
        return layers
    return (replace(layer, name=f"{prefix}.{layer.name}") for layer in layers)


# YOLO's blocks, as ultralytics' ``nn/modules/conv.py`` and ``block.py`` define them. Each
# helper appends its operations to ``out`` in forward order and returns the output shape.


def silu(name: str, x: Shape) -> Layer:
    return Layer(name, Op.SILU, x, x)


def concat(name: str, parts: list[Shape]) -> Layer:
    n, _, h, w = parts[0]
    shape = (n, sum(p[1] for p in parts), h, w)
    widths = " + ".join(str(p[1]) for p in parts)
    return Layer(name, Op.CAT, shape, shape,
                 macs_formula=f"channels {widths} = {shape[1]}: a copy, no MACs")


def chunk(name: str, x: Shape, parts: int) -> Layer:
    return Layer(name, Op.CHUNK, x, x,
                 macs_formula=f"{x[1]} channels split in {parts}: a view, no MACs")


def _groups_fit(name: str, cin: int, cout: int, groups: int) -> None:
    if cin % groups or cout % groups:
        raise SpecError(f"--groups {groups} must divide both widths of {name} "
                        f"({cin} -> {cout})")


def yconv(out: list[Layer], name: str, x: Shape, c2: int, *, k: int = 1, s: int = 1,
          g: int = 1, act: bool = True) -> Shape:
    """ultralytics' ``Conv``: Conv2d (padding k // 2, no bias), BatchNorm2d, SiLU."""
    dot = f"{name}." if name else ""
    _groups_fit(f"{dot}conv", x[1], c2, g)
    layer = conv(f"{dot}conv", x, c2, kernel=k, stride=s, groups=g)
    out += [layer, batchnorm(f"{dot}bn", layer.out_shape)]
    if act:  # act=False is nn.Identity: nothing to count
        out.append(silu(f"{dot}act", layer.out_shape))
    return layer.out_shape


def ybottleneck(out: list[Layer], name: str, x: Shape, c2: int, *, shortcut: bool, g: int,
                k: tuple[int, ...], e: float) -> Shape:
    """``Bottleneck(c1, c2, shortcut, g, k, e)``: cv1 k[0] to int(c2 e), cv2 k[1] (groups g);
    it adds its input only when ``shortcut`` and c1 == c2 (no projection, ever)."""
    dot = f"{name}." if name else ""
    y = yconv(out, f"{dot}cv1", x, int(c2 * e), k=k[0])
    y = yconv(out, f"{dot}cv2", y, c2, k=k[1], g=g)
    if shortcut and x[1] == c2:
        out.append(add(f"{dot}add", y))
    return y


def yc3(out: list[Layer], name: str, x: Shape, c2: int, *, n: int, shortcut: bool, g: int,
        e: float, k: int | None = None) -> Shape:
    """``C3``: cv3(cat(m(cv1(x)), cv2(x))), m = n Bottlenecks k=(1, 3), e=1.0; ``C3k``
    when ``k`` is given: the Bottlenecks are k x k, twice."""
    dot, c_ = f"{name}." if name else "", int(c2 * e)
    inner = (1, 3) if k is None else (k, k)
    a = yconv(out, f"{dot}cv1", x, c_)
    for i in range(n):
        a = ybottleneck(out, f"{dot}m.{i}", a, c_, shortcut=shortcut, g=g, k=inner, e=1.0)
    b = yconv(out, f"{dot}cv2", x, c_)
    joined = concat(f"{dot}cat", [a, b])
    out.append(joined)
    return yconv(out, f"{dot}cv3", joined.out_shape, c2)


def ycsp(out: list[Layer], x: Shape, c2: int, *, n: int, shortcut: bool, g: int,
         e: float) -> Shape:
    """``BottleneckCSP``: cv4(act(bn(cat(cv3(m(cv1(x))), cv2(x))))), cv2 and cv3 bare
    1x1 convs, m = n Bottlenecks k=(3, 3), e=1.0."""
    c_ = int(c2 * e)
    a = yconv(out, "cv1", x, c_)
    for i in range(n):
        a = ybottleneck(out, f"m.{i}", a, c_, shortcut=shortcut, g=g, k=(3, 3), e=1.0)
    y1 = conv("cv3", a, c_, kernel=1)
    y2 = conv("cv2", x, c_, kernel=1)
    joined = concat("cat", [y1.out_shape, y2.out_shape])
    out += [y1, y2, joined, batchnorm("bn", joined.out_shape), silu("act", joined.out_shape)]
    return yconv(out, "cv4", joined.out_shape, c2)


def yc2f(out: list[Layer], spec: BlockSpec, x: Shape) -> Shape:
    """``C2f``: cv1 to 2c, chunk in two, n Bottlenecks each on the last chunk (3x3, 3x3,
    e=1.0), cv2 on all n + 2 chunks. ``C3k2`` swaps the Bottlenecks for Bottleneck(c, c)
    (e=0.5) or, with ``c3k``, C3k(c, c, 2)."""
    c = int(spec.out_channels * spec.expand)
    y = yconv(out, "cv1", x, 2 * c)
    out.append(chunk("chunk", y, 2))
    last: Shape = (y[0], c, y[2], y[3])
    parts = [last, last]
    for i in range(spec.repeats):
        last = _c2f_inner(out, f"m.{i}", last, spec)
        parts.append(last)
    joined = concat("cat", parts)
    out.append(joined)
    return yconv(out, "cv2", joined.out_shape, spec.out_channels)


def _c2f_inner(out: list[Layer], name: str, x: Shape, spec: BlockSpec) -> Shape:
    c, s, g = x[1], spec.residual, spec.groups
    if spec.kind is YoloKind.C2F:
        return ybottleneck(out, name, x, c, shortcut=s, g=g, k=(3, 3), e=1.0)
    if spec.c3k:
        return yc3(out, name, x, c, n=2, shortcut=s, g=g, e=0.5, k=3)
    return ybottleneck(out, name, x, c, shortcut=s, g=g, k=(3, 3), e=0.5)


def ysppf(out: list[Layer], spec: BlockSpec, x: Shape) -> Shape:
    """``SPPF``: cv1 (no activation) to c1 // 2, the same k x k max-pool (stride 1) n times,
    cv2 on the n + 1 maps concatenated."""
    y = yconv(out, "cv1", x, spec.hidden, act=False)
    parts: list[Shape] = [y]
    for _ in range(spec.repeats):
        pool = maxpool("m", parts[-1], kernel=spec.kernels[0], stride=1)
        out.append(pool)
        parts.append(pool.out_shape)
    joined = concat("cat", parts)
    out.append(joined)
    return yconv(out, "cv2", joined.out_shape, spec.out_channels)


def yolo_layers(spec: BlockSpec, x: Shape) -> list[Layer]:
    """Every operation of a YOLO block, named by ultralytics' module paths; the convs
    that read the block's input are marked (no input gradient flows back to the data)."""
    out: list[Layer] = []
    kind, c2, g = spec.kind, spec.out_channels, spec.groups
    if kind is YoloKind.CONV:
        yconv(out, "", x, c2, k=spec.kernels[0], s=spec.stride, g=g)
    elif kind is YoloKind.BOTTLENECK:
        ybottleneck(out, "", x, c2, shortcut=spec.residual, g=g, k=spec.kernels, e=spec.expand)
    elif kind in C3_LIKE:
        k = spec.kernels[0] if kind is YoloKind.C3K else None
        yc3(out, "", x, c2, n=spec.repeats, shortcut=spec.residual, g=g, e=spec.expand, k=k)
    elif kind is YoloKind.CSP:
        ycsp(out, x, c2, n=spec.repeats, shortcut=spec.residual, g=g, e=spec.expand)
    elif kind is YoloKind.SPPF:
        ysppf(out, spec, x)
    else:
        yc2f(out, spec, x)
    first = {"conv", "cv1.conv", "cv2"} | ({"cv2.conv"} if kind in C3_LIKE else set())
    return [replace(r, reads_input=r.op is Op.CONV and r.name in first) for r in out]


C3_LIKE = frozenset({YoloKind.C3, YoloKind.C3K})


def network_blocks(spec: NetworkSpec) -> tuple[tuple[str, BlockSpec], ...]:
    """Every residual block of a network with its torchvision module path ("layer2.0").

    As torchvision's ``_make_layer``: stage ``i`` has ``planes = width * 2**i``; its
    first block takes the previous stage's output with stride 2 (stride 1 in the first
    stage) and the rest are stride 1. A bottleneck's inner width is
    ``planes * width_per_group / 64 * groups``; a block gets the ``downsample``
    projection when ``stride != 1 or inplanes != planes * expansion``, which is exactly
    :attr:`BlockSpec.needs_projection`.
    """
    blocks: list[tuple[str, BlockSpec]] = []
    inplanes = spec.width
    for i, depth in enumerate(spec.layers):
        planes = spec.width << i
        mid = planes * spec.width_per_group // 64 * spec.groups
        out = planes * spec.block_expansion
        for j in range(depth):
            block = BlockSpec(
                spec.block, inplanes, mid, out, stride=2 if i and not j else 1,
                groups=spec.groups, stride_on=spec.stride_on,
            )
            blocks.append((f"layer{i + 1}.{j}", block))
            inplanes = out
    return tuple(blocks)


def _stem(spec: NetworkSpec, shape: InputShape) -> list[Layer]:
    """conv1 7x7/2 (pad 3), bn1, relu, maxpool 3x3/2 (pad 1), as torchvision's ResNet."""
    x: Shape = (shape.batch, spec.in_channels, shape.height, shape.width)
    check_numel("--size", *x)
    stem = replace(conv("conv1", x, spec.width, kernel=7, stride=2), reads_input=True)
    y = stem.out_shape
    return [stem, batchnorm("bn1", y), relu("relu", y), maxpool("maxpool", y)]


def network_layers(spec: NetworkSpec, shape: InputShape) -> tuple[Layer, ...]:
    """Every operation of a whole network, in forward order, named by module path."""
    layers = _stem(spec, shape)
    for prefix, block in network_blocks(spec):
        _, _, h, w = layers[-1].out_shape
        layers.extend(block_layers(block, InputShape(h, w, shape.batch), prefix))
    pooled = avgpool("avgpool", layers[-1].out_shape)
    layers += [pooled, linear("fc", pooled.out_shape, spec.num_classes)]
    return tuple(layers)


def layers_of(spec: BlockSpec | NetworkSpec, shape: InputShape) -> tuple[Layer, ...]:
    """Every operation of a block or a whole network, in forward order."""
    if isinstance(spec, BlockSpec):
        return block_layers(spec, shape)
    return network_layers(spec, shape)


def weighted_layers(layers: Iterable[Layer]) -> int:
    """Conv and linear layers on the main path: the '50' in ResNet-50."""
    return sum(1 for r in layers if r.op in (Op.CONV, Op.LINEAR) and not r.shortcut)


def thop_macs(layers: Iterable[Layer], *, fused: bool) -> int:
    """What thop (ultralytics' FLOP counter) totals: conv MACs, and unfused 4 per BatchNorm
    element (affine: a subtract, a divide, a multiply, an add); SiLU, pools, cat: 0."""
    rows = tuple(layers)
    macs = sum(r.macs for r in rows)
    return macs if fused else macs + sum(4 * numel(r.in_shape) for r in rows if r.op is Op.BN)


def v1_macs(spec: BlockSpec | NetworkSpec, shape: InputShape) -> int:
    """Conv + linear MACs with the stride on the first 1x1: the ResNet paper's figure."""
    return count(layers_of(replace(spec, stride_on=StrideOn.CONV1X1), shape)).macs


class DType(StrEnum):
    """Element type for memory traffic (``--dtype``)."""

    FLOAT32 = "float32"
    FLOAT16 = "float16"
    BFLOAT16 = "bfloat16"


ITEMSIZE = {DType.FLOAT32: 4, DType.FLOAT16: 2, DType.BFLOAT16: 2}  # bytes per element


@dataclass(frozen=True)
class Traffic:
    """Bytes a layer (or a sum of layers) moves if each reads its input and writes its output.

    Weight bytes are the learnable parameters only (BN's running statistics excluded);
    nothing is assumed fused, so a stage's figures are the sums of its layers'.
    """

    macs: int
    weight_bytes: int
    input_bytes: int
    output_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weight_bytes + self.input_bytes + self.output_bytes

    @property
    def intensity(self) -> float:
        """Arithmetic intensity: MACs per byte of weights + input + output."""
        return ratio(self.macs, self.total_bytes)


def traffic(layers: Iterable[Layer], dtype: DType = DType.FLOAT32) -> Traffic:
    rows = tuple(layers)
    size = ITEMSIZE[dtype]
    return Traffic(
        macs=sum(r.macs for r in rows),
        weight_bytes=size * sum(r.params for r in rows),
        input_bytes=size * sum(numel(r.in_shape) for r in rows),
        output_bytes=size * sum(numel(r.out_shape) for r in rows),
    )


@dataclass(frozen=True)
class Counts:
    """Totals over a list of layers, split the ways the article and the tools split them."""

    conv: int  # main-path conv weights: the article's "parameters"
    bias: int  # main-path conv/linear biases
    bn: int  # main-path BN learnable parameters
    linear: int  # linear weights
    shortcut: int  # everything on the projection shortcut (weights, bias, BN)
    total: int  # all learnable parameters
    buffers: int  # BN running mean/var and num_batches_tracked (not parameters)
    macs: int  # conv + linear multiply-accumulates, shortcut included
    shortcut_macs: int
    fvcore: int  # the same network counted under fvcore's convention
    train_macs: int  # forward and backward (weight gradients, input gradients but the data's)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def train_flops(self) -> int:
        """FlopCounterMode's units for a training step (forward + backward)."""
        return 2 * self.train_macs


def count(layers: Iterable[Layer]) -> Counts:
    """Sum layers into :class:`Counts`; the parts always add up to ``total``."""
    rows = tuple(layers)
    main = [r for r in rows if not r.shortcut]
    side = [r for r in rows if r.shortcut]
    return Counts(
        conv=sum(r.weights for r in main if r.op is Op.CONV),
        bias=sum(r.bias for r in main),
        bn=sum(r.params for r in main if r.op is Op.BN),
        linear=sum(r.weights for r in main if r.op is Op.LINEAR),
        shortcut=sum(r.params for r in side),
        total=sum(r.params for r in rows),
        buffers=sum(r.buffers for r in rows),
        macs=sum(r.macs for r in rows),
        shortcut_macs=sum(r.macs for r in side),
        fvcore=sum(r.fvcore for r in rows),
        train_macs=sum(r.train_macs for r in rows),
    )


def ratio(a: int, b: int) -> float:
    """How many times smaller ``b`` is than ``a`` (0 when ``b`` is 0)."""
    return a / b if b else 0.0
