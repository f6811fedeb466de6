"""Words every ``compare`` format shares, so the table, Markdown and CSV agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from bottlecalc.analytic import Layer, Op, ratio
from bottlecalc.report.numbers import fmt
from bottlecalc.report.words import NO_MEASURE
from bottlecalc.results import (
    AssumedMid,
    BlockResult,
    CompareNote,
    CompareResult,
    DenseBasic,
    EngineNote,
    Projection,
)
from bottlecalc.spec import BlockKind, BlockSpec, YoloKind

ARTICLE_PAIR = (BlockKind.BASIC, BlockKind.BOTTLENECK)

# How each compare note is worded; the handout's i18n tables word them in every language
# with the same keys and placeholders.
NOTE_TEXT: dict[str, str] = {
    "note_projection": "{block}: projection shortcut ({conv}, stride {stride}) added because "
                       "{why}: an identity shortcut could not be added to the output (the "
                       "article's sample crashes here)",
    "note_channels": "in {inp} != out {out}",
    "note_stride": "stride {stride}",
    "note_and": " and ",
    "note_dense": "groups {groups} apply to the bottleneck's 3x3 conv only (ResNeXt); the "
                  "basic block's convs are dense",
    "note_mid": "bottleneck: --mid not given: {inp} / 4 = {mid} (torchvision's expansion 4)",
    "note_engine": "{block}: {text}",
    "note_basic": "basic",  # a block's name at the head of a note (others: their kind)
    "note_bottleneck": "bottleneck",
}


def note_text(note: CompareNote, text: Mapping[str, str] = NOTE_TEXT) -> str:
    """One note in words, from ``text`` (a table with :data:`NOTE_TEXT`'s keys)."""
    match note:
        case Projection():
            return _projection_text(note, text)
        case DenseBasic(groups=groups):
            return text["note_dense"].format(groups=groups)
        case AssumedMid(in_channels=inp, mid=mid):
            return text["note_mid"].format(inp=inp, mid=mid)
        case EngineNote(block=block, text=said):
            return text["note_engine"].format(block=_name(block, text), text=said)


def _name(block: str, text: Mapping[str, str]) -> str:
    return text.get(f"note_{block}", block)


def _projection_text(note: Projection, text: Mapping[str, str]) -> str:
    why = []
    if note.in_channels != note.out_channels:
        why.append(text["note_channels"].format(inp=note.in_channels, out=note.out_channels))
    if note.stride != 1:
        why.append(text["note_stride"].format(stride=note.stride))
    conv = "1x1 conv + BN" if note.bn else "1x1 conv"
    return text["note_projection"].format(block=_name(note.block, text), conv=conv,
                                          stride=note.stride, why=text["note_and"].join(why))


def title(result: CompareResult) -> str:
    """'Basic vs bottleneck block: in 256, mid 64, out 256; input 1x256x56x56' for the
    article's pair; other blocks are named in order, the first being the baseline."""
    spec, shape = result.blocks[-1].spec, result.shape
    stride = f", stride {spec.stride}" if spec.stride != 1 else ""
    groups = f", groups {spec.groups}" if spec.groups != 1 else ""
    input_dims = f"; input {shape.batch}x{spec.in_channels}x{shape.height}x{shape.width}"
    if tuple(b.spec.kind for b in result.blocks) == ARTICLE_PAIR:
        return (f"Basic vs bottleneck block: in {spec.in_channels}, mid {spec.mid}, "
                f"out {spec.out_channels}{stride}{groups}{input_dims}")
    kinds = [b.spec for b in result.blocks]
    names = " vs ".join(str(k.kind) for k in kinds)
    mids = [k.mid for k in kinds if k.kind is BlockKind.BOTTLENECK]
    mid = f", mid {mids[0]}" if mids else ""
    return (f"{names}: in {spec.in_channels}{mid}, out {spec.out_channels}{stride}{groups}"
            f"{input_dims}")


def _times(r: float, what: str) -> str:
    if r >= 1 or r == 0:
        return f"{r:.1f}x fewer {what}"
    return f"{1 / r:.1f}x more {what}"


def ratio_lines(result: CompareResult) -> list[str]:
    """Each block against the first (the baseline, named in every line)."""
    base = result.blocks[0]
    return [_ratio_text(base, block) for block in result.blocks[1:]]


def _ratio_text(base: BlockResult, block: BlockResult) -> str:
    a, b = base.counts, block.counts
    conv, macs = _times(ratio(a.conv, b.conv), "conv weights"), _times(ratio(a.macs, b.macs),
                                                                          "MACs")
    params = _times(ratio(a.total, b.total), "parameters in all")
    return f"{block.spec.kind}: {conv}, {macs} ({params}) than the {base.spec.kind} block"


def unsupported_note(block: BlockResult) -> str | None:
    ops = block.measured.fvcore_unsupported
    if not ops:
        return None
    listed = ", ".join(f"{name} x{n}" for name, n in ops)
    if block.spec.is_yolo:
        why = "SiLU, max-pooling and the residual add do no multiply-accumulates"
        return f"{block.spec.kind}: fvcore skipped {listed} ({why}; no engine here counts them)"
    return (
        f"{block.spec.kind}: fvcore skipped {listed} (the residual add is not a MAC; "
        "no engine here counts it)"
    )


def gflops_note(block: BlockResult) -> str | None:
    """ultralytics' "GFLOPs" for a YOLO block: 2 x thop's count / 10^9, at this input."""
    if not block.spec.is_yolo:
        return None
    fused, unfused = (block.thop_macs(fused=f) for f in (True, False))
    return (f"{block.spec.kind}: ultralytics' \"GFLOPs\" = 2 x thop's count / 10^9: "
            f"2 x {fmt(fused)} MACs = {fmt(2 * fused)} ({giga(2 * fused)} GFLOPs) fused; "
            f"2 x {fmt(unfused)} = {fmt(2 * unfused)} ({giga(2 * unfused)}) unfused, "
            "where thop adds 4 per BatchNorm element (docs/conventions.md)")


def giga(n: int) -> str:
    """n / 10^9 as a model summary would show it, with 3 significant digits below 0.1."""
    value = n / 1e9
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3g}"


def footnotes(result: CompareResult) -> list[str]:
    notes = [note for b in result.blocks if (note := unsupported_note(b))]
    notes.extend(note for b in result.blocks if (note := gflops_note(b)))
    notes.extend(note_text(note) for note in result.notes)
    if not result.measured:
        notes.append(NO_MEASURE)
    return notes


def describe(block: BlockResult) -> str:
    """'3x3 256→256, 3x3 256→256' — the main path, conv by conv (YOLO blocks: their
    arguments, then each distinct conv with how often it occurs)."""
    if block.spec.is_yolo:
        return ", ".join([*yolo_arguments(block.spec), *_conv_tally(block.layers)])
    parts = []
    for layer in block.layers:
        if layer.op is Op.CONV:
            k = layer.kernel
            stride = f"/{layer.stride}" if layer.shortcut else ""
            tag = "+ shortcut " if layer.shortcut else ""
            parts.append(f"{tag}{k}x{k}{stride} {layer.in_shape[1]}→{layer.out_shape[1]}")
    return ", ".join(parts)


def yolo_arguments(spec: BlockSpec) -> list[str]:
    """ultralytics' arguments of a YOLO block: 'n=3', 'e=0.5', 'k=3,3', 'shortcut'."""
    kind, args = spec.kind, []
    if spec.repeats and kind is not YoloKind.SPPF:
        args.append(f"n={spec.repeats}")
    if kind not in (YoloKind.CONV, YoloKind.SPPF):
        args.append(f"e={spec.expand:g}")
        args.append("shortcut" if spec.residual else "no shortcut")
    if spec.kernels and kind is not YoloKind.CONV:
        args.append(f"k={','.join(map(str, spec.kernels))}")
    if spec.c3k:
        args.append("c3k")
    return [" ".join(args)] if args else []


def _conv_tally(layers: tuple[Layer, ...]) -> list[str]:
    tally = Counter(
        f"{r.kernel}x{r.kernel}{f'/{r.stride}' if r.stride > 1 else ''} "
        f"{r.in_shape[1]}→{r.out_shape[1]}{f' g{r.groups}' if r.groups > 1 else ''}"
        for r in layers if r.op is Op.CONV)
    return [f"{text} (x{n})" if n > 1 else text for text, n in tally.items()]


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
