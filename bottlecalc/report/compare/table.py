"""``compare --format table``: the rich table, ratio line, legend and footnotes."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from bottlecalc.analytic import Op
from bottlecalc.report import glossary, timing
from bottlecalc.report.compare import words
from bottlecalc.report.console import to_str
from bottlecalc.report.layout import BOXED_RULED, PLAIN, Column, Prose, Sheet, fit, plain_sheet
from bottlecalc.report.numbers import exact, human, shape_text
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.words import MARK
from bottlecalc.results import BlockResult, CompareResult

HEADERS = ("conv\nweights", "BN\nparams", "shortcut\nparams", "total\nparams",
           "MACs\n(conv)", "fvcore\n(MACs + BN)", "FLOPs\n(2 x MACs)")
DERIVATION = ("layer", "shape (in → out)", "parameters", "MACs / fvcore")


def render(result: CompareResult, options: RenderOptions) -> str:
    """The comparison table, ratio line, legend and footnotes as one string."""
    parts: list[RenderableType] = [fit(summary(result), options.width, turn=True), _ratio(result),
                                   *_timed(result, options.width)]
    for block in result.blocks if options.explain else ():
        parts.extend(_explain(block, options.width))
    parts.append(_footer(result))
    return to_str(Group(*parts), color=options.color, width=options.width)


def cell(n: int | None, mark: bool | None = None) -> Text:
    """'1,179,648 ✓' over '1.18 M': the exact integer and its short form."""
    out = Text(exact(n), style="bold")
    if mark is not None:
        out.append(f" {MARK[mark]}", style="green" if mark else "bold red")
    out.append(f"\n{human(n)}", style="dim")
    return out


def _title(result: CompareResult) -> str:
    spec, shape = result.blocks[-1].spec, result.shape
    input_dims = f"{shape.batch}x{spec.in_channels}x{shape.height}x{shape.width}"
    return f"{words.title(result)}; input {input_dims}"


TRAIN = "train FLOPs\n(fwd + bwd)"


def summary(result: CompareResult) -> Sheet:
    heads = [*HEADERS, *([TRAIN] if result.train else [])]
    columns = (Column("block", right=False), *(Column(name) for name in heads))
    rows = tuple(_row(block, result) for block in result.blocks)
    return Sheet(columns, rows, title=_title(result), style=BOXED_RULED)


def _row(block: BlockResult, result: CompareResult) -> tuple[Text, ...]:
    c, m = block.counts, block.measured
    name = Text(str(block.spec.kind), style="bold")
    name.append("\n" + words.describe(block).replace(", ", "\n"), style="dim")
    total_mark = block.params_agree if result.measured else None
    torch_mark = block.torch_agree if m.torch_flops is not None else None
    fvcore = cell(m.fvcore, block.fvcore_agree) if m.fvcore is not None else _fv_missing(result)
    cells = (name, cell(c.conv), cell(c.bn), cell(c.shortcut), cell(c.total, total_mark),
             cell(c.macs), fvcore, cell(c.flops, torch_mark))
    return (*cells, cell(c.train_flops, block.train_agree)) if result.train else cells


def _fv_missing(result: CompareResult) -> Text:
    return Text("—\n" + ("not run" if result.measured else "--no-measure"), style="dim")


def _ratio(result: CompareResult) -> Group:
    return Group(*(Prose(line, style="bold green") for line in words.ratio_lines(result)))


def _timed(result: CompareResult, width: int | None) -> list[RenderableType]:
    """--time: the measured blocks beside their MACs, then each block layer by layer."""
    machine = result.machine
    if machine is None:
        return []
    first, last = result.blocks[0], result.blocks[-1]
    rows = [timing.block_row(block, machine) for block in result.blocks]
    title = "MACs are not time: measured on this machine"
    parts: list[RenderableType] = [
        fit(plain_sheet(title, timing.BLOCK_HEADER, rows), width),
        Prose(timing.speed_line(first, last, machine), style="bold green"),
    ]
    for name, layer_rows, notes in timing.layer_sections(result.blocks, machine):
        parts.append(fit(plain_sheet(name, timing.LAYER_HEADER, layer_rows, keys=2), width))
        parts.extend(Prose(note, hang=2) for note in notes)
    return parts


def derivation(block: BlockResult) -> Sheet:
    rows = tuple(
        (layer.name, f"{shape_text(layer.in_shape)} → {shape_text(layer.out_shape)}",
         layer.formula, layer.macs_formula)
        for layer in block.layers if layer.op is not Op.RELU
    )
    return Sheet(tuple(Column(name, right=False) for name in DERIVATION), rows,
                 title=f"{block.spec.kind}: per-layer derivation",
                 style=PLAIN)


def _explain(block: BlockResult, width: int | None) -> list[RenderableType]:
    return [fit(derivation(block), width), *map(Prose, words.totals_text(block))]


def _footer(result: CompareResult) -> Group:
    style = "green" if result.all_agree else "bold red"
    lines: list[RenderableType] = [Prose(words.agreement_line(result), style=style)]
    lines.append(Prose(glossary.COMPARE_LEGEND, style="dim"))
    lines.extend(Prose(f"* {note}", style="yellow", hang=2) for note in words.footnotes(result))
    if result.machine is not None:
        lines.append(Prose(glossary.TIME_LEGEND, style="dim"))
        lines.extend(Prose(f"* {note}", style="yellow", hang=2)
                     for note in timing.time_notes(result.blocks, result.machine))
    return Group(*lines)
