"""Words every ``compare`` format shares, so the table, Markdown and CSV agree."""

from __future__ import annotations

from bottlecalc.analytic import Op, fmt
from bottlecalc.report.words import NO_MEASURE, routes_line
from bottlecalc.results import BlockResult, CompareResult

LEGEND = (
    "MAC = one multiply-accumulate (what papers and fvcore call a \"FLOP\"); "
    "FLOP = one floating-point operation, so FLOPs = 2 x MACs (torch's FlopCounterMode). "
    "Conv weights = main-path conv weights only, no bias/BN/shortcut (the article's count). "
    "MACs count conv (and linear) layers only; fvcore adds BN (2 per element) and skips the "
    "residual add and ReLU."
)


def ratio_line(result: CompareResult) -> str:
    r = result.ratios()
    a, b = result.blocks[0].spec.kind, result.blocks[-1].spec.kind
    return (
        f"{b}: {r['conv']:.1f}x fewer conv weights, {r['macs']:.1f}x fewer MACs "
        f"({r['params']:.1f}x fewer parameters in all) than the {a} block"
    )


def unsupported_note(block: BlockResult) -> str | None:
    ops = block.measured.fvcore_unsupported
    if not ops:
        return None
    listed = ", ".join(f"{name} x{n}" for name, n in ops)
    return (
        f"{block.spec.kind}: fvcore skipped {listed} (the residual add is not a MAC; "
        "no engine here counts it)"
    )


def footnotes(result: CompareResult) -> list[str]:
    notes = [note for b in result.blocks if (note := unsupported_note(b))]
    notes.extend(result.notes)
    if not result.measured:
        notes.append(NO_MEASURE)
    return notes


def agreement_line(result: CompareResult) -> str:
    return routes_line(result.blocks, measured=result.measured)


def describe(block: BlockResult) -> str:
    """'3x3 256→256, 3x3 256→256' — the main path, conv by conv."""
    parts = []
    for layer in block.layers:
        if layer.op is Op.CONV:
            k = layer.kernel
            stride = f"/{layer.stride}" if layer.shortcut else ""
            tag = "+ shortcut " if layer.shortcut else ""
            parts.append(f"{tag}{k}x{k}{stride} {layer.in_shape[1]}→{layer.out_shape[1]}")
    return ", ".join(parts)


def _sum(label: str, parts: list[int], total: int) -> str:
    return f"{label}: {' + '.join(fmt(p) for p in parts)} = {fmt(total)}"


def totals_text(block: BlockResult) -> list[str]:
    """How each total adds up, e.g. 'conv weights: 589,824 + 589,824 = 1,179,648'."""
    c, layers = block.counts, block.layers
    main = [row for row in layers if not row.shortcut]
    lines = [_sum("conv weights", [r.weights for r in main if r.op is Op.CONV], c.conv)]
    if c.bn:
        lines.append(_sum("BN params", [r.params for r in main if r.op is Op.BN], c.bn))
    if c.bias:
        lines.append(f"biases: {fmt(c.bias)}")
    if c.shortcut:
        lines.append(_sum("shortcut", [r.params for r in layers if r.shortcut], c.shortcut))
    lines.append(_sum("total params", [p for p in (c.conv, c.bias, c.bn, c.shortcut) if p],
                      c.total))
    lines.append(_sum("MACs", [r.macs for r in layers if r.macs], c.macs))
    lines.append(f"FLOPs: 2 x {fmt(c.macs)} = {fmt(c.flops)}")
    return lines
