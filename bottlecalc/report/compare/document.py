"""``compare``'s document: the blocks side by side, the ratio lines, with ``--time`` the
measured tables and the speed line, with ``--explain`` each block's derivation, then
whether the routes agree, the legend and the notes. The table and Markdown formats are
this document drawn by the rich and Markdown writers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bottlecalc.analytic import Op
from bottlecalc.report import document as doc
from bottlecalc.report import glossary
from bottlecalc.report.compare import words
from bottlecalc.report.numbers import exact, human, shape_text
from bottlecalc.report.words import MARK, routes_line

if TYPE_CHECKING:
    from bottlecalc.report.render import RenderOptions
    from bottlecalc.results import BlockResult, CompareResult
    from bottlecalc.timed import Machine

# (name, the terminal's narrower header) of the summary's count columns
COUNTS = (("conv weights", "conv\nweights"), ("BN params", "BN\nparams"),
          ("shortcut", "shortcut\nparams"), ("total params", "total\nparams"),
          ("MACs (conv)", "MACs\n(conv)"), ("fvcore", "fvcore\n(MACs + BN)"),
          ("FLOPs (2xMACs)", "FLOPs\n(2 x MACs)"))
TRAIN = ("train FLOPs (fwd + bwd)", "train FLOPs\n(fwd + bwd)")  # --pass train
DERIVATION = ("layer", "shape (in → out)", "parameters", "MACs / fvcore")


def figure(n: int | None, mark: bool | None = None) -> str:
    """'1,179,648 ✓' over '1.18 M': the exact integer, then its short form."""
    suffix = f" {MARK[mark]}" if mark is not None else ""
    return f"{exact(n)}{suffix}\n{human(n)}"


def _row(block: BlockResult, result: CompareResult) -> tuple[str, ...]:
    c, m = block.counts, block.measured
    name = f"{block.spec.kind}\n{words.describe(block).replace(', ', chr(10))}"
    total_mark = block.params_agree if result.measured else None
    torch_mark = block.torch_agree if m.torch_flops is not None else None
    fvcore = (figure(m.fvcore, block.fvcore_agree) if m.fvcore is not None else
              "—\n" + ("not run" if result.measured else "--no-measure"))
    cells = (name, figure(c.conv), figure(c.bn), figure(c.shortcut), figure(c.total, total_mark),
             figure(c.macs), fvcore, figure(c.flops, torch_mark))
    return (*cells, figure(c.train_flops, block.train_agree)) if result.train else cells


def summary(result: CompareResult) -> doc.Sheet:
    """Every block's counts, each exact over its short form, ✓ where the routes agree."""
    names = [*COUNTS, *([TRAIN] if result.train else [])]
    columns = (doc.Column("block", right=False, detail=True),
               *(doc.Column(name, short=short, detail=True) for name, short in names))
    return doc.Sheet(columns, tuple(_row(block, result) for block in result.blocks),
                     title=words.title(result), look=doc.Look.BOXED_RULED, turn=True, heading=2)


def plain(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], *, keys: int = 1,
          heading: int = 3) -> doc.Sheet:
    """A secondary table: the first ``keys`` columns name a row, the others hold numbers."""
    columns = tuple(doc.Column(name, right=i >= keys) for i, name in enumerate(header))
    return doc.Sheet(columns, tuple(map(tuple, rows)), title=title, keys=keys,
                     look=doc.Look.PLAIN_FLUSH, heading=heading)


def timed(result: CompareResult, machine: Machine) -> list[doc.Block]:
    """--time: the measured blocks beside their MACs, then each block layer by layer."""
    from bottlecalc.report import timing  # only --time: compare's start-up stays light

    rows = [timing.block_row(block, machine) for block in result.blocks]
    blocks: list[doc.Block] = [
        plain("MACs are not time: measured on this machine", timing.BLOCK_HEADER, rows),
        doc.Prose(timing.speed_line(result.blocks[0], result.blocks[-1], machine),
                  doc.Kind.RATIO)]
    for name, layer_rows, notes in timing.layer_sections(result.blocks, machine):
        blocks += [plain(name, timing.LAYER_HEADER, layer_rows, keys=2, heading=4),
                   doc.List(tuple(notes), doc.Kind.TEXT)]
    return blocks


def derivation(block: BlockResult) -> list[doc.Block]:
    """--explain: each layer's formula, then how each total adds up."""
    rows = tuple((layer.name, f"{shape_text(layer.in_shape)} → {shape_text(layer.out_shape)}",
                  layer.formula, layer.macs_formula)
                 for layer in block.layers if layer.op is not Op.RELU)
    sheet = doc.Sheet(tuple(doc.Column(name, right=False) for name in DERIVATION), rows,
                      title=f"{block.spec.kind}: per-layer derivation", heading=3)
    return [sheet, doc.List(tuple(words.totals_text(block)), doc.Kind.SUM)]


def ending(result: CompareResult) -> list[doc.Block]:
    """Whether the routes agree, the legend and the notes (with --time, the timing's)."""
    blocks: list[doc.Block] = [
        doc.Prose(routes_line(result.blocks, measured=result.measured), doc.Kind.VERDICT,
                  good=result.all_agree),
        doc.Prose(glossary.COMPARE_LEGEND, doc.Kind.LEGEND),
        doc.List(tuple(words.footnotes(result)))]
    if result.machine is not None:
        from bottlecalc.report import timing

        blocks += [doc.Prose(glossary.TIME_LEGEND, doc.Kind.LEGEND),
                   doc.List(tuple(timing.time_notes(result.blocks, result.machine)))]
    return blocks


def build(result: CompareResult, *, explain: bool = False) -> doc.Document:
    ratios = [doc.Prose(line, doc.Kind.RATIO) for line in words.ratio_lines(result)]
    measured = [] if result.machine is None else timed(result, result.machine)
    explained = [part for block in result.blocks if explain for part in derivation(block)]
    return doc.Document((summary(result), *ratios, *measured, *explained, *ending(result)))


def render_table(result: CompareResult, options: RenderOptions) -> str:
    from bottlecalc.report.writers import rich  # only here: Markdown never imports rich

    return rich.render(build(result, explain=options.explain), options)


def render_markdown(result: CompareResult, options: RenderOptions) -> str:
    from bottlecalc.report.writers import markdown

    return markdown.render(build(result, explain=options.explain), options)
