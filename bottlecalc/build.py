"""torch modules from specs, shaped like torchvision's ResNet blocks.

Built on the meta device by default: shapes and parameter counts without allocating a
byte of weight memory. The instantiated count is therefore independent of
``analytic``: it comes from the tensors torch itself creates.
"""

from __future__ import annotations

import torch
from torch import nn

from bottlecalc.analytic import network_blocks
from bottlecalc.spec import BlockKind, BlockSpec, ConvStep, NetworkSpec


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
    cls = BasicBlock if spec.kind is BlockKind.BASIC else Bottleneck
    return cls(spec)


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
        logits: torch.Tensor = self.fc(torch.flatten(self.avgpool(x), 1))
        return logits


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
    for sub in module.modules():
        for name, p in sub._parameters.items():
            if p is not None:
                view = pools[p.dtype][: p.numel()].view(p.shape)
                sub._parameters[name] = nn.Parameter(view, requires_grad=p.requires_grad)
        for name, b in sub._buffers.items():
            if b is not None:
                sub._buffers[name] = pools[b.dtype][: b.numel()].view(b.shape)
    return module


def materialize(module: nn.Module) -> nn.Module:
    """Real zero-filled CPU tensors for a meta module: counting needs shapes, not values.

    Plain ``torch.zeros`` rather than ``Module.to_empty``: on meta tensors ``empty_like``
    runs a Python reference kernel whose first call imports sympy (over a second).
    """
    for sub in module.modules():
        for name, param in sub._parameters.items():
            if param is not None:
                zeros = torch.zeros(param.shape, dtype=param.dtype)
                sub._parameters[name] = nn.Parameter(zeros, requires_grad=param.requires_grad)
        for name, buf in sub._buffers.items():
            if buf is not None:
                sub._buffers[name] = torch.zeros(buf.shape, dtype=buf.dtype)
    return module
