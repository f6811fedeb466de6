"""The drawing model of a block: convs with kernel, stride, groups and channels, and its shortcut.

Pure Python (no torch, no rich). The model is read off a
:class:`~bottlecalc.results.BlockResult`'s layers, so a diagram shows exactly the convs
the counts were computed for, including the projection shortcut when one was added.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bottlecalc.analytic import Layer, Op
from bottlecalc.results import BlockResult
from bottlecalc.spec import BlockKind, YoloKind


class ShortcutKind(StrEnum):
    IDENTITY = "identity"
    PROJECTION = "projection"


@dataclass(frozen=True)
class ConvBox:
    """One convolution as drawn: kernel, channels in and out, and what follows it."""

    name: str
    kernel: int
    in_channels: int
    out_channels: int
    stride: int = 1
    groups: int = 1
    bn: bool = False
    relu: bool = False

    @property
    def title(self) -> str:
        return conv_title(self)

    @property
    def detail(self) -> str:
        """'256→64, BN, ReLU': the channels and what follows the conv."""
        after = [word for word, on in (("BN", self.bn), ("ReLU", self.relu)) if on]
        return ", ".join([f"{self.in_channels}→{self.out_channels}", *after])


def conv_title(conv: ConvBox | Layer) -> str:
    """'3x3 conv', '1x1 conv /2', '3x3 conv, g32'."""
    text = f"{conv.kernel}x{conv.kernel} conv"
    text += f" /{conv.stride}" if conv.stride != 1 else ""
    return text + (f", g{conv.groups}" if conv.groups != 1 else "")


@dataclass(frozen=True)
class BlockDiagram:
    kind: BlockKind | YoloKind
    in_channels: int
    out_channels: int
    in_hw: tuple[int, int]
    out_hw: tuple[int, int]
    convs: tuple[ConvBox, ...]
    shortcut: ShortcutKind
    projection: ConvBox | None = None

    def chain(self) -> str:
        """The main path in one line: '256 -> 1x1 -> 64 -> 3x3 -> 64 -> 1x1 -> 256'."""
        parts = [str(self.in_channels)]
        for box in self.convs:
            parts += [f"{box.kernel}x{box.kernel}", str(box.out_channels)]
        return " -> ".join(parts)


def _box(layers: tuple[Layer, ...], i: int) -> ConvBox:
    conv = layers[i]
    nxt = [layer.op for layer in layers[i + 1:i + 3]]
    bn = bool(nxt) and nxt[0] is Op.BN
    relu = Op.RELU in nxt[: 2 if bn else 1]
    return ConvBox(conv.name, conv.kernel, conv.in_shape[1], conv.out_shape[1],
                   stride=conv.stride, groups=conv.groups, bn=bn, relu=relu)


def block_diagram(block: BlockResult) -> BlockDiagram:
    """The diagram of one counted block, read off its layers."""
    layers = block.layers
    convs = tuple(_box(layers, i) for i, layer in enumerate(layers)
                  if layer.op is Op.CONV and not layer.shortcut)
    side = [i for i, layer in enumerate(layers) if layer.op is Op.CONV and layer.shortcut]
    projection = _box(layers, side[0]) if side else None
    first, last = layers[0].in_shape, layers[-1].out_shape
    return BlockDiagram(
        kind=block.spec.kind, in_channels=first[1], out_channels=last[1],
        in_hw=(first[2], first[3]), out_hw=(last[2], last[3]), convs=convs,
        shortcut=ShortcutKind.PROJECTION if projection else ShortcutKind.IDENTITY,
        projection=projection,
    )


@dataclass(frozen=True)
class Labels:
    """The words a diagram shows; handouts pass translated ones."""

    basic: str = "basic block"
    bottleneck: str = "bottleneck block"
    identity: str = "identity"
    projection: str = "projection"
    inp: str = "in"
    out: str = "out"
    channels: str = "ch"

    def kind(self, kind: BlockKind | YoloKind) -> str:
        if isinstance(kind, YoloKind):  # ultralytics' class names are not translated
            return str(kind)
        return self.basic if kind is BlockKind.BASIC else self.bottleneck

    def end(self, word: str, channels: int, hw: tuple[int, int]) -> str:
        """A block's input or output: 'in: 256 ch, 56x56'."""
        return f"{word}: {channels} {self.channels}, {hw[0]}x{hw[1]}"


ENGLISH = Labels()

