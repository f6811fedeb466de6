"""Block diagrams with a channel count on every arrow: a model, terminal text, and SVG.

Pure Python (no torch, no rich). The model is read off a
:class:`~bottlecalc.results.BlockResult`'s layers, so a diagram shows exactly the convs
the counts were computed for, including the projection shortcut when one was added.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from html import escape

from bottlecalc.analytic import Layer, Op
from bottlecalc.results import BlockResult
from bottlecalc.spec import BlockKind


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
        """'3x3 conv', '1x1 conv /2', '3x3 conv, g32'."""
        text = f"{self.kernel}x{self.kernel} conv"
        if self.stride != 1:
            text += f" /{self.stride}"
        if self.groups != 1:
            text += f", g{self.groups}"
        return text

    @property
    def detail(self) -> str:
        """'256→64, BN, ReLU': the channels and what follows the conv."""
        after = [word for word, on in (("BN", self.bn), ("ReLU", self.relu)) if on]
        return ", ".join([f"{self.in_channels}→{self.out_channels}", *after])


@dataclass(frozen=True)
class BlockDiagram:
    kind: BlockKind
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

    def kind(self, kind: BlockKind) -> str:
        return self.basic if kind is BlockKind.BASIC else self.bottleneck


def _hw(hw: tuple[int, int]) -> str:
    return f"{hw[0]}x{hw[1]}"


# ---------------------------------------------------------------- terminal text

GAP = 3  # columns between the main path and the shortcut


@dataclass(frozen=True)
class _Row:
    main: str
    side: str = ""
    joined: bool = False  # the row where the shortcut leaves or rejoins the main path


def _text_box(box: ConvBox, width: int, *, ends: tuple[str, str] = ("┴", "┬")) -> list[str]:
    c = width // 2
    top = "┌" + "─" * (c - 1) + ends[0] + "─" * (width - c - 2) + "┐"
    bottom = "└" + "─" * (c - 1) + ends[1] + "─" * (width - c - 2) + "┘"
    body = [f"│{line.center(width - 2)}│" for line in (box.title, box.detail)]
    return [top, *body, bottom]


def _box_width(boxes: tuple[ConvBox, ...]) -> int:
    widest = max(len(text) for b in boxes for text in (b.title, b.detail))
    return widest + 4 + (widest % 2)  # odd inner width keeps the spine centred


def _main_rows(d: BlockDiagram, labels: Labels) -> tuple[list[_Row], int]:
    width = _box_width(d.convs)
    c = width // 2
    pad = " " * c
    rows = [_Row(f"{pad}● {labels.inp}: {d.in_channels} {labels.channels}, {_hw(d.in_hw)}"),
            _Row(f"{pad}├", joined=True)]
    for box in d.convs:
        rows += [_Row(line) for line in _text_box(box, width)]
        rows.append(_Row(f"{pad}│ {box.out_channels}"))
    rows.append(_Row(" " * (c - 1) + "(+)", joined=True))
    rows.append(_Row(f"{pad}│ ReLU"))
    rows.append(_Row(f"{pad}▼ {labels.out}: {d.out_channels} {labels.channels}, "
                     f"{_hw(d.out_hw)}"))
    return rows, c


def _side_lines(d: BlockDiagram, labels: Labels, height: int) -> list[str]:
    """The shortcut column for the rows between the split and the add."""
    if d.projection is None:
        lines = ["│"] * height
        lines[height // 2] = f"│ {labels.identity}"
        return lines
    width = _box_width((d.projection,))
    q = width // 2
    box = _text_box(d.projection, width)
    lines = [*box, " " * q + f"│ {d.projection.out_channels} ({labels.projection})"]
    return lines + [" " * q + "│"] * (height - len(lines))


def _side_column(d: BlockDiagram) -> int:
    return _box_width((d.projection,)) // 2 if d.projection else 0


def render_text(d: BlockDiagram, labels: Labels = Labels()) -> list[str]:
    """One block as lines of text: the main path down the left, the shortcut right."""
    rows, _ = _main_rows(d, labels)
    split = next(i for i, r in enumerate(rows) if r.joined)
    add = len(rows) - 3
    side = _side_lines(d, labels, add - split - 1)
    q = _side_column(d)
    width = max(len(r.main) for r in rows)
    lines = [labels.kind(d.kind), d.chain(), ""]
    for i, row in enumerate(rows):
        if row.joined:
            corner = "┐" if i == split else "┘"
            lines.append(row.main.ljust(width + GAP, "─") + "─" * q + corner)
        elif split < i < add:
            lines.append(row.main.ljust(width + GAP) + side[i - split - 1])
        else:
            lines.append(row.main)
    return [line.rstrip() for line in lines]


def side_by_side(columns: list[list[str]], gap: int = 6) -> str:
    """Columns of lines next to each other, the shorter padded at the bottom."""
    height = max(len(col) for col in columns)
    widths = [max(len(line) for line in col) for col in columns]
    out = []
    for i in range(height):
        cells = [(col[i] if i < len(col) else "").ljust(w) for col, w in zip(columns, widths,
                                                                              strict=True)]
        out.append((" " * gap).join(cells).rstrip())
    return "\n".join(out) + "\n"


def render_pair_text(diagrams: tuple[BlockDiagram, ...], labels: Labels = Labels()) -> str:
    return side_by_side([render_text(d, labels) for d in diagrams])


# ---------------------------------------------------------------- SVG

BOX_W, BOX_H, STEP = 170, 46, 44  # conv box size and the arrow between boxes
MAIN_X = 20 + BOX_W // 2
SIDE_GAP = 40
FILL = {1: "#d8f0dc", 3: "#d6e4ff"}
PROJ_FILL = "#ffe3c2"
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, 'Noto Sans CJK SC', sans-serif\""


def _svg_text(x: float, y: float, text: str, *, size: int = 13, anchor: str = "middle",
              weight: str = "normal", fill: str = "#1a1a1a") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>')


def _svg_arrow(x: float, y1: float, y2: float, label: str) -> str:
    channels = label.split(" ", 1)[0]
    return (f'<g class="arrow" data-channels="{escape(channels)}">'
            f'<line x1="{x:g}" y1="{y1:g}" x2="{x:g}" y2="{y2 - 6:g}" stroke="#333" '
            f'stroke-width="1.6"/>' + _head(x, y2, "down")
            + _svg_text(x + 8, (y1 + y2) / 2 + 4, label, anchor="start", size=12,
                        weight="bold", fill="#b3261e") + "</g>")


def _head(x: float, y: float, direction: str) -> str:
    """An arrowhead whose tip is at (x, y), pointing down or left."""
    if direction == "down":
        points = f"{x - 5:g},{y - 9:g} {x + 5:g},{y - 9:g} {x:g},{y:g}"
    else:
        points = f"{x + 9:g},{y - 5:g} {x + 9:g},{y + 5:g} {x:g},{y:g}"
    return f'<polygon points="{points}" fill="#333"/>'


def _svg_box(box: ConvBox, cx: float, y: float, *, fill: str, width: int = BOX_W) -> str:
    return (f'<g class="conv" data-kernel="{box.kernel}" data-in="{box.in_channels}" '
            f'data-out="{box.out_channels}">'
            f'<rect x="{cx - width / 2:g}" y="{y:g}" width="{width}" height="{BOX_H}" rx="6" '
            f'fill="{fill}" stroke="#333" stroke-width="1.2"/>'
            + _svg_text(cx, y + 19, box.title, weight="bold")
            + _svg_text(cx, y + 37, box.detail, size=12) + "</g>")


def _shortcut_svg(d: BlockDiagram, labels: Labels, *, x: float, y0: float,
                  y1: float) -> list[str]:
    """The shortcut path from the split (y0) to the add (y1), at column ``x``."""
    dash = "" if d.projection else ' stroke-dasharray="5 4"'
    path = (f'<path d="M{MAIN_X} {y0:g} H{x:g} V{y1:g} H{MAIN_X + 20}" fill="none" '
            f'stroke="#555" stroke-width="1.6"{dash}/>')
    parts = [f'<g class="shortcut" data-kind="{d.shortcut}">', path, _head(MAIN_X + 12, y1, "left")]
    if d.projection is None:
        parts.append(_svg_text(x + 6, (y0 + y1) / 2, labels.identity, anchor="start",
                               size=12, fill="#555"))
    else:
        top = y0 + 30
        parts.append(_svg_box(d.projection, x, top, fill=PROJ_FILL, width=150))
        parts.append(_svg_text(x, top + BOX_H + 16, labels.projection, size=12, fill="#8a4b00"))
        parts.append(_svg_arrow(x, top + BOX_H + 22, y1 - 10,
                                f"{d.projection.out_channels} {labels.channels}"))
    parts.append("</g>")
    return parts


def render_svg(d: BlockDiagram, labels: Labels = Labels()) -> str:
    """One block as a standalone ``<svg>`` element (inline in HTML or saved to a file)."""
    body, width, height = _layout(d, labels)
    return _svg_root(width, height, body, kind=str(d.kind))


def _layout(d: BlockDiagram, labels: Labels) -> tuple[str, int, int]:
    """The SVG body of one block and its width and height."""
    side_x = MAIN_X + BOX_W // 2 + SIDE_GAP + (75 if d.projection else 0)
    chain = d.chain()
    # ~7 px per character of 12 px text: wide enough that the chain line is never clipped
    width = max(int(side_x + (95 if d.projection else 80)), 20 + 7 * len(chain))
    body = [_svg_text(10, 22, labels.kind(d.kind), size=16, weight="bold", anchor="start"),
            _svg_text(10, 42, chain, size=12, fill="#444", anchor="start")]
    y = 62
    body.append(_svg_text(MAIN_X, y + 12, f"{labels.inp}: {d.in_channels} {labels.channels}, "
                          f"{_hw(d.in_hw)}", size=12))
    y += 22
    split = y + 2
    for box in d.convs:
        body.append(_svg_arrow(MAIN_X, y, y + STEP - 8, f"{box.in_channels} {labels.channels}"))
        y += STEP - 8
        body.append(_svg_box(box, MAIN_X, y, fill=FILL.get(box.kernel, "#eee")))
        y += BOX_H
    body.append(_svg_arrow(MAIN_X, y, y + STEP - 14, f"{d.out_channels} {labels.channels}"))
    add_y = y + STEP
    body += _shortcut_svg(d, labels, x=side_x, y0=split, y1=add_y)
    body.append(f'<circle cx="{MAIN_X}" cy="{add_y}" r="12" fill="#fff" stroke="#333" '
                f'stroke-width="1.6"/>')
    body.append(_svg_text(MAIN_X, add_y + 6, "+", size=18, weight="bold"))
    body.append(_svg_arrow(MAIN_X, add_y + 12, add_y + 46, "ReLU"))
    body.append(_svg_text(MAIN_X, add_y + 64, f"{labels.out}: {d.out_channels} "
                          f"{labels.channels}, {_hw(d.out_hw)}", size=12))
    return "".join(body), width, add_y + 78


def _svg_root(width: int, height: int, body: str, *, kind: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="block-diagram" data-kind="{kind}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} '
        f'role="img">{body}</svg>'
    )


def render_pair_svg(diagrams: tuple[BlockDiagram, ...], labels: Labels = Labels()) -> str:
    """All diagrams side by side in one standalone SVG document (``diagram --svg``)."""
    parts, x, height = [], 0, 0
    for d in diagrams:
        body, w, h = _layout(d, labels)
        parts.append(f'<g class="block-diagram" data-kind="{d.kind}" '
                     f'transform="translate({x} 0)">{body}</g>')
        x, height = x + w + 20, max(height, h)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{x}" height="{height}" '
            f'viewBox="0 0 {x} {height}" {FONT}>'
            f'<rect width="100%" height="100%" fill="#fff"/>{"".join(parts)}</svg>\n')
