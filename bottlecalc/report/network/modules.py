"""Rows and words of a module breakdown (a user's model: ``network TARGET`` and
``bottlecalc.count``), so the table, Markdown, HTML and CSV show the same rows, numbers and
notes. Renderers only lay these out; :mod:`.words` holds the presets' own.
"""

from __future__ import annotations

from bottlecalc.breakdown import By, KindRow, ModuleRow, NetworkReport, Sort, rank
from bottlecalc.report import glossary, timing
from bottlecalc.report.numbers import exact, fmt, human
from bottlecalc.report.reasons import warning_lines
from bottlecalc.report.words import (
    MARK,
    complete_line,
    paths,
    reconcile_lines,
    train_ratio_line,
)
from bottlecalc.results import Measured
from bottlecalc.timed import Bound, Machine, Roofline, Timing

HEADER = ("module", "kind", "params", "% params", "MACs", "% MACs", "FLOPs", "fvcore")
KIND_HEADER = ("kind", "instances", "params", "% params", "MACs", "% MACs", "FLOPs", "fvcore")
TRAIN_HEADER = ("training FLOPs",)  # --pass train: the total's (no module's own is counted)
NOT_COUNTED = exact(None)  # a row's training FLOPs: '—', counted for the whole model only
TIME_HEADER = ("time", "GFLOP/s", "bound")  # --time
NAMED = 2  # the columns that name a row; the others are numbers
TOTAL = "total"


def percent(part: int, whole: int) -> str:
    """'41.2%' of the model's total; a dash when the total is 0."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


def inputs_text(m: Measured) -> str:
    """'1x3x224x224', or 'image=2x3x16x16, features=2x12' for keyword inputs."""
    return ", ".join(t.text if name.isdigit() else f"{name}={t.text}" for name, t in m.inputs)


def title(report: NetworkReport) -> str:
    """'pkg.models:build: input 1x3x224x224; modules at depth 2, by MACs (top 5)'."""
    order = {Sort.NAME: "by name", Sort.MACS: "by MACs", Sort.PARAMS: "by parameters"}[report.sort]
    top = f" (top {report.top})" if report.top is not None else ""
    rows = "module kinds" if report.by is By.KIND else f"modules at depth {report.depth}"
    return (f"{report.result.name}: input {inputs_text(report.result.measured)}; {rows}, "
            f"{order}{top}")


def header(report: NetworkReport) -> tuple[str, ...]:
    """The breakdown's columns; --pass train adds the training FLOPs, --time the time, the
    GFLOP/s and the bound (not --by kind: a kind is no one module to time)."""
    if report.by is By.KIND:
        return KIND_HEADER + (TRAIN_HEADER if report.train else ())
    return HEADER + (TRAIN_HEADER if report.train else ()) \
        + (TIME_HEADER if report.machine is not None else ())


def marked(row: ModuleRow) -> str:
    """'lm_head (shared with transformer.wte)', 'model.0.act (shared by 57 parents)'."""
    marks = [f"shared with {', '.join(row.tied)}"] if row.tied else []
    marks += [f"shared by {row.parents} parents"] if row.parents > 1 else []
    return row.name + "".join(f" ({mark})" for mark in marks)


def row_cells(row: ModuleRow, report: NetworkReport) -> list[str]:
    """One breakdown row: its subtree's counts and their shares of the model's totals."""
    r, machine = report.result, report.machine
    cells = [marked(row), row.kind, fmt(row.params), percent(row.params, r.params),
             fmt(row.macs), percent(row.macs, r.macs), fmt(row.flops), exact(row.fvcore)]
    cells += [NOT_COUNTED] if report.train else []  # counted for the whole model only
    return cells if machine is None else cells + time_cells(row.time, row.roofline(machine))


def kind_cells(row: KindRow, report: NetworkReport) -> list[str]:
    """One module class: its instances and their counts, as shares of the model's totals."""
    r = report.result
    return [row.kind, fmt(row.instances), fmt(row.params), percent(row.params, r.params),
            fmt(row.macs), percent(row.macs, r.macs), fmt(row.flops), exact(row.fvcore),
            *([NOT_COUNTED] if report.train else [])]


def total_cells(report: NetworkReport) -> list[str]:
    """The totals every route measured: what the rows above sum to."""
    r, m = report.result, report.result.measured
    cells = [TOTAL, "", fmt(r.params), percent(r.params, r.params), fmt(r.macs),
             percent(r.macs, r.macs), exact(m.torch_flops), exact(m.fvcore)]
    cells += [exact(m.train_flops)] if report.train else []
    if r.timed is None or report.by is By.KIND:
        return cells
    return cells + time_cells(r.timed.total, r.roofline)


def time_cells(time: Timing | None, roofline: Roofline | None) -> list[str]:
    """[median (and 'noisy'), GFLOP/s, bound]; dashes where nothing was timed."""
    median = timing.duration(None if time is None else time.median_s)
    if time is not None and time.noisy:
        median += "\nnoisy"
    return [median, timing.gflops(time), timing.DASH if roofline is None else str(roofline.bound)]


def rows(report: NetworkReport) -> list[list[str]]:
    """Every breakdown row, ``(other)`` included (--by kind: every kind), then the total."""
    if report.by is By.KIND:
        return [*(kind_cells(row, report) for row in kinds(report)), total_cells(report)]
    return [*(row_cells(row, report) for row in report.rows(report.result)), total_cells(report)]


def kinds(report: NetworkReport) -> list[KindRow]:
    """The kinds in the order asked for (--sort; name: the class name), the first --top."""
    return sorted(report.result.by_kind(),
                  key=lambda r: (*rank(report.sort, r.macs, r.params), r.kind))[:report.top]


def totals_line(report: NetworkReport) -> str:
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
        parts.extend(line for line in (train_ratio_line(m),) if line is not None)
    return "total: " + "; ".join(parts)


def time_lines(report: NetworkReport) -> list[str]:
    """--time: the whole forward pass against its roofline, the rows timed one by one
    against the whole, and which rows are memory-bound here."""
    r, machine = report.result, report.machine
    if r.timed is None or r.roofline is None or machine is None:
        return []
    t, roof = r.timed.total, r.roofline
    whole = (f"timed: the forward pass took {timing.duration(t.median_s)} (median, "
             f"±{timing.duration(t.iqr_s)}, {fmt(t.runs)} runs), {timing.rate(t.gflops_per_s)} "
             f"GFLOP/s; the roofline predicts {timing.duration(roof.predicted_s)} "
             f"({roof.bound}-bound: {roof.intensity:.1f} MACs per byte of weights, inputs "
             "and outputs)")
    return [whole, _rows_line(report), _bound_line(report, machine)]


def _rows_line(report: NetworkReport) -> str:
    timed = [row.time.median_s for row in report.rows(report.result) if row.time is not None]
    assert report.result.timed is not None
    return (f"the rows, each timed on its own, add up to {timing.duration(sum(timed))}; the "
            f"whole took {timing.duration(report.result.timed.total.median_s)} ((other) and "
            "the traffic between the rows are in the difference)")


def _bound_line(report: NetworkReport, machine: Machine) -> str:
    timed = [row for row in report.rows(report.result) if row.moved is not None]
    memory = [row.name for row in timed if (roof := row.roofline(machine)) is not None
              and roof.bound is Bound.MEMORY]
    shown = ", ".join(memory[:timing.SHOW_NAMES]) + (", ..." if len(memory) > timing.SHOW_NAMES
                                                      else "")
    return (f"{len(memory)} of {len(timed)} timed rows memory-bound here (below "
            f"{machine.ridge:.2f} MACs per byte){': ' + shown if memory else ''}")


def convention_rows(report: NetworkReport) -> list[tuple[str, str, str, str]]:
    """(label, exact count, short form and mark, what it is) per convention."""
    m = report.result.measured
    values = [m.macs, m.fvcore, m.torch_flops, m.macs_modules]
    rows = [(label, exact(n), human(n), meaning.format(device=m.torch_device or "no"))
            for (label, meaning), n in zip(glossary.MODEL_CONVENTION_ROWS, values, strict=True)]
    if m.macs_modules is not None:
        label, count, short, meaning = rows[-1]
        rows[-1] = (label, f"{count} {MARK[_formulas_agree(m)]}".rstrip(), short, meaning)
    if m.macs_ops is not None:  # before the module formulas: it covers every op
        label, meaning = glossary.OPS_CONVENTION_ROW
        rows.insert(-1, (label, f"{exact(m.macs_ops)} {MARK[m.macs_ops == m.macs]}",
                         human(m.macs_ops), meaning))
    if report.train:
        label, meaning = glossary.TRAIN_CONVENTION_ROW
        rows.append((label, exact(m.train_flops), human(m.train_flops), meaning))
    return rows


def _formulas_agree(m: Measured) -> bool | None:
    """✓ the formulas give the complete count; ✗ they differ for no known reason; else
    nothing (the difference is explained in the lines below)."""
    if m.macs_modules == m.macs:
        return True
    return False if any(r.engine == "modules" and not r.explained for r in m.reconcile) \
        else None


def convention_gaps(report: NetworkReport) -> list[str]:
    """Why the conventions differ, in this model's own numbers."""
    m = report.result.measured
    flops = f"FlopCounterMode FLOPs = 2 x {exact(m.macs)} complete MACs"
    return [*reconcile_lines(m), flops]


def footnotes(report: NetworkReport) -> list[str]:
    """Differences between routes (unless --conventions lists them), unused parameters,
    warnings and notes: a fact a line."""
    m = report.result.measured
    lines = [] if report.conventions else reconcile_lines(m)
    if m.params_unused:
        lines.append(f"parameters the forward never used: {fmt(m.params_unused)} "
                     f"({paths(m.unused_modules) or 'scattered'}); the rows count them")
    lines.extend(f"warning: {w}" for w in warning_lines(m))
    lines.extend(f"note: {n}" for n in m.notes)
    if report.machine is not None:
        lines.extend(timing.machine_notes(report.machine, noisy=any_noisy(report)))
    return lines


def legends(report: NetworkReport) -> list[str]:
    """What the columns and marks mean: the legend, and what --by kind, the marks shown,
    --pass train and --time add."""
    shown = report.rows(report.result) if report.by is By.MODULE else ()
    marks = any(r.tied or r.parents > 1 or r.instances > 1 for r in shown)
    return [glossary.MODEL_LEGEND, *([glossary.KIND_LEGEND] if report.by is By.KIND else []),
            *([glossary.SHARED_LEGEND] if marks else []),
            *([glossary.TRAIN_LEGEND] if report.train else []),
            *([glossary.MODEL_TIME_LEGEND] if report.machine is not None else [])]


def any_noisy(report: NetworkReport) -> bool:
    """Whether the whole forward pass or any row's calls were timed noisily."""
    timed = report.result.timed
    times = [row.time for row in report.rows(report.result)] + [timed.total if timed else None]
    return any(t.noisy for t in times if t is not None)


def agreement_line(report: NetworkReport) -> str:
    """Which routes ran, and whether every difference between them is explained."""
    m = report.result.measured
    routes = ["instantiated", f"FlopCounterMode ({m.torch_device or 'not run'} device)",
              *(["op formulas"] if m.macs_ops is not None else []),
              "module formulas", *(["fvcore"] if m.fvcore is not None else [])]
    if m.unknown_ops:
        return (f"routes: {', '.join(routes)}: INCOMPLETE: {len(m.unknown_ops)} op(s) that no "
                "formula counts (see the warnings)")
    if not m.unexplained:
        return f"routes: {', '.join(routes)}: every difference explained"
    return (f"routes: {', '.join(routes)}: DISAGREE: {fmt(m.unexplained)} MACs differ with no "
            "known cause (see the warnings)")
