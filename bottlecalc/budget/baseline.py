"""A baseline: an earlier ``check --format json`` (or ``network --format json``), and what
changed against it, budget by budget and module by module. Pure Python, no torch.

Each budget (or network entry) of the earlier document gives its totals and the parameters
and MACs every module held or did itself; a change is a module whose count moved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bottlecalc.errors import SpecError

METRICS = ("params", "macs")


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
    if schema == "bottlecalc.check":
        entries = {b["name"]: _from_check(b) for b in doc.get("budgets", [])}
    elif schema == "bottlecalc.network":
        entries = {n["name"]: _from_network(n) for n in doc.get("networks", [])}
    else:
        raise SpecError(f"--baseline {path}: expected the JSON of 'bottlecalc check' or "
                        f"'bottlecalc network', got schema {schema!r}")
    return Baseline(source=str(path), snapshots=entries)


def _modules(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {row["name"]: {m: int(row.get(m) or 0) for m in METRICS} for row in rows}


def _from_check(budget: dict[str, Any]) -> Snapshot:
    measured = budget.get("measured") or {}
    totals = {"params": measured.get("params"), "macs": measured.get("macs"),
              "flops": measured.get("flops_torch")}
    return Snapshot(totals, _modules(budget.get("modules", [])))


def _from_network(entry: dict[str, Any]) -> Snapshot:
    params, macs = entry.get("params", {}), entry.get("macs", {})
    totals = {"params": params.get("total"), "macs": macs.get("complete", macs.get("conv"))}
    return Snapshot(totals, _modules(entry.get("modules", [])))


def changes(before: Snapshot, after: Snapshot) -> tuple[Change, ...]:
    """Every module whose parameters or MACs moved, largest change first."""
    names = sorted(set(before.modules) | set(after.modules))
    found = [Change(name, metric, before.modules.get(name, {}).get(metric, 0),
                    after.modules.get(name, {}).get(metric, 0))
             for name in names for metric in METRICS]
    moved = [c for c in found if c.delta]
    return tuple(sorted(moved, key=lambda c: (-abs(c.delta), c.metric, c.module)))


def snapshot_of(totals: Mapping[str, int | None],
                modules: Sequence[tuple[str, int, int]]) -> Snapshot:
    """This run's counts in a baseline's shape: (module, params held, MACs done) rows."""
    rows = {name: {"params": params, "macs": macs} for name, params, macs in modules
            if params or macs}
    return Snapshot(totals, rows)
