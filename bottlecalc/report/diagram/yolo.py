"""The drawing model of YOLO's blocks: a main path of boxes with a channel count on every
arrow, the branches that join it (C3's second 1x1, C2f's chunks, SPPF's pools) and the concat
they meet at (drawn by :mod:`~bottlecalc.report.diagram.text` and ``svg``).

Pure Python. The drawing is read off a counted block's layers, grouped by ultralytics' module
names (``cv1``, ``m.0``, ``cat``), so it shows exactly what was counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from bottlecalc.analytic import Layer, Op
from bottlecalc.report.compare.words import yolo_arguments
from bottlecalc.report.diagram import model
from bottlecalc.results import BlockResult, CompareResult
from bottlecalc.spec import YoloKind


@dataclass(frozen=True)
class Box:
    """A module on the main path: 'cv1: 1x1 conv' over '256→128, BN, SiLU'."""

    title: str
    detail: str
    out: int


@dataclass(frozen=True)
class Side:
    """A tensor that also goes to the concat: the input through a branch, or a tap of the
    main path (``via`` empty)."""

    channels: int
    label: str
    via: str = ""


@dataclass(frozen=True)
class Join:
    """Where tensors meet: a concat of ``parts`` or the residual add of the input."""

    parts: tuple[int, ...]
    add: bool = False

    @property
    def out(self) -> int:
        return self.parts[0] if self.add else sum(self.parts)


Step = Box | Side | Join


@dataclass(frozen=True)
class YoloDiagram:
    kind: YoloKind
    signature: str  # 'C3(256, 256, n=3 e=0.5 shortcut)'
    in_channels: int
    out_channels: int
    in_hw: tuple[int, int]
    out_hw: tuple[int, int]
    steps: tuple[Step, ...]


CLASS = {YoloKind.CONV: "Conv", YoloKind.BOTTLENECK: "Bottleneck", YoloKind.C3: "C3",
         YoloKind.CSP: "BottleneckCSP", YoloKind.C2F: "C2f", YoloKind.C3K: "C3k",
         YoloKind.C3K2: "C3k2", YoloKind.SPPF: "SPPF"}


def _unit(name: str) -> str:
    """The module a layer belongs to: 'cv1', 'm.0', 'cat' ('' for Conv's own layers)."""
    parts = name.split(".")
    if parts[0] == "m" and len(parts) > 2:
        return ".".join(parts[:2])
    return "" if parts[0] in ("conv", "bn", "act") else parts[0]


def _units(layers: tuple[Layer, ...]) -> list[tuple[str, list[Layer]]]:
    """Consecutive layers grouped by module, in forward order (SPPF's pool: once per call)."""
    units: list[tuple[str, list[Layer]]] = []
    for layer in layers:
        key = _unit(layer.name)
        if units and units[-1][0] == key and layer.op is not Op.MAXPOOL:
            units[-1][1].append(layer)
        else:
            units.append((key, [layer]))
    return units


def box_of(name: str, layers: list[Layer]) -> Box:
    """One module as a box: a Conv, a bare conv, an inner block, a pool, or BN + SiLU."""
    first, last = layers[0], layers[-1]
    convs = [r for r in layers if r.op is Op.CONV]
    label = f"{name}: " if name else ""
    cin, cout = first.in_shape[1], last.out_shape[1]
    if name.startswith("m.") and len(convs) > 1:
        inner = "Bottleneck" if len(convs) == 2 else "C3k"
        plus = " (+)" if any(r.op is Op.ADD for r in layers) else ""
        detail = ", ".join(f"{c.kernel}x{c.kernel} {c.in_shape[1]}→{c.out_shape[1]}"
                           for c in convs) if len(convs) == 2 else \
            f"{cin}→{cout}, {len(convs)} convs"
        return Box(f"{label}{inner}{plus}", detail, cout)
    if first.op is Op.MAXPOOL:
        return Box(f"{label}{first.kernel}x{first.kernel} max-pool", f"{cin}→{cout}, stride 1",
                   cout)
    after = [word for word, op in (("BN", Op.BN), ("SiLU", Op.SILU))
             if any(r.op is op for r in layers)]
    if not convs:  # BottleneckCSP's BN and SiLU on the concat
        return Box(f"{label}{' + '.join(after)}", f"{cin}→{cout}", cout)
    return Box(f"{label}{model.conv_title(convs[0])}", ", ".join([f"{cin}→{cout}", *after]), cout)


def yolo_steps(kind: YoloKind, layers: tuple[Layer, ...]) -> list[Step]:
    """The drawing's steps: boxes down the main path, sides into the concat, the join."""
    steps: list[Step] = []
    taps: list[int] = []
    for name, group in _units(layers):
        op = group[0].op
        if op is Op.CAT:
            # the main path's channels: the last box's output (none yet: the block's input)
            main = (next((s.out for s in reversed(steps) if isinstance(s, Box)),
                         layers[0].in_shape[1]),)
            first = kind in BRANCHED  # torch.cat((main path, cv2(x)))
            steps.append(Join(main + tuple(taps) if first else tuple(taps) + main))
            taps = []
        elif op is Op.CHUNK:
            half = group[0].out_shape[1] // 2
            steps += [Box("chunk", f"{2 * half}→{half} + {half}", half), Side(half, "chunk 0")]
            taps.append(half)
        elif op is Op.ADD:
            steps.append(Join((group[0].out_shape[1], group[0].out_shape[1]), add=True))
        elif name == "cv2" and kind in BRANCHED:
            branch = box_of(name, group)
            via = f"{branch.title}, {branch.detail}"
            steps.insert(0, Side(branch.out, "from the input", via=via))
            taps.insert(0, branch.out)
        else:
            _tap_before(kind, steps, taps, name)
            steps.append(box_of(name, group))
    return steps


BRANCHED = frozenset({YoloKind.C3, YoloKind.C3K, YoloKind.CSP})


def _tap_before(kind: YoloKind, steps: list[Step], taps: list[int], name: str) -> None:
    """C2f's inner blocks and SPPF's pools: what they read also goes to the concat."""
    reads_tapped = (kind in (YoloKind.C2F, YoloKind.C3K2) and name.startswith("m.")) or \
        (kind is YoloKind.SPPF and name == "m")
    last = next((s for s in reversed(steps) if isinstance(s, Box)), None)
    if reads_tapped and last is not None:
        label = "chunk 1" if last.title == "chunk" else last.title.split(":")[0]
        steps.append(Side(last.out, label))
        taps.append(last.out)


def yolo_diagram(block: BlockResult) -> YoloDiagram:
    spec, layers = block.spec, block.layers
    kind = YoloKind(spec.kind)
    args = " ".join(yolo_arguments(spec))
    widths = f"{spec.in_channels}, {spec.out_channels}"
    signature = f"{CLASS[kind]}({widths}{', ' + args if args else ''})"
    first, last = layers[0].in_shape, layers[-1].out_shape
    return YoloDiagram(kind, signature, first[1], last[1], (first[2], first[3]),
                       (last[2], last[3]), tuple(yolo_steps(kind, layers)))


Drawing = model.BlockDiagram | YoloDiagram


def drawings(result: CompareResult) -> tuple[Drawing, ...]:
    """One drawing per compared block: ResNet's as before, YOLO's as flows."""
    return tuple(yolo_diagram(b) if b.spec.is_yolo else model.block_diagram(b)
                 for b in result.blocks)
