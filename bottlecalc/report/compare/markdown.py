"""``compare --format markdown``: a pipe table, the ratio line, legend and notes."""

from __future__ import annotations

from bottlecalc.analytic import Op
from bottlecalc.report import glossary, timing
from bottlecalc.report.compare import words
from bottlecalc.report.markdown import table
from bottlecalc.report.numbers import exact, human
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.words import MARK
from bottlecalc.results import BlockResult, CompareResult

HEADER = ["block", "conv weights", "BN params", "shortcut", "total params", "MACs (conv)",
          "fvcore", "FLOPs (2xMACs)"]


def _num(n: int | None, mark: bool | None = None) -> str:
    suffix = f" {MARK[mark]}" if mark is not None else ""
    return f"{exact(n)}{suffix} ({human(n)})" if n is not None else "—"


def _row(block: BlockResult, result: CompareResult) -> list[str]:
    c, m = block.counts, block.measured
    torch_mark = block.torch_agree if m.torch_flops is not None else None
    row = [
        f"**{block.spec.kind}** ({words.describe(block)})", _num(c.conv), _num(c.bn),
        _num(c.shortcut), _num(c.total, block.params_agree if result.measured else None),
        _num(c.macs), _num(m.fvcore, block.fvcore_agree), _num(c.flops, torch_mark),
    ]
    return [*row, _num(c.train_flops, block.train_agree)] if result.train else row


def _explain(block: BlockResult) -> list[str]:
    rows = [[f"`{row.name}`", row.formula, row.macs_formula]
            for row in block.layers if row.op is not Op.RELU]
    lines = ["", f"### {block.spec.kind}: per-layer derivation", ""]
    lines += table(["layer", "parameters", "MACs / fvcore"], rows)
    lines += [""] + [f"- {line}" for line in words.totals_text(block)]
    return lines


def render(result: CompareResult, options: RenderOptions) -> str:
    lines = [f"## {words.title(result, markdown=True)}", ""]
    header = [*HEADER, *(["train FLOPs (fwd + bwd)"] if result.train else [])]
    lines += table(header, [_row(block, result) for block in result.blocks])
    lines += ["", *(f"**{line}**" for line in words.ratio_lines(result)), "",
              words.agreement_line(result), "",
              f"_{glossary.COMPARE_LEGEND}_"]
    lines += [""] + [f"- {note}" for note in words.footnotes(result)]
    lines += timed_lines(result)
    for block in result.blocks if options.explain else ():
        lines += _explain(block)
    return "\n".join(lines) + "\n"


def timed_lines(result: CompareResult) -> list[str]:
    """--time: the measured table, the speed line, and each block layer by layer."""
    machine = result.machine
    if machine is None:
        return []
    rows = [timing.block_row(block, machine) for block in result.blocks]
    lines = ["", "### MACs are not time: measured on this machine", "",
             *table(timing.BLOCK_HEADER, rows), "",
             f"**{timing.speed_line(result.blocks[0], result.blocks[-1], machine)}**"]
    for title, rows, notes in timing.layer_sections(result.blocks, machine):
        lines += ["", f"#### {title}", "", *table(timing.LAYER_HEADER, rows), ""]
        lines += [f"- {line}" for line in notes]
    notes = timing.time_notes(result.blocks, machine)
    return [*lines, "", f"_{glossary.TIME_LEGEND}_", "", *(f"- {note}" for note in notes)]
