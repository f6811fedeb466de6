"""Differences between the routes, explained in integers, op by op.

The complete count (FlopCounterMode on meta, fused kernels included) is the reference.

* **modules** — the module-formula route covers modules of known types; work done in
  any other module is named with the MACs FlopCounterMode found there. A covered module
  whose formula disagrees with FlopCounterMode is an unexplained difference.
* **ops** — bottlecalc's own formula for every op dispatched (the op registry), booked to
  modules the same way: any module where it and FlopCounterMode differ is an unexplained
  difference (a formula missing or wrong in one of them), never agreement by default.
* **fvcore** — its extra per-element counts for normalisation and pooling are listed by
  op; MACs it did not count are found module by module (fvcore's count against the
  complete count of the same module) and put down to the ops it skipped there; ops it
  skipped that carry no multiply-accumulates are listed as such. A difference no skipped
  op explains is a warning naming the module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from bottlecalc.breakdown import ROOT, ancestors
from bottlecalc.findings import Reconcile, Why
from bottlecalc.measure.engines import FvcoreCount
from bottlecalc.measure.forward import Forward
from bottlecalc.measure.ops import lookup


def modules_rows(forward: Forward) -> list[Reconcile]:
    """Where the module-formula route differs from the complete count, and why."""
    rows = []
    for path, flops in sorted(forward.own.items()):
        macs, made = flops // 2, forward.formulas.get(path)
        if made is None and macs:
            rows.append(Reconcile("modules", forward.kinds.get(path, "?"), -macs,
                                  Why.NO_FORMULA, modules=(path or ROOT,),
                                  ops=tuple(sorted(forward.ops[path].items()))))
    for path, made in sorted(forward.formulas.items()):
        seen = forward.own.get(path, 0) // 2
        if made.macs != seen:
            rows.append(Reconcile("modules", made.kind, made.macs - seen, Why.FORMULA,
                                  modules=(path or ROOT,), explained=False,
                                  ours=made.macs, seen=seen))
    return _merged(rows)


def ops_rows(forward: Forward) -> list[Reconcile]:
    """Where the op registry's count and FlopCounterMode's differ, module by module."""
    rows = []
    for path in sorted(set(forward.own) | set(forward.own_ops)):
        ours, flops = forward.own_ops.get(path, 0), forward.own.get(path, 0)
        if 2 * ours != flops:
            rows.append(Reconcile("ops", forward.kinds.get(path, "?"), ours - flops // 2 or 1,
                                  Why.OPS, modules=(path or ROOT,), explained=False,
                                  ours=ours, seen=flops // 2,
                                  ops=tuple(sorted(forward.ops.get(path, {}).items()))))
    return rows


def fvcore_rows(forward: Forward, fv: FvcoreCount) -> list[Reconcile]:
    """fvcore's count against the complete count: its extras, its gaps, what it skipped."""
    rows = [_extra(op, n, forward) for op, n in sorted(fv.by_module.get("", {}).items())
            if _extra_of(op) and n]
    gaps = _gaps(forward, fv)
    rows.extend(gaps)
    if fv.remainder:
        rows.append(Reconcile("fvcore", "float remainder", 0, Why.REMAINDER,
                              explained=False, remainder=fv.remainder))
    named = {op for row in gaps for op in row.op.split(" + ")}
    rows.extend(Reconcile("fvcore", op, 0, Why.NO_MACS, count=n)
                for op, n in sorted(fv.unsupported.items()) if op not in named)
    return rows


def _extra(op: str, n: int, forward: Forward) -> Reconcile:
    """An fvcore extra, with the modules whose formulas predict it (and their sum, if it
    differs: fvcore also counts these ops outside modules, e.g. ``F.layer_norm``)."""
    kinds = lookup(f"aten::{op}").extra_modules
    paths = [p for p, f in forward.formulas.items() if kinds and f.kind.startswith(kinds)]
    predicted = sum(forward.formulas[p].fvcore or 0 for p in paths)
    return Reconcile("fvcore", f"aten::{op}", n, Why.EXTRA, count=len(paths),
                     modules=tuple(p or "(root)" for p in paths), detail=_extra_of(op),
                     ours=None if predicted == n else predicted)


def _gaps(forward: Forward, fv: FvcoreCount) -> list[Reconcile]:
    """Module by module: fvcore's MAC ops against the complete count, put down to the ops
    fvcore skipped in that module and not in its children."""
    complete = _inclusive({p: f // 2 for p, f in forward.own.items()})
    paths = sorted(set(complete) | set(fv.by_module), key=lambda p: (-p.count("."), p))
    diff = {p: _macs_of(fv.by_module.get(p, {})) - complete.get(p, 0) for p in paths}
    rows = []
    for path in paths:
        kids = _children(path, paths)
        own = diff[path] - sum(diff[k] for k in kids)
        if own:
            rows.append(_estimated(_gap(path, own, _own_skipped(path, kids, fv)),
                                   fv.estimated.get(path, frozenset())))
    return _merged(rows)


def _estimated(row: Reconcile, ops: frozenset[str]) -> Reconcile:
    """A gap in a module where fvcore estimated an op with a float (an einsum by its path
    optimiser) is never explained away: the estimate is folded in, not a count."""
    if not ops:
        return row
    return replace(row, explained=False, estimated=tuple(f"aten::{op}" for op in sorted(ops)))


def _extra_of(op: str) -> str:
    """fvcore's per-element count for an op without MACs ('' when it adds none)."""
    return lookup(f"aten::{op}").extra or ""


def _gap(path: str, macs: int, skipped: Counter[str]) -> Reconcile:
    """Put down to the ops fvcore skipped that carry MACs (their record names the kind of
    MAC work fvcore has no handle for), or unaccounted when none of them does."""
    carriers = {op: n for op, n in skipped.items() if lookup(op).gap}
    where = (path or "(root)",)
    if not carriers:
        return Reconcile("fvcore", f"module {where[0]}", macs, Why.UNACCOUNTED,
                         modules=where, explained=False, ops=tuple(sorted(skipped.items())))
    kinds = sorted({str(lookup(op).gap) for op in carriers})
    return Reconcile("fvcore", " + ".join(sorted(carriers)), macs, Why.NOT_COUNTED,
                     count=sum(carriers.values()), modules=where, detail=" and ".join(kinds))


def _own_skipped(path: str, kids: list[str], fv: FvcoreCount) -> Counter[str]:
    own = Counter(fv.skipped.get(path, {}))
    for kid in kids:
        own.subtract(fv.skipped.get(kid, {}))
    return Counter({op: n for op, n in own.items() if n > 0})


def _macs_of(ops: dict[str, int]) -> int:
    return sum(n for op, n in ops.items() if not _extra_of(op))


def _inclusive(own: dict[str, int]) -> dict[str, int]:
    """Each module's count with its descendants' (paths are dotted; '' is the root)."""
    total: Counter[str] = Counter()
    for path, n in own.items():
        for ancestor in ancestors(path):
            total[ancestor] += n
    return dict(total)


def _children(path: str, paths: list[str]) -> list[str]:
    depth = path.count(".") + 1 if path else 0
    prefix = f"{path}." if path else ""
    return [p for p in paths if p and p.startswith(prefix) and p.count(".") == depth]


def _merged(rows: list[Reconcile]) -> list[Reconcile]:
    """One row per engine and op: their MACs summed, their modules listed."""
    out: dict[tuple[str, str, bool], Reconcile] = {}
    for row in rows:
        key = (row.engine, row.op, row.explained)
        if key in out:
            row = out[key].merge(row)
        out[key] = row
    return list(out.values())
