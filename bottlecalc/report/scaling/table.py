"""``network TARGET --seq/--phase --format table``: plain text, every number whole."""

from __future__ import annotations

from bottlecalc.report.numbers import fmt
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.scaling import words
from bottlecalc.scaling import Active, Scaling, SequenceReport


def grid(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Right-aligned columns, as wide as their widest cell (nothing is ever cut)."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [headers, *rows]]


def pairs(items: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in items)
    return [f"  {k.ljust(width)}  {v}" for k, v in items]


def scaling_lines(found: Scaling) -> list[str]:
    lines = [f"Sequence lengths (inputs resized at dim {found.seq_dim}: "
             f"{', '.join(found.resized)})", ""]
    lines += grid(words.POINT_HEADERS, [words.point_row(p) for p in found.points])
    lines += ["", "MACs(T) = a + b*T + c*T^2, exact:"]
    lines += pairs([("dense", words.polynomial(found.dense)),
                    ("causal", words.polynomial(found.causal)),
                    ("attention", words.polynomial(found.attention))])
    return lines


def active_lines(found: Active) -> list[str]:
    return ["Parameters one token reads (batch 1, T=1):",
            *pairs([("params", fmt(found.params)), ("active per token", fmt(found.active)),
                    ("not read", fmt(found.inactive)), ("MACs per token", fmt(found.macs))])]


def lines(report: SequenceReport) -> list[str]:
    out = [f"{report.name}: {report.trainable_text}", ""]
    if report.scaling is not None:
        out += [*scaling_lines(report.scaling), ""]
    if report.decode is not None:
        out += ["One decoding step (cache built by a prefill of N tokens on meta):",
                *pairs(words.decode_lines(report.decode)), ""]
    if report.active is not None:
        out += [*active_lines(report.active), ""]
    out += [words.DENSE, words.CAUSAL, words.ATTENTION]
    return out + [f"note: {n}" for n in report.notes]


def render(report: SequenceReport, options: RenderOptions) -> str:
    return "\n".join(lines(report)) + "\n"
