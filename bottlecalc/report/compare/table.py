"""``compare --format table``: the rich table, ratio line, legend and footnotes."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bottlecalc.analytic import Op
from bottlecalc.report import timing
from bottlecalc.report.compare import words
from bottlecalc.report.console import rows_table, to_str
from bottlecalc.report.numbers import exact, human, shape_text
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.words import MARK
from bottlecalc.results import BlockResult, CompareResult

WIDTH = 132
HEADERS = ("conv\nweights", "BN\nparams", "shortcut\nparams", "total\nparams",
           "MACs\n(conv)", "fvcore\n(MACs + BN)", "FLOPs\n(2 x MACs)")


def render(result: CompareResult, options: RenderOptions) -> str:
    """The comparison table, ratio line, legend and footnotes as one string."""
    parts: list[RenderableType] = [_summary(result), _ratio(result), *_timed(result)]
    parts.extend(_explain(block) for block in result.blocks if options.explain)
    parts.append(_footer(result))
    width = max(options.width, 100) if options.width else WIDTH
    return to_str(Group(*parts), color=options.color, width=width)


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
    stride = f", stride {spec.stride}" if spec.stride != 1 else ""
    groups = f", groups {spec.groups}" if spec.groups != 1 else ""
    return (f"Basic vs bottleneck block: in {spec.in_channels}, mid {spec.mid}, "
            f"out {spec.out_channels}{stride}{groups}; input {input_dims}")


def _summary(result: CompareResult) -> Table:
    table = Table(title=_title(result), box=box.ROUNDED, header_style="bold cyan",
                  title_style="bold", show_lines=True)
    table.add_column("block", no_wrap=True)
    for name in HEADERS:
        table.add_column(name, justify="right", no_wrap=True)
    for block in result.blocks:
        table.add_row(*_row(block, result))
    return table


def _row(block: BlockResult, result: CompareResult) -> list[RenderableType]:
    c, m = block.counts, block.measured
    name = Text(str(block.spec.kind), style="bold")
    name.append("\n" + words.describe(block).replace(", ", "\n"), style="dim")
    total_mark = block.params_agree if result.measured else None
    torch_mark = block.torch_agree if m.torch_flops is not None else None
    fvcore = cell(m.fvcore, block.fvcore_agree) if m.fvcore is not None else _fv_missing(result)
    return [
        name, cell(c.conv), cell(c.bn), cell(c.shortcut), cell(c.total, total_mark),
        cell(c.macs), fvcore, cell(c.flops, torch_mark),
    ]


def _fv_missing(result: CompareResult) -> Text:
    return Text("—\n" + ("not run" if result.measured else "--no-measure"), style="dim")


def _ratio(result: CompareResult) -> Text:
    return Text(words.ratio_line(result), style="bold green")


def _timed(result: CompareResult) -> list[RenderableType]:
    """--time: the measured blocks beside their MACs, then each block layer by layer."""
    machine = result.machine
    if machine is None:
        return []
    first, last = result.blocks[0], result.blocks[-1]
    rows = [timing.block_row(block, machine) for block in result.blocks]
    parts: list[RenderableType] = [
        rows_table("MACs are not time: measured on this machine", timing.BLOCK_HEADER, rows),
        Text(timing.speed_line(first, last, machine), style="bold green"),
    ]
    for title, rows, notes in timing.layer_sections(result.blocks, machine):
        parts.append(rows_table(title, timing.LAYER_HEADER, rows, text_columns=2))
        parts.extend(map(Text, notes))
    return parts


def _explain(block: BlockResult) -> Table:
    table = Table(title=f"{block.spec.kind}: per-layer derivation", box=box.SIMPLE_HEAD,
                  title_justify="left", header_style="bold")
    for name in ("layer", "shape (in → out)", "parameters", "MACs / fvcore"):
        table.add_column(name, overflow="fold")
    for layer in block.layers:
        if layer.op is not Op.RELU:
            shapes = f"{shape_text(layer.in_shape)} → {shape_text(layer.out_shape)}"
            table.add_row(layer.name, shapes, layer.formula, layer.macs_formula)
    table.caption = "\n".join(words.totals_text(block))
    table.caption_justify = "left"
    return table


def _footer(result: CompareResult) -> Group:
    style = "green" if result.all_agree else "bold red"
    lines: list[RenderableType] = [Text(words.agreement_line(result), style=style)]
    lines.append(Text(words.LEGEND, style="dim"))
    lines.extend(Text(f"* {note}", style="yellow") for note in words.footnotes(result))
    if result.machine is not None:
        lines.append(Text(timing.TIME_LEGEND, style="dim"))
        lines.extend(Text(f"* {note}", style="yellow")
                     for note in timing.time_notes(result.blocks, result.machine))
    return Group(*lines)
