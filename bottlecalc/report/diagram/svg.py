"""``diagram --svg``: both blocks drawn side by side in one standalone SVG document."""

from __future__ import annotations

from html import escape

from bottlecalc.report.diagram import model, yolo
from bottlecalc.report.render import RenderOptions
from bottlecalc.results import CompareResult

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


def _svg_box(box: model.ConvBox | yolo.Box, cx: float, y: float, *, fill: str,
             width: int = BOX_W) -> str:
    """A conv (its kernel and channels as data) or a YOLO module (its output channels)."""
    data = (f'class="module" data-out="{box.out}"' if isinstance(box, yolo.Box) else
            f'class="conv" data-kernel="{box.kernel}" data-in="{box.in_channels}" '
            f'data-out="{box.out_channels}"')
    return (f'<g {data}><rect x="{cx - width / 2:g}" y="{y:g}" width="{width}" '
            f'height="{BOX_H}" rx="6" fill="{fill}" stroke="#333" stroke-width="1.2"/>'
            + _svg_text(cx, y + 19, box.title, weight="bold")
            + _svg_text(cx, y + 37, box.detail, size=12) + "</g>")


def _shortcut_svg(d: model.BlockDiagram, labels: model.Labels, *, x: float, y0: float,
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


def render_svg(d: model.BlockDiagram, labels: model.Labels = model.ENGLISH) -> str:
    """One block as a standalone ``<svg>`` element (inline in HTML or saved to a file)."""
    body, width, height = _layout(d, labels)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="block-diagram" '
            f'data-kind="{d.kind}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT} role="img">{body}</svg>')


def _layout(d: model.BlockDiagram, labels: model.Labels) -> tuple[str, int, int]:
    """The SVG body of one block and its width and height."""
    side_x = MAIN_X + BOX_W // 2 + SIDE_GAP + (75 if d.projection else 0)
    chain = d.chain()
    # ~7 px per character of 12 px text: wide enough that the chain line is never clipped
    width = max(int(side_x + (95 if d.projection else 80)), 20 + 7 * len(chain))
    body = [_svg_text(10, 22, labels.kind(d.kind), size=16, weight="bold", anchor="start"),
            _svg_text(10, 42, chain, size=12, fill="#444", anchor="start")]
    y = 62
    body.append(_svg_text(MAIN_X, y + 12, labels.end(labels.inp, d.in_channels, d.in_hw),
                          size=12))
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
    body.append(_svg_text(MAIN_X, add_y + 64, labels.end(labels.out, d.out_channels, d.out_hw),
                          size=12))
    return "".join(body), width, add_y + 78


def render_pair_svg(drawn: tuple[yolo.Drawing, ...],
                    labels: model.Labels = model.ENGLISH) -> str:
    """All diagrams side by side in one standalone SVG document (``diagram --svg``)."""
    parts, x, height = [], 0, 0
    for d in drawn:
        body, w, h = yolo_layout(d, labels) if isinstance(d, yolo.YoloDiagram) \
            else _layout(d, labels)
        parts.append(f'<g class="block-diagram" data-kind="{d.kind}" '
                     f'transform="translate({x} 0)">{body}</g>')
        x, height = x + w + 20, max(height, h)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{x}" height="{height}" '
            f'viewBox="0 0 {x} {height}" {FONT}>'
            f'<rect width="100%" height="100%" fill="#fff"/>{"".join(parts)}</svg>\n')


def render(result: CompareResult, options: RenderOptions) -> str:
    return render_pair_svg(yolo.drawings(result))


def _yolo_side(step: yolo.Side, current: int, x: float, y: float, ch: str) -> str:
    via = f" → [{step.via}] → {step.channels} {ch}" if step.via else ""
    source = current if step.via else step.channels
    text = f"{source} {ch}{via} → cat ({step.label})"
    return (f'<g class="side" data-channels="{step.channels}">'
            f'<line x1="{x:g}" y1="{y - 8:g}" x2="{x:g}" y2="{y + 10:g}" stroke="#333" '
            f'stroke-width="1.6"/>'
            f'<line x1="{x:g}" y1="{y:g}" x2="{x + 40:g}" y2="{y:g}" stroke="#555" '
            f'stroke-width="1.4" stroke-dasharray="4 3"/>'
            + _svg_text(x + 46, y + 4, text, anchor="start", size=12, fill="#8a4b00") + "</g>")


def _yolo_join(step: yolo.Join, x: float, y: float, ch: str) -> str:
    sign = "+" if step.add else "cat"
    what = (f"+ input, {step.parts[0]} {ch}" if step.add else
            f"{' + '.join(map(str, step.parts))} = {step.out} {ch}")
    return (f'<g class="join" data-out="{step.out}">'
            f'<ellipse cx="{x:g}" cy="{y + 12:g}" rx="22" ry="12" fill="#fff" stroke="#333" '
            f'stroke-width="1.6"/>' + _svg_text(x, y + 16, sign, weight="bold")
            + _svg_text(x + 30, y + 16, what, anchor="start", size=12, fill="#b3261e") + "</g>")


def yolo_layout(d: yolo.YoloDiagram, labels: model.Labels = model.ENGLISH) -> tuple[str, int, int]:
    """One YOLO block top to bottom: boxes, side tensors into the concat, the join."""
    texts = [t for s in d.steps if isinstance(s, yolo.Box) for t in (s.title, s.detail)]
    box_w = max(BOX_W, 8 * max(map(len, texts)) + 20)
    x, ch = 20 + box_w // 2, labels.channels
    body = [_svg_text(10, 22, str(d.kind), size=16, weight="bold", anchor="start"),
            _svg_text(10, 42, d.signature, size=12, fill="#444", anchor="start"),
            _svg_text(x, 74, labels.end(labels.inp, d.in_channels, d.in_hw), size=12)]
    y, current, widest = 84, d.in_channels, 0
    for step in d.steps:
        if isinstance(step, yolo.Side):
            body.append(_yolo_side(step, current, x, y + 8, ch))
            widest = max(widest, len(step.via) + 30)
            y += 18
            continue
        body.append(_svg_arrow(x, y, y + STEP - 8, f"{current} {ch}"))
        y += STEP - 8
        if isinstance(step, yolo.Box):
            fill = FILL[1] if "1x1" in step.title else FILL[3]
            body.append(_svg_box(step, x, y, fill=fill, width=box_w))
        else:
            body.append(_yolo_join(step, x, y, ch))
        y, current = y + (BOX_H if isinstance(step, yolo.Box) else 24), step.out
    body.append(_svg_arrow(x, y, y + STEP - 8, f"{current} {ch}"))
    body.append(_svg_text(x, y + STEP + 8, labels.end(labels.out, d.out_channels, d.out_hw),
                          size=12))
    width = max(x + box_w // 2 + 60 + 7 * widest, 20 + 7 * len(d.signature), x + 200)
    return "".join(body), int(width), y + STEP + 24
