"""A baseline: an earlier ``check --format json`` (or ``network --format json``), and what
changed against it, budget by budget and module by module. Pure Python, no torch.

Each budget (or network entry) of the earlier document gives its totals and the parameters
and MACs every module held or did itself; a change is a module whose count moved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bottlecalc.breakdown import ROOT
from bottlecalc.errors import SpecError
from bottlecalc.results import Measured

METRICS = ("params", "macs")
TOTAL = "(total)"


@dataclass(frozen=True)
class Change:
    """One module's count before and after (0 where the module did not exist)."""

    module: str
    metric: str  # "params" or "macs"
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Snapshot:
    """One budget's (or network's) totals and per-module counts, as a document gave them."""

    totals: Mapping[str, int | None]  # metric -> total
    modules: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # module -> counts


@dataclass(frozen=True)
class Baseline:
    """An earlier run, by budget or network name."""

    source: str
    snapshots: Mapping[str, Snapshot]

    def get(self, name: str) -> Snapshot | None:
        return self.snapshots.get(name)


def load_baseline(path: Path) -> Baseline:
    """Read an earlier check or network JSON document; anything else is one clear error."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"--baseline {path}: cannot read it: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"--baseline {path}: not a JSON document ({exc})") from exc
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema not in READERS:
        raise SpecError(f"--baseline {path}: expected the JSON of 'bottlecalc check' or "
                        f"'bottlecalc network', got schema {schema!r}")
    key, read = READERS[schema]
    try:
        entries = {entry["name"]: read(entry) for entry in doc.get(key, [])}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SpecError(f"--baseline {path}: a {schema} document with a malformed "
                        f"{key!r} list ({type(exc).__name__}: {exc})") from exc
    return Baseline(source=str(path), snapshots=entries)


def _modules(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {row["name"]: {m: int(row.get(m) or 0) for m in METRICS} for row in rows}


def _from_check(budget: dict[str, Any]) -> Snapshot:
    measured = budget.get("measured") or {}
    totals = {"params": measured.get("params"), "macs": measured.get("macs"),
              "flops": measured.get("flops_torch"), "train-flops": measured.get("flops_train")}
    return Snapshot(totals, _modules(budget.get("modules", [])))


def _from_network(entry: dict[str, Any]) -> Snapshot:
    params, macs, flops = entry.get("params", {}), entry.get("macs", {}), entry.get("flops", {})
    totals = {"params": params.get("total"), "macs": macs.get("complete", macs.get("conv")),
              "flops": flops.get("torch"), "train-flops": (flops.get("train") or {}).get("torch")}
    return Snapshot(totals, _modules(entry.get("modules", [])))


READERS = {"bottlecalc.check": ("budgets", _from_check),
           "bottlecalc.network": ("networks", _from_network)}


def changes(before: Snapshot, after: Snapshot) -> tuple[Change, ...]:
    """Every module whose parameters or MACs moved, largest change first."""
    names = sorted(set(before.modules) | set(after.modules))
    found = [Change(name, metric, before.modules.get(name, {}).get(metric, 0),
                    after.modules.get(name, {}).get(metric, 0))
             for name in names for metric in METRICS]
    moved = [c for c in found if c.delta]
    return tuple(sorted(moved, key=lambda c: (-abs(c.delta), c.metric, c.module)))


def snapshot_of(measured: Measured) -> Snapshot:
    """This run's counts in a baseline's shape: totals, and every module's own counts."""
    totals = {"params": measured.params, "macs": measured.macs, "flops": measured.torch_flops,
              "train-flops": measured.train_flops}
    rows = {m.name or ROOT: {"params": m.params, "macs": m.macs} for m in measured.modules
            if m.params or m.macs}
    return Snapshot(totals, rows)


def totals_moved(before: Snapshot, after: Snapshot) -> tuple[Change, ...]:
    """The totals both runs measured, before and after (moved or not), as changes of the
    whole model."""
    return tuple(Change(TOTAL, metric, b, a) for metric, a in after.totals.items()
                 if a is not None and (b := before.totals.get(metric)) is not None)
