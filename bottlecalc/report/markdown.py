"""Markdown for ``compare``: a pipe table, the ratio line, legend and notes."""

from __future__ import annotations

from bottlecalc.analytic import Op
from bottlecalc.report import text
from bottlecalc.results import BlockResult, CompareResult

HEADER = ["block", "conv weights", "BN params", "shortcut", "total params", "MACs (conv)",
          "fvcore", "FLOPs (2xMACs)"]


def _num(n: int | None, mark: bool | None = None) -> str:
    suffix = f" {text.MARK[mark]}" if mark is not None else ""
    return f"{text.exact(n)}{suffix} ({text.human(n)})" if n is not None else "—"


def _row(block: BlockResult, measured: bool) -> list[str]:
    c, m = block.counts, block.measured
    torch_mark = block.torch_agree if m.torch_flops is not None else None
    return [
        f"**{block.spec.kind}** ({text.describe(block)})", _num(c.conv), _num(c.bn),
        _num(c.shortcut), _num(c.total, block.params_agree if measured else None),
        _num(c.macs), _num(m.fvcore, block.fvcore_agree), _num(c.flops, torch_mark),
    ]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
                 for row in rows)
    return lines


def _explain(block: BlockResult) -> list[str]:
    rows = [[f"`{row.name}`", row.formula, row.macs_formula]
            for row in block.layers if row.op is not Op.RELU]
    lines = ["", f"### {block.spec.kind}: per-layer derivation", ""]
    lines += table(["layer", "parameters", "MACs / fvcore"], rows)
    lines += [""] + [f"- {line}" for line in text.totals_text(block)]
    return lines


def render(result: CompareResult, *, explain: bool = False) -> str:
    spec = result.blocks[-1].spec
    lines = [f"## Basic vs bottleneck: in {spec.in_channels}, mid {spec.mid}, "
             f"out {spec.out_channels}", ""]
    lines += table(HEADER, [_row(block, result.measured) for block in result.blocks])
    lines += ["", f"**{text.ratio_line(result)}**", "", text.agreement_line(result), "",
              f"_{text.LEGEND}_"]
    lines += [""] + [f"- {note}" for note in text.footnotes(result)]
    for block in result.blocks if explain else ():
        lines += _explain(block)
    return "\n".join(lines) + "\n"
