"""Rows and words every format of ``network TARGET`` (a user's model) shares, so the table,
Markdown and CSV show the same rows, numbers and notes. Renderers only lay these out.
"""

from __future__ import annotations

from bottlecalc.analytic import fmt
from bottlecalc.breakdown import ModelReport, ModuleRow, Sort
from bottlecalc.report.numbers import exact, human
from bottlecalc.report.words import MARK, complete_line, reconcile_lines
from bottlecalc.results import Measured

HEADER = ("module", "kind", "params", "% params", "MACs", "% MACs", "FLOPs", "fvcore")
NAMED = 2  # the columns that name a row; the others are numbers
TOTAL = "total"
LEGEND = (
    "MAC = one multiply-accumulate. MACs are the complete count: every multiply-add of conv, "
    "linear, matmul, attention and recurrent layers, none for norms, pooling or elementwise "
    "ops (torchvision's \"GFLOPS\"). FLOPs = 2 x MACs (torch's FlopCounterMode). fvcore = "
    "FlopCountAnalysis: also BatchNorm and pooling, nothing for what it cannot trace. A row "
    "is a module and everything inside it; (other) is the work done outside the rows (in a "
    "parent's own forward); rows and (other) sum to the total."
)
# (label, what it is, the count under it): --conventions, one row each.
CONVENTIONS: tuple[tuple[str, str], ...] = (
    ("complete MACs", "torchvision's \"GFLOPS\": every multiply-add, whichever kernel runs"),
    ("fvcore", "FlopCountAnalysis: also BN and pooling; skips what it cannot trace"),
    ("FlopCounterMode FLOPs", "torch.utils.flop_counter: 2 per multiply-add (meta device)"),
    ("module formulas", "nn.Conv*, Linear, MultiheadAttention, LSTM, ...: covered modules"),
)
TRAIN = ("training step FLOPs", "FlopCounterMode, forward + backward: a gradient for every "
         "parameter, none for the inputs")


def percent(part: int, whole: int) -> str:
    """'41.2%' of the model's total; a dash when the total is 0."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


def inputs_text(m: Measured) -> str:
    """'1x3x224x224', or 'image=2x3x16x16, features=2x12' for keyword inputs."""
    return ", ".join(t.text if name.isdigit() else f"{name}={t.text}" for name, t in m.inputs)


def title(report: ModelReport) -> str:
    """'pkg.models:build: input 1x3x224x224; modules at depth 2, by MACs (top 5)'."""
    order = "by name" if report.sort is Sort.NAME else f"by {_sort_word(report.sort)}"
    top = f" (top {report.top})" if report.top is not None else ""
    return (f"{report.result.name}: input {inputs_text(report.result.measured)}; modules at "
            f"depth {report.depth}, {order}{top}")


def _sort_word(sort: Sort) -> str:
    return "MACs" if sort is Sort.MACS else "parameters"


def row_cells(row: ModuleRow, report: ModelReport) -> list[str]:
    """One breakdown row: its subtree's counts and their shares of the model's totals."""
    r = report.result
    return [row.name, row.kind, fmt(row.params), percent(row.params, r.params), fmt(row.macs),
            percent(row.macs, r.macs), fmt(row.flops), exact(row.fvcore)]


def total_cells(report: ModelReport) -> list[str]:
    """The totals every route measured: what the rows above sum to."""
    r, m = report.result, report.result.measured
    return [TOTAL, "", fmt(r.params), percent(r.params, r.params), fmt(r.macs),
            percent(r.macs, r.macs), exact(m.torch_flops), exact(m.fvcore)]


def rows(report: ModelReport) -> list[list[str]]:
    """Every breakdown row, ``(other)`` included, then the total row."""
    return [*(row_cells(row, report) for row in report.rows), total_cells(report)]


def totals_line(report: ModelReport) -> str:
    """'total: 1,570 parameters (1,354 trainable) and 17 buffer elements; complete ...'."""
    m = report.result.measured
    parts = [f"{exact(m.params)} parameters ({exact(m.trainable)} trainable) and "
             f"{exact(m.buffers)} buffer elements"]
    parts.extend(line for line in (complete_line(m),) if line is not None)
    if m.fvcore is not None:
        parts.append(f"fvcore {fmt(m.fvcore)} MACs")
    if report.train:
        parts.append(f"training step {exact(m.train_flops)} FLOPs (forward + backward, "
                     "FlopCounterMode on the meta device)")
    return "total: " + "; ".join(parts)


def convention_rows(report: ModelReport) -> list[tuple[str, str, str, str]]:
    """(label, exact count, short form and mark, what it is) per convention."""
    m = report.result.measured
    values = [m.macs, m.fvcore, m.torch_flops, m.macs_modules]
    rows = [(label, exact(n), human(n), meaning)
            for (label, meaning), n in zip(CONVENTIONS, values, strict=True)]
    if m.macs_modules is not None:
        label, count, short, meaning = rows[-1]
        rows[-1] = (label, f"{count} {MARK[_formulas_agree(m)]}".rstrip(), short, meaning)
    if report.train:
        rows.append((TRAIN[0], exact(m.train_flops), human(m.train_flops), TRAIN[1]))
    return rows


def _formulas_agree(m: Measured) -> bool | None:
    """✓ the formulas give the complete count; ✗ they differ for no known reason; else
    nothing (the difference is explained in the lines below)."""
    if m.macs_modules == m.macs:
        return True
    return False if m.unexplained else None


def convention_gaps(report: ModelReport) -> list[str]:
    """Why the conventions differ, in this model's own numbers."""
    m = report.result.measured
    flops = f"FlopCounterMode FLOPs = 2 x {exact(m.macs)} complete MACs"
    return [*reconcile_lines(m), flops]


def footnotes(report: ModelReport) -> list[str]:
    """Differences between routes (unless --conventions lists them), unused parameters,
    warnings and notes: a fact a line."""
    m = report.result.measured
    lines = [] if report.conventions else reconcile_lines(m)
    if m.params_unused:
        lines.append(f"parameters the forward never used: {fmt(m.params_unused)} "
                     f"({', '.join(m.unused_modules) or 'scattered'}); the rows count them")
    lines.extend(f"warning: {w}" for w in m.warnings)
    lines.extend(f"note: {n}" for n in m.notes)
    return lines


def agreement_line(report: ModelReport) -> str:
    """Which routes ran, and whether every difference between them is explained."""
    m = report.result.measured
    routes = ["instantiated", f"FlopCounterMode ({m.torch_device or 'not run'} device)",
              "module formulas", *(["fvcore"] if m.fvcore is not None else [])]
    if not m.unexplained:
        return f"routes: {', '.join(routes)}: every difference explained"
    return (f"routes: {', '.join(routes)}: DISAGREE: {fmt(m.unexplained)} MACs differ with no "
            "known cause (see the warnings)")
