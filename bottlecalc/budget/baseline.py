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


def load_baseline(path: Path) -> Baseline:
    """Read an earlier check or network JSON document; anything else is one clear error."""
    doc = _parse(path)
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema not in READERS:
        raise SpecError(f"--baseline {path}: expected the JSON of 'bottlecalc check' or "
                        f"'bottlecalc network', got schema {schema!r}")
    _check_version(path, schema, doc.get("version"))
    key, read = READERS[schema]
    try:
        entries = {entry["name"]: read(entry) for entry in doc.get(key, [])}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SpecError(f"--baseline {path}: a {schema} document with a malformed "
                        f"{key!r} list ({type(exc).__name__}: {exc})") from exc
    return Baseline(source=str(path), snapshots=entries)


def _parse(path: Path) -> Any:
    """JSON as bottlecalc writes it: UTF-8, no Infinity or NaN, nothing nested past the stack."""
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except OSError as exc:
        raise SpecError(f"--baseline {path}: cannot read it: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"--baseline {path}: not a JSON document ({exc})") from exc
    except ValueError as exc:  # a constant refused by _no_constant
        raise SpecError(f"--baseline {path}: not a bottlecalc document ({exc})") from exc
    except RecursionError as exc:
        raise SpecError(f"--baseline {path}: not a bottlecalc document (nested too "
                        "deep to read)") from exc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a count; bottlecalc writes exact integers")


# The document versions a baseline may have: the ones this bottlecalc writes
# (report/jsondoc.py's SCHEMA_VERSIONS; a test keeps them equal). Check version 1's
# max-macs was fvcore's count, not the complete one: its totals would mislead.
VERSIONS = {"bottlecalc.check": 2, "bottlecalc.network": 1}


def _check_version(path: Path, schema: str, version: object) -> None:
    wanted = VERSIONS[schema]
    if type(version) is int and version == wanted:
        return
    said = "no version" if version is None else f"version {version!r}"
    raise SpecError(f"--baseline {path}: a {schema} document of {said}; this bottlecalc "
                    f"reads version {wanted}: write the baseline again with it")


def count(value: object) -> int | None:
    """A count in a baseline: an integer or null (not measured); anything else (1e400,
    a float, a string, true) is a malformed document, never rounded into a number."""
    if value is None or (type(value) is int and value >= 0):
        return value
    raise ValueError(f"{value!r} is not a count (a non-negative integer)")


def _modules(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {row["name"]: {m: count(row.get(m)) or 0 for m in METRICS} for row in rows}


def _from_check(budget: dict[str, Any]) -> Snapshot:
    measured = budget.get("measured") or {}
    totals = {"params": measured.get("params"), "macs": measured.get("macs"),
              "flops": measured.get("flops_torch"), "train-flops": measured.get("flops_train")}
    return Snapshot(_counts(totals), _modules(budget.get("modules", [])))


def _from_network(entry: dict[str, Any]) -> Snapshot:
    params, macs, flops = entry.get("params", {}), entry.get("macs", {}), entry.get("flops", {})
    totals = {"params": params.get("total"), "macs": macs.get("complete", macs.get("conv")),
              "flops": flops.get("torch"), "train-flops": (flops.get("train") or {}).get("torch")}
    return Snapshot(_counts(totals), _modules(entry.get("modules", [])))


def _counts(totals: dict[str, object]) -> dict[str, int | None]:
    return {metric: count(value) for metric, value in totals.items()}


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
