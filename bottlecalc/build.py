"""torch modules from specs, shaped like torchvision's ResNet blocks.

Built on the meta device by default: shapes and parameter counts without allocating a
byte of weight memory. The instantiated count is therefore independent of
``analytic``: it comes from the tensors torch itself creates.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from bottlecalc.analytic import network_blocks
from bottlecalc.spec import BlockKind, BlockSpec, ConvStep, NetworkSpec, YoloKind


def _conv(cin: int, cout: int, kernel: int, *, stride: int = 1, groups: int = 1,
          bias: bool = False) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, groups=groups,
                     bias=bias)


def _norm(channels: int, on: bool) -> nn.Module:
    return nn.BatchNorm2d(channels) if on else nn.Identity()


def projection(spec: BlockSpec) -> nn.Module | None:
    """The 1x1 shortcut the article's sample lacks; None when identity can be added."""
    if not spec.needs_projection:
        return None
    conv = _conv(spec.in_channels, spec.out_channels, 1, stride=spec.stride, bias=spec.bias)
    return nn.Sequential(conv, _norm(spec.out_channels, spec.bn))


def _main_conv(spec: BlockSpec, cin: int, step: ConvStep) -> nn.Conv2d:
    return _conv(cin, step.out_channels, step.kernel, stride=step.stride, groups=step.groups,
                 bias=spec.bias)


class BasicBlock(nn.Module):
    """Two 3x3 convs, as torchvision's ``BasicBlock`` (stride on the first)."""

    def __init__(self, spec: BlockSpec) -> None:
        super().__init__()
        first, second = spec.main_path
        self.conv1 = _main_conv(spec, spec.in_channels, first)
        self.bn1 = _norm(first.out_channels, spec.bn)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _main_conv(spec, first.out_channels, second)
        self.bn2 = _norm(second.out_channels, spec.bn)
        self.downsample = projection(spec)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (grouped), 1x1 restore, as torchvision's ``Bottleneck``."""

    def __init__(self, spec: BlockSpec) -> None:
        super().__init__()
        reduce, spatial, restore = spec.main_path
        self.conv1 = _main_conv(spec, spec.in_channels, reduce)
        self.bn1 = _norm(reduce.out_channels, spec.bn)
        self.conv2 = _main_conv(spec, reduce.out_channels, spatial)
        self.bn2 = _norm(spatial.out_channels, spec.bn)
        self.conv3 = _main_conv(spec, spatial.out_channels, restore)
        self.bn3 = _norm(restore.out_channels, spec.bn)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = projection(spec)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


def block_module(spec: BlockSpec) -> nn.Module:
    if spec.is_yolo:
        return yolo_module(spec)
    return BasicBlock(spec) if spec.kind is BlockKind.BASIC else Bottleneck(spec)


# YOLO's blocks, written out as ultralytics' nn/modules/conv.py and block.py define them
# (same module names, same forward), so that bottlecalc needs no ultralytics install.


class Conv(nn.Module):
    """``Conv(c1, c2, k, s, g, act)``: Conv2d (padding k // 2, no bias), BatchNorm2d, SiLU."""

    def __init__(self, c1: int, c2: int, k: int = 1, s: int = 1, g: int = 1,
                 act: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, groups=g, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act: nn.Module = nn.SiLU() if act else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


class YoloBottleneck(nn.Module):
    """``Bottleneck(c1, c2, shortcut, g, k, e)``: adds its input only if c1 == c2."""

    def __init__(self, c1: int, c2: int, shortcut: bool = True, g: int = 1,
                 k: tuple[int, int] = (3, 3), e: float = 0.5) -> None:
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, k[0], 1)
        self.cv2 = Conv(c_, c2, k[1], 1, g=g)
        self.add = shortcut and c1 == c2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y: torch.Tensor = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    """``C3(c1, c2, n, shortcut, g, e)``; ``k`` given: ``C3k``'s k x k Bottlenecks."""

    def __init__(self, c1: int, c2: int, n: int = 1, shortcut: bool = True, g: int = 1,
                 e: float = 0.5, k: int | None = None) -> None:
        super().__init__()
        c_ = int(c2 * e)
        inner = (1, 3) if k is None else (k, k)
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c1, c_, 1, 1)
        self.cv3 = Conv(2 * c_, c2, 1)
        self.m = nn.Sequential(*(YoloBottleneck(c_, c_, shortcut, g, k=inner, e=1.0)
                                 for _ in range(n)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class BottleneckCSP(nn.Module):
    """``BottleneckCSP(c1, c2, n, shortcut, g, e)`` (CSPNet)."""

    def __init__(self, c1: int, c2: int, n: int = 1, shortcut: bool = True, g: int = 1,
                 e: float = 0.5) -> None:
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = nn.Conv2d(c1, c_, 1, 1, bias=False)
        self.cv3 = nn.Conv2d(c_, c_, 1, 1, bias=False)
        self.cv4 = Conv(2 * c_, c2, 1, 1)
        self.bn = nn.BatchNorm2d(2 * c_)
        self.act = nn.SiLU()
        self.m = nn.Sequential(*(YoloBottleneck(c_, c_, shortcut, g, e=1.0) for _ in range(n)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y1 = self.cv3(self.m(self.cv1(x)))
        y2 = self.cv2(x)
        return self.cv4(self.act(self.bn(torch.cat((y1, y2), 1))))


class C2f(nn.Module):
    """``C2f(c1, c2, n, shortcut, g, e)``; ``C3k2(c1, c2, n, c3k, e, g, shortcut)`` when
    ``c3k`` is not None (its inner blocks: Bottleneck(c, c), or C3k(c, c, 2) with c3k)."""

    def __init__(self, c1: int, c2: int, n: int = 1, shortcut: bool = False, g: int = 1,
                 e: float = 0.5, c3k: bool | None = None) -> None:
        super().__init__()
        self.c = int(c2 * e)
        self.cv1 = Conv(c1, 2 * self.c, 1, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(self._inner(shortcut, g, c3k) for _ in range(n))

    def _inner(self, shortcut: bool, g: int, c3k: bool | None) -> nn.Module:
        if c3k is None:
            return YoloBottleneck(self.c, self.c, shortcut, g, k=(3, 3), e=1.0)
        if c3k:
            return C3(self.c, self.c, 2, shortcut, g, k=3)
        return YoloBottleneck(self.c, self.c, shortcut, g)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    """``SPPF(c1, c2, k, n)``: one k x k max-pool (stride 1) applied n times."""

    def __init__(self, c1: int, c2: int, k: int = 5, n: int = 3) -> None:
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1, 1, act=False)
        self.cv2 = Conv(c_ * (n + 1), c2, 1, 1)
        self.m = nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)
        self.n = n

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(self.n))
        return self.cv2(torch.cat(y, 1))


def yolo_module(spec: BlockSpec) -> nn.Module:
    """The ultralytics module of a YOLO block spec, with its arguments resolved."""
    c1, c2, g, n, e = spec.in_channels, spec.out_channels, spec.groups, spec.repeats, spec.expand
    s, k = spec.residual, spec.kernels
    kind = spec.kind
    if kind is YoloKind.CONV:
        return Conv(c1, c2, k[0], spec.stride, g=g)
    if kind is YoloKind.BOTTLENECK:
        return YoloBottleneck(c1, c2, s, g, k=(k[0], k[1]), e=e)
    if kind in (YoloKind.C3, YoloKind.C3K):
        return C3(c1, c2, n, s, g, e, k=k[0] if kind is YoloKind.C3K else None)
    if kind is YoloKind.CSP:
        return BottleneckCSP(c1, c2, n, s, g, e)
    if kind is YoloKind.SPPF:
        return SPPF(c1, c2, k[0], n)
    return C2f(c1, c2, n, s, g, e, c3k=spec.c3k if kind is YoloKind.C3K2 else None)


class ResNet(nn.Module):
    """torchvision's ``ResNet`` shape: 7x7/2 stem, 3x3/2 max-pool, stages, avg-pool, fc.

    Module paths match torchvision's (``layer2.0.downsample.0``), so per-layer rows of
    :func:`bottlecalc.analytic.network_layers` name the same modules.
    """

    def __init__(self, spec: NetworkSpec) -> None:
        super().__init__()
        blocks = network_blocks(spec)
        self.conv1 = _conv(spec.in_channels, spec.width, 7, stride=2)
        self.bn1 = nn.BatchNorm2d(spec.width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.stages = [f"layer{i + 1}" for i in range(len(spec.layers))]
        for stage in self.stages:
            members = [b for path, b in blocks if path.split(".")[0] == stage]
            self.add_module(stage, nn.Sequential(*map(block_module, members)))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(blocks[-1][1].out_channels, spec.num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for stage in self.stages:
            x = getattr(self, stage)(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build(spec: BlockSpec | NetworkSpec, *, device: str = "meta") -> nn.Module:
    """The block or network in eval mode on ``device`` (meta: no weight memory, nothing
    initialised)."""
    with torch.device(device):
        module = block_module(spec) if isinstance(spec, BlockSpec) else ResNet(spec)
    return module.eval()


def materialize_shared(module: nn.Module) -> nn.Module:
    """Like :func:`materialize`, but every tensor is a view of one zero buffer per dtype.

    Counting needs shapes, not values, so the tensors may alias: a ResNet-152 then takes
    about 10 MB instead of allocating and zeroing 240 MB, a second or so of a whole-network
    fvcore run. Only for counting: training or comparing outputs would see the aliasing.
    """
    sizes: dict[torch.dtype, int] = {}
    for tensor in [*module.parameters(), *module.buffers()]:
        sizes[tensor.dtype] = max(sizes.get(tensor.dtype, 0), tensor.numel())
    pools = {dtype: torch.zeros(n, dtype=dtype) for dtype, n in sizes.items()}
    return _replaced(module, lambda t: pools[t.dtype][: t.numel()].view(t.shape))


def materialize(module: nn.Module) -> nn.Module:
    """Real zero-filled CPU tensors for a meta module: counting needs shapes, not values.

    Plain ``torch.zeros`` rather than ``Module.to_empty``: on meta tensors ``empty_like``
    runs a Python reference kernel whose first call imports sympy (over a second).
    """
    return _replaced(module, lambda t: torch.zeros(t.shape, dtype=t.dtype))


def _replaced(module: nn.Module, make: Callable[[torch.Tensor], torch.Tensor]) -> nn.Module:
    """Every parameter and buffer of ``module`` replaced, in place, by ``make(tensor)``."""
    for sub in module.modules():
        for name, param in sub._parameters.items():
            if param is not None:
                sub._parameters[name] = nn.Parameter(make(param),
                                                     requires_grad=param.requires_grad)
        for name, buf in sub._buffers.items():
            if buf is not None:
                sub._buffers[name] = make(buf)
    return module
