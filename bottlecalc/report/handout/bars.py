"""The handout's "MACs are not time" chart: how many times fewer MACs the bottleneck needs,
beside how many times as fast it ran, as horizontal bars (inline SVG, or text for Markdown).
"""

from __future__ import annotations

from html import escape

BAR_COLORS = ("#888888", "#1b7a9e", "#d95f02")  # MAC ratio, measured, roofline
WIDTH, LABEL_W, BAR_H, GAP, TOP = 640, 190, 26, 12, 40
TEXT_BAR = 40


def _scale(bars: list[tuple[str, float]], room: float) -> float:
    largest = max((value for _, value in bars), default=0.0)
    return room / largest if largest > 0 else 0.0


def _bar(i: int, label: str, value: float, scale: float) -> str:
    y = TOP + i * (BAR_H + GAP)
    length = max(value * scale, 1.0)
    color = BAR_COLORS[i % len(BAR_COLORS)]
    return (f'<g class="bar" data-value="{value:.4f}">'
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H * 0.68:.1f}" font-size="12" '
            f'text-anchor="end" fill="#222">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{BAR_H}" '
            f'fill="{color}"/>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{y + BAR_H * 0.68:.1f}" font-size="12" '
            f'fill="#222">{value:.1f}x</text></g>')


def bars_svg(title: str, bars: list[tuple[str, float]], machine: str) -> str:
    """The bars, the title above and the machine that measured them below."""
    scale = _scale(bars, WIDTH - LABEL_W - 60)
    height = TOP + len(bars) * (BAR_H + GAP) + 24
    body = "".join(_bar(i, label, value, scale) for i, (label, value) in enumerate(bars))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="time-chart" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'font-family="DejaVu Sans, Helvetica, Arial, \'Noto Sans CJK SC\', sans-serif">'
            f'<text x="8" y="22" font-size="14" font-weight="bold" fill="#222">'
            f'{escape(title)}</text>{body}'
            f'<text x="8" y="{height - 8}" font-size="11" fill="#555">{escape(machine)}</text>'
            f"</svg>")


def bars_text(bars: list[tuple[str, float]]) -> str:
    """The same bars in text, for Markdown."""
    scale = _scale(bars, TEXT_BAR)
    width = max(len(label) for label, _ in bars)
    return "\n".join(f"{label:>{width}} {'█' * max(round(value * scale), 1)} {value:.1f}x"
                     for label, value in bars)
