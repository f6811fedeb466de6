"""Words and number forms every format shares, so the table, Markdown and CSV agree."""

from __future__ import annotations

from collections.abc import Sequence

from bottlecalc.analytic import fmt
from bottlecalc.results import BlockResult, CompareResult, Routes

_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))

LEGEND = (
    "MAC = one multiply-accumulate (what papers and fvcore call a \"FLOP\"); "
    "FLOP = one floating-point operation, so FLOPs = 2 x MACs (torch's FlopCounterMode). "
    "Conv weights = main-path conv weights only, no bias/BN/shortcut (the article's count). "
    "MACs count conv (and linear) layers only; fvcore adds BN (2 per element) and skips the "
    "residual add and ReLU."
)

MARK = {True: "✓", False: "✗", None: ""}


def human(n: int | None) -> str:
    """Short form: 1,179,648 -> '1.18 M'; 3,699,376,128 -> '3.70 G'."""
    if n is None:
        return "—"
    for scale, unit in _UNITS:
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def exact(n: int | None) -> str:
    return "—" if n is None else fmt(n)


def ratio_line(result: CompareResult) -> str:
    r = result.ratios()
    a, b = result.blocks[0].spec.kind, result.blocks[-1].spec.kind
    return (
        f"{b}: {r['conv']:.1f}x fewer conv weights, {r['macs']:.1f}x fewer MACs "
        f"({r['params']:.1f}x fewer parameters in all) than the {a} block"
    )


def unsupported_note(block: BlockResult) -> str | None:
    ops = block.measured.unsupported
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
        notes.append("--no-measure: analytic counts only; torch was not imported")
    return notes


def routes_line(results: Sequence[Routes], *, measured: bool) -> str:
    """Which routes ran over ``results`` and whether they all agreed."""
    if not measured:
        return "routes: analytic only"
    routes = ["analytic", "instantiated (meta device)"]
    if any(r.measured.fvcore is not None for r in results):
        routes.append("fvcore")
    if any(r.measured.torch_flops is not None for r in results):
        routes.append("FlopCounterMode")
    verdict = "all agree" if all(r.all_agree for r in results) else "DISAGREE (see ✗)"
    return f"routes: {', '.join(routes)}: {verdict}"


def agreement_line(result: CompareResult) -> str:
    return routes_line(result.blocks, measured=result.measured)


def describe(block: BlockResult) -> str:
    """'3x3 256→256, 3x3 256→256' — the main path, conv by conv."""
    parts = []
    for layer in block.layers:
        if layer.op == "conv":
            k = layer.kernel
            stride = f"/{layer.stride}" if layer.shortcut else ""
            tag = "+ shortcut " if layer.shortcut else ""
            parts.append(f"{tag}{k}x{k}{stride} {layer.in_shape[1]}→{layer.out_shape[1]}")
    return ", ".join(parts)


def totals_text(block: BlockResult) -> list[str]:
    """How each total adds up, e.g. 'conv weights: 589,824 + 589,824 = 1,179,648'."""
    c = block.counts
    main = [row for row in block.layers if row.op == "conv" and not row.shortcut]
    lines = [f"conv weights: {' + '.join(fmt(row.weights) for row in main)} = {fmt(c.conv)}"]
    if c.bn:
        bns = [row for row in block.layers if row.op == "bn" and not row.shortcut]
        lines.append(f"BN params: {' + '.join(fmt(row.params) for row in bns)} = {fmt(c.bn)}")
    if c.bias:
        lines.append(f"biases: {fmt(c.bias)}")
    if c.shortcut:
        side = [row for row in block.layers if row.shortcut]
        lines.append(f"shortcut: {' + '.join(fmt(row.params) for row in side)} = {fmt(c.shortcut)}")
    parts = [p for p in (c.conv, c.bias, c.bn, c.shortcut) if p]
    lines.append(f"total params: {' + '.join(fmt(p) for p in parts)} = {fmt(c.total)}")
    convs = [row for row in block.layers if row.macs]
    lines.append(f"MACs: {' + '.join(fmt(row.macs) for row in convs)} = {fmt(c.macs)}")
    lines.append(f"FLOPs: 2 x {fmt(c.macs)} = {fmt(c.flops)}")
    return lines
