"""``diagram`` as text: the blocks side by side, a channel count on every arrow (a ResNet
block as a main path and its shortcut, a YOLO block as a flow)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from bottlecalc.report.diagram import model, yolo
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import CompareResult

GAP = 3  # columns between the main path and the shortcut


@dataclass(frozen=True)
class _Row:
    main: str
    side: str = ""
    joined: bool = False  # the row where the shortcut leaves or rejoins the main path


Box = model.ConvBox | yolo.Box


def _text_box(box: Box, width: int) -> list[str]:
    c = width // 2
    top = "┌" + "─" * (c - 1) + "┴" + "─" * (width - c - 2) + "┐"
    bottom = "└" + "─" * (c - 1) + "┬" + "─" * (width - c - 2) + "┘"
    body = [f"│{line.center(width - 2)}│" for line in (box.title, box.detail)]
    return [top, *body, bottom]


def _box_width(boxes: Sequence[Box]) -> int:
    widest = max(len(text) for b in boxes for text in (b.title, b.detail))
    return widest + 4 + (widest % 2)  # odd inner width keeps the spine centred


def _main_rows(d: model.BlockDiagram, labels: model.Labels) -> list[_Row]:
    width = _box_width(d.convs)
    c = width // 2
    pad = " " * c
    rows = [_Row(f"{pad}● {labels.end(labels.inp, d.in_channels, d.in_hw)}"),
            _Row(f"{pad}├", joined=True)]
    for box in d.convs:
        rows += [_Row(line) for line in _text_box(box, width)]
        rows.append(_Row(f"{pad}│ {box.out_channels}"))
    rows.append(_Row(" " * (c - 1) + "(+)", joined=True))
    rows.append(_Row(f"{pad}│ ReLU"))
    rows.append(_Row(f"{pad}▼ {labels.end(labels.out, d.out_channels, d.out_hw)}"))
    return rows


def _side_lines(d: model.BlockDiagram, labels: model.Labels, height: int) -> list[str]:
    """The shortcut column for the rows between the split and the add."""
    if d.projection is None:
        lines = ["│"] * height
        lines[height // 2] = f"│ {labels.identity}"
        return lines
    width = _box_width([d.projection])
    q = width // 2
    box = _text_box(d.projection, width)
    lines = [*box, " " * q + f"│ {d.projection.out_channels} ({labels.projection})"]
    return lines + [" " * q + "│"] * (height - len(lines))


def render_text(d: model.BlockDiagram, labels: model.Labels = model.ENGLISH) -> list[str]:
    """One block as lines of text: the main path down the left, the shortcut right."""
    rows = _main_rows(d, labels)
    split = next(i for i, r in enumerate(rows) if r.joined)
    add = len(rows) - 3
    side = _side_lines(d, labels, add - split - 1)
    q = _box_width([d.projection]) // 2 if d.projection else 0  # the shortcut's column
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
    """Columns of lines next to each other, the shorter padded at the bottom; padded by the
    cells a line takes on a terminal (a Chinese character takes two), so columns line up."""
    height = max(len(col) for col in columns)
    widths = [max(map(cell_len, col)) for col in columns]
    out = []
    for i in range(height):
        cells = [_pad(col[i] if i < len(col) else "", w) for col, w in zip(columns, widths,
                                                                             strict=True)]
        out.append((" " * gap).join(cells).rstrip())
    return "\n".join(out) + "\n"


def _pad(line: str, width: int) -> str:
    return line + " " * (width - cell_len(line))


def render_pair_text(drawn: Sequence[yolo.Drawing], labels: model.Labels = model.ENGLISH) -> str:
    """The blocks side by side: a ResNet block as a main path and shortcut, a YOLO block as
    a flow."""
    return side_by_side([render_yolo_text(d, labels) if isinstance(d, yolo.YoloDiagram)
                         else render_text(d, labels) for d in drawn])


def render_yolo_text(d: yolo.YoloDiagram, labels: model.Labels = model.ENGLISH) -> list[str]:
    """One YOLO block as lines of text, top to bottom; every arrow carries its channels."""
    width = _box_width([s for s in d.steps if isinstance(s, yolo.Box)])
    pad = " " * (width // 2)
    ch = labels.channels
    lines = [str(d.kind), d.signature, "",
             f"{pad}● {labels.end(labels.inp, d.in_channels, d.in_hw)}"]
    current = d.in_channels
    for step in d.steps:
        lines += _step_lines(step, current, pad, width, ch)
        if not isinstance(step, yolo.Side):
            current = step.out
    lines.append(f"{pad}▼ {labels.end(labels.out, d.out_channels, d.out_hw)}")
    return lines


def _step_lines(step: yolo.Step, current: int, pad: str, width: int, ch: str) -> list[str]:
    if isinstance(step, yolo.Side):
        via = f"──▶ [{step.via}] ── {step.channels} " if step.via else ""
        source = current if step.via else step.channels
        return [f"{pad}├── {source} {ch} {via}──▶ cat ({step.label})"]
    arrow = f"{pad}│ {current} {ch}"
    if isinstance(step, yolo.Join):
        what = (f"(+) ◀── input, {step.parts[0]} {ch}" if step.add else
                f"cat: {' + '.join(map(str, step.parts))} = {step.out} {ch} "
                f"({len(step.parts)} tensors)")
        return [arrow, " " * (len(pad) - 1) + what]
    return [arrow, *_text_box(step, width)]


def render(result: CompareResult, options: RenderOptions) -> str:
    return render_pair_text(yolo.drawings(result))
