"""Wording more than one command uses, so every format says the same thing the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bottlecalc.report.numbers import fmt
from bottlecalc.results import Measured, Routes

if TYPE_CHECKING:
    from bottlecalc.findings import Reconcile

MARK = {True: "✓", False: "✗", None: ""}
NO_MEASURE = "--no-measure: analytic counts only; torch was not imported"


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


def complete_line(m: Measured) -> str | None:
    """'complete 1,114,112 MACs = FlopCounterMode 2,228,224 FLOPs / 2 (meta device); module
    formulas 1,114,112 ✓' — the complete count and how its routes agree."""
    if m.macs is None:
        return None
    line = (f"complete {fmt(m.macs)} MACs = FlopCounterMode {fmt(m.torch_flops or 0)} FLOPs / 2 "
            f"({m.torch_device} device)")
    if m.macs_ops is not None:
        line += f"; op formulas {fmt(m.macs_ops)} {MARK[m.macs_ops == m.macs]}"
    if m.macs_modules is not None:
        line += f"; module formulas {fmt(m.macs_modules)}{_modules_mark(m)}"
    return line


def paths(modules: Sequence[str]) -> str:
    """Module paths in natural order ('h.2' before 'h.10'), comma-separated."""
    from bottlecalc.breakdown import natural  # only a model's report needs the breakdown

    return ", ".join(sorted(modules, key=natural))


def _modules_mark(m: Measured) -> str:
    """✓ when the module formulas give the complete count, ✗ when a covered module's formula
    disagrees (an error); otherwise they cover part of the model, which is said, not marked."""
    if m.macs_modules == m.macs:
        return f" {MARK[True]}"
    if any(r.engine == "modules" and not r.explained for r in m.reconcile):
        return f" {MARK[False]} (see the warnings)"
    return f" (covered modules only; {fmt((m.macs or 0) - (m.macs_modules or 0))} in modules " \
        "with no formula)"


def _row(r: Reconcile) -> str:
    """'-65,536 aten::scaled_dot_product_attention x2 (attention not counted: ...)'."""
    from bottlecalc.report.reasons import reason  # a measured model's only: not compare's

    label = f"{r.op} x{r.count}" if r.engine == "fvcore" and r.count else r.op
    where = "" if r.engine == "fvcore" and r.explained else f" in {paths(r.modules)}"
    return f"{r.macs:+,} {label}{where} ({reason(r)})"


def reconcile_lines(m: Measured) -> list[str]:
    """Every route's difference from the complete count, in integers, one line per route."""
    lines = []
    for engine, label in (("ops", "op formulas"), ("modules", "module formulas"),
                          ("fvcore", "fvcore")):
        rows = [r for r in m.reconcile if r.engine == engine and (r.macs or not r.explained)]
        if rows:
            total = sum(r.macs for r in rows)
            lines.append(f"{label} {total:+,} against the complete count: "
                         + "; ".join(_row(r) for r in rows))
    idle = [r for r in m.reconcile if r.engine == "fvcore" and not r.macs and r.explained]
    if idle:
        listed = ", ".join(f"{r.op} x{r.count}" for r in idle)
        lines.append(f"fvcore also skipped ops that carry no multiply-accumulates: {listed}")
    return lines


def unused_line(m: Measured) -> str | None:
    """'parameters the forward never used: 6,379,984 (aux1, aux2)'."""
    if not m.params_unused:
        return None
    return (f"parameters the forward never used: {fmt(m.params_unused)} "
            f"({paths(m.unused_modules) or 'scattered'}); max-params counts them")


def train_ratio_line(m: Measured) -> str | None:
    """'training step = 1.09x the forward (not 3x: ...)': the step against FlopCounterMode's
    forward, and which rule of docs/conventions.md ("Training cost") keeps it off 3x."""
    forward = m.torch_flops if m.torch_flops is not None else (
        None if m.macs is None else 2 * m.macs)
    if m.train_flops is None or not forward:
        return None
    head = f"training step = {m.train_flops / forward:.2f}x the forward"
    if m.train_flops == 3 * forward:
        return f"{head} (1x forward, 1x input gradients, 1x weight gradients)"
    return f"{head} (not 3x: {_why_not_three(m)})"


def _why_not_three(m: Measured) -> str:
    if m.trainable == 0:
        return "no parameter is trainable, so there is no backward pass"
    if m.trainable is not None and m.params is not None and m.trainable < m.params:
        return (f"{fmt(m.params - m.trainable)} of {fmt(m.params)} parameters are frozen: no "
                "weight gradient for them, and no input gradient below the last trainable "
                "layer")
    return "a layer reading the data needs no input gradient"
