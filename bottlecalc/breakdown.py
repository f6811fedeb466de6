"""Where the cost of a network lives: one row type, :class:`ModuleRow`, for every breakdown,
and one result, :class:`NetworkReport`, for ``bottlecalc network`` (presets or a user's
model) and ``bottlecalc.count``.

A preset's rows (:func:`layer_rows`) group its analytic layers by module path (a stage
``layer2``, a block ``layer2.0``, a layer ``layer2.0.conv1``; the modules before and after
the stages as ``stem`` and ``head``) and carry those layers: their closed-form counts,
memory traffic and, for one layer, its op, shapes and formula.

Pure Python (no torch). A measured model carries, per module, the parameters it holds
itself and the multiply-accumulates done in it and in no child module
(:class:`~bottlecalc.findings.ModuleCount`); rows at a depth add those up over each
module's subtree. Rows at one depth, plus an ``(other)`` row for the work done outside
them (in the model's own ``forward``, or in a parent between its children), sum to the
totals exactly.

With ``--time`` (:class:`~bottlecalc.timed.Timed`) each row also carries the time its
module's calls took, each call timed on its own input, and the bytes those calls read and
wrote; ``(other)`` has neither (no module of its own to time).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bottlecalc.analytic import Counts, DType, Layer, Traffic, count, traffic
from bottlecalc.findings import ModuleCount
from bottlecalc.results import Measured, NetworkResult, speedup
from bottlecalc.spec import InputShape
from bottlecalc.timed import Call, Machine, Roofline, Timed, Timing


class Sort(StrEnum):
    """How breakdown rows are ordered (``--sort``)."""

    MACS = "macs"
    PARAMS = "params"
    NAME = "name"


class By(StrEnum):
    """What a breakdown row is (``--by``): a module of the tree, or a module class."""

    MODULE = "module"
    KIND = "kind"


OTHER = "(other)"  # the row for work done outside the rows shown
ROOT = "(root)"  # the model itself in per-module lists (torch names it '')


@dataclass(frozen=True)
class ModuleRow:
    """One row of a breakdown: a module and its subtree (or the work outside the rows), or
    a preset's group of layers ('stem', 'layer2', 'layer2.0', 'head')."""

    name: str  # module path, "(other)", or a preset's group label
    kind: str  # class name; a preset's single layer: its op ("" for a group)
    params: int
    macs: int
    fvcore: int | None  # fvcore's count for the subtree, when fvcore ran
    # --time only (bottlecalc.count never times: its rows print as they always have):
    time: Timing | None = field(default=None, repr=False)  # its module's calls, timed alone
    moved: int | None = field(default=None, repr=False)  # bytes they read and wrote
    # Marks (out of the repr, which prints as documented):
    tied: tuple[str, ...] = field(default=(), repr=False)  # modules sharing its parameters
    parents: int = field(default=1, repr=False)  # parents holding its module object
    instances: int = field(default=1, repr=False)  # identical siblings collapsed in it
    # The closed-form route: the analytic layers the row covers (a preset's rows only):
    layers: tuple[Layer, ...] = field(default=(), repr=False)
    # A preset's row with the complete count: (parameters, MACs) it found in the row's
    # modules (None: the count did not run, or no module is the row, as a residual add)
    measured: tuple[int, int] | None = field(default=None, repr=False)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def counts(self) -> Counts:
        """The closed-form counts of the row's layers (a user's model's rows have none:
        unknown is not zero, so asking raises)."""
        if not self.layers:
            raise ValueError(f"{self.name}: no closed form covers this row")
        return count(self.layers)

    @property
    def layer(self) -> Layer | None:
        """The one analytic layer of a single-layer row (None for a group)."""
        return self.layers[0] if len(self.layers) == 1 else None

    def traffic(self, dtype: DType = DType.FLOAT32) -> Traffic:
        """The bytes the row's analytic layers read and write (a preset's rows)."""
        return traffic(self.layers, dtype)

    def roofline(self, machine: Machine) -> Roofline | None:
        """The roofline of the row's module taken whole (None: its calls were not timed)."""
        return None if self.moved is None else machine.roof(self.macs, self.moved)


def summed(timings: Sequence[Timing]) -> Timing | None:
    """Several timings as one: medians and IQRs add up; runs and samples are the fewest."""
    if not timings:
        return None
    return replace(timings[0], median_s=sum(t.median_s for t in timings),
                   iqr_s=sum(t.iqr_s for t in timings), runs=min(t.runs for t in timings),
                   samples=min(t.samples for t in timings), flops=sum(t.flops for t in timings))


def timed_row(row: ModuleRow, calls: Sequence[Call]) -> ModuleRow:
    """``row`` with the time and the bytes of its module's calls (none: not timed)."""
    mine = [c for c in calls if c.name == row.name]
    time = summed([c.timing for c in mine])
    if time is None:
        return row
    return replace(row, time=replace(time, flops=row.flops),
                   moved=sum(c.moved or 0 for c in mine))


def depth_of(path: str) -> int:
    """'' is the model (0), 'encoder' 1, 'encoder.layers.0' 3: the path's own depth."""
    return path.count(".") + 1 if path else 0


def ancestors(path: str) -> list[str]:
    """'a.b' -> ['', 'a', 'a.b']: a module's path and those of the modules it sits under."""
    parts = path.split(".") if path else []
    return ["", *(".".join(parts[:i]) for i in range(1, len(parts) + 1))]


def parent_of(path: str) -> str:
    return path.rpartition(".")[0]


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(f"{root}.")


def natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts 'layers.2' before 'layers.10' (numbers compared as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", name))


def tree_depths(paths: Sequence[str]) -> dict[str, int]:
    """Each module's depth in the breakdown: its parent's, plus one unless it is its
    parent's only child (a wrapper such as ultralytics' ``model`` Sequential uses up no
    level, so ``--depth 1`` shows what it wraps)."""
    children = Counter(parent_of(path) for path in paths if path)
    depths = {"": 0}
    for path in sorted((p for p in paths if p), key=depth_of):
        parent = parent_of(path)
        depths[path] = depths.get(parent, depth_of(parent)) + (children[parent] > 1)
    return depths


def subtree_sums(modules: Sequence[ModuleCount]) -> dict[str, tuple[int, int]]:
    """Module path -> (parameters, MACs) of it and everything inside it."""
    sums: dict[str, tuple[int, int]] = {}
    for m in modules:
        for path in ancestors(m.name):
            params, macs = sums.get(path, (0, 0))
            sums[path] = (params + m.params, macs + m.macs)
    return sums


def _chosen(modules: Sequence[ModuleCount], depth: int) -> list[ModuleCount]:
    """The modules at ``depth`` (the outermost of a chain of only children), and the leaves
    above it, so no module's work is hidden in ``(other)`` for lack of children."""
    depths = tree_depths([m.name for m in modules])
    parents = {parent_of(m.name) for m in modules if m.name}
    return [m for m in modules if m.name and (
        (depths[m.name] == depth and depths.get(parent_of(m.name), 0) < depth)
        or (depths[m.name] < depth and m.name not in parents))]


def _tied(tied: Sequence[ModuleCount], root: str) -> tuple[str, ...]:
    """The modules outside ``root`` that hold some of the parameters held inside it (``tied``:
    the modules holding a tied parameter)."""
    return tuple(sorted({other for m in tied if _within(m.name, root)
                         for other in m.tied if not _within(other, root)}, key=natural))


def rows_at(modules: Sequence[ModuleCount], depth: int) -> list[ModuleRow]:
    """The modules at ``depth`` and the leaves above it, in module order, each with the sums
    of its subtree (a tied parameter counted once, where first held)."""
    sums = subtree_sums(modules)
    tied = [m for m in modules if m.tied]
    return [ModuleRow(m.name, m.kind, *sums[m.name], m.fvcore,
                      tied=_tied(tied, m.name), parents=m.parents)
            for m in _chosen(modules, depth)]


def collapsed(rows: Sequence[ModuleRow]) -> list[ModuleRow]:
    """Runs of identical numbered siblings (a transformer's 32 equal layers) as one row,
    'layers.0-31 (x32)', holding their sums; rows in module order."""
    runs: list[list[ModuleRow]] = []
    for row in rows:
        if runs and _repeats(runs[-1][-1], row):
            runs[-1].append(row)
        else:
            runs.append([row])
    return [run[0] if len(run) == 1 else _joined(run) for run in runs]


def _repeats(last: ModuleRow, row: ModuleRow) -> bool:
    """``row`` is the sibling numbered after ``last``, of the same kind and counts."""
    (parent, _, index), (before, _, previous) = row.name.rpartition("."), \
        last.name.rpartition(".")
    numbered = index.isdigit() and previous.isdigit() and int(index) == int(previous) + 1
    same = (row.kind, row.params, row.macs, row.fvcore) == \
        (last.kind, last.params, last.macs, last.fvcore)
    plain = not row.tied and not last.tied and row.parents == last.parents == 1
    return parent == before and numbered and same and plain


def _joined(run: Sequence[ModuleRow]) -> ModuleRow:
    parent, _, first = run[0].name.rpartition(".")
    last = run[-1].name.rpartition(".")[2]
    name = f"{parent + '.' if parent else ''}{first}-{last} (x{len(run)})"
    return replace(added(run, name), kind=run[0].kind, instances=len(run))


def other_row(rows: Sequence[ModuleRow], measured: Measured) -> ModuleRow:
    """What the rows leave out, so that rows and ``(other)`` add up to the totals."""
    fvcore = None
    if measured.fvcore is not None and all(r.fvcore is not None for r in rows):
        fvcore = measured.fvcore - sum(r.fvcore or 0 for r in rows)
    return ModuleRow(OTHER, "", (measured.params or 0) - sum(r.params for r in rows),
                     (measured.macs or 0) - sum(r.macs for r in rows), fvcore)


def ordered(rows: Sequence[ModuleRow], sort: Sort, top: int | None) -> list[ModuleRow]:
    """Rows in the order asked for (names in natural order: 2 before 10); past ``top``, the
    rest are folded into one row."""
    out = sorted(rows, key=lambda r: (*rank(sort, r.macs, r.params), natural(r.name)))
    if top is None or len(out) <= top:
        return out
    return [*out[:top], added(out[top:], f"({len(out) - top} more modules)")]


def rank(sort: Sort, macs: int, params: int) -> tuple[int, int]:
    """A row's place before its name breaks ties: most MACs or parameters first (by name:
    none)."""
    if sort is Sort.NAME:
        return 0, 0
    return (-macs, -params) if sort is Sort.MACS else (-params, -macs)


def added(rows: Sequence[ModuleRow], name: str) -> ModuleRow:
    """Several rows as one: counts add up, and so do the times of those timed."""
    fvcore = None if any(r.fvcore is None for r in rows) else sum(r.fvcore or 0 for r in rows)
    timed = [r for r in rows if r.time is not None]
    return ModuleRow(name, "", sum(r.params for r in rows), sum(r.macs for r in rows), fvcore,
                     summed([r.time for r in timed if r.time is not None]),
                     sum(r.moved or 0 for r in timed) if timed else None,
                     layers=tuple(layer for r in rows for layer in r.layers))


# --- A preset: its analytic layers grouped by module path ---


class Depth(StrEnum):
    """How finely a preset is broken down (``--depth``)."""

    NETWORK = "network"
    STAGE = "stage"
    BLOCK = "block"
    LAYER = "layer"


STEM = frozenset({"conv1", "bn1", "relu", "maxpool"})  # a ResNet's modules before its stages
LEVELS = {Depth.STAGE: 1, Depth.BLOCK: 2}  # module-path parts a stage or block row keeps


def group_label(path: str, depth: Depth) -> str:
    """The row a layer's module path falls in: 'layer2' (stage), 'layer2.0' (block), the
    path itself (layer); outside the stages, 'stem' or 'head'."""
    if depth is Depth.NETWORK:
        return "network"
    if depth is Depth.LAYER:
        return path
    if not path.startswith("layer"):
        return "stem" if path in STEM else "head"
    return ".".join(path.split(".")[:LEVELS[depth]])


def layer_row(name: str, layers: Sequence[Layer]) -> ModuleRow:
    """Analytic layers as one row: their closed-form parameters and MACs, no fvcore figure
    (fvcore's convention is in ``counts.fvcore``)."""
    c = count(layers)
    kind = str(layers[0].op) if len(layers) == 1 else ""
    return ModuleRow(name, kind, c.total, c.macs, None, layers=tuple(layers))


def layer_rows(layers: Sequence[Layer], depth: Depth) -> tuple[ModuleRow, ...]:
    """A preset's rows at ``depth`` in forward order; at the layer depth every layer is its
    own row (a module called twice gives two)."""
    if depth is Depth.LAYER:
        return tuple(layer_row(layer.name, (layer,)) for layer in layers)
    groups: dict[str, list[Layer]] = {}
    for layer in layers:
        groups.setdefault(group_label(layer.name, depth), []).append(layer)
    return tuple(layer_row(name, members) for name, members in groups.items())


def preset_rows(result: NetworkResult, depth: Depth) -> tuple[ModuleRow, ...]:
    """A preset's rows at ``depth``; with the complete count (``--cross-check``), each with
    what that count found in the row's modules, beside the closed form."""
    rows = layer_rows(result.layers, depth)
    if not result.measured.modules:
        return rows
    sums = subtree_sums(result.measured.modules)
    return tuple(replace(row, measured=_measured(row.name, sums)) for row in rows)


def _measured(name: str, sums: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    """The complete count in a row's modules: its module's subtree, or for ``stem`` and
    ``head`` the top-level modules they group (None: no module is the row)."""
    if name in ("stem", "head"):
        paths = [path for path in sums if path and "." not in path
                 and group_label(path, Depth.STAGE) == name]
    else:
        paths = [name] if name in sums else []
    if not paths:
        return None
    return sum(sums[path][0] for path in paths), sum(sums[path][1] for path in paths)


@dataclass(frozen=True)
class KindRow:
    """One module class across the model (``--by kind``): its instances, each with
    everything inside it (kinds nest: an attention holds its Linear layers)."""

    kind: str
    instances: int
    params: int
    macs: int
    fvcore: int | None

    @property
    def flops(self) -> int:
        return 2 * self.macs


def _kind_row(kind: str, found: Sequence[ModuleCount],
              sums: dict[str, tuple[int, int]]) -> KindRow:
    names = {m.name for m in found}
    outer = [m for m in found if not names.intersection(ancestors(parent_of(m.name)))]
    fvcore = None if any(m.fvcore is None for m in outer) else sum(m.fvcore or 0 for m in outer)
    return KindRow(kind, len(found), sum(sums[m.name][0] for m in outer),
                   sum(sums[m.name][1] for m in outer), fvcore)


@dataclass(frozen=True)
class ModelResult:
    """A user's model, counted by every route that ran (the network command and count())."""

    name: str
    measured: Measured
    timed: Timed | None = None  # --time: the forward pass, the rows' calls, the machine

    @property
    def params(self) -> int:
        return self.measured.params or 0

    @property
    def macs(self) -> int:
        return self.measured.macs or 0

    @property
    def flops(self) -> int:
        return self.measured.torch_flops or 0

    @property
    def roofline(self) -> Roofline | None:
        """--time: the roofline of the whole model taken as one piece of work."""
        timed = self.timed
        if timed is None or timed.machine is None or timed.moved is None:
            return None
        return timed.machine.roof(self.macs, timed.moved)

    def by_module(self, depth: int = 1, *, sort: Sort = Sort.MACS, top: int | None = None,
                  collapse: bool = True) -> tuple[ModuleRow, ...]:
        """Rows at ``depth`` (1: the model's children; a wrapper's only child is at the
        wrapper's depth), identical numbered siblings collapsed into one unless
        ``collapse=False``, and the ``(other)`` row: they sum to the totals, whatever the
        depth, order or ``top``."""
        rows = rows_at(self.measured.modules, depth)
        if self.timed is not None:
            rows = [timed_row(row, self.timed.calls) for row in rows]
        shown = collapsed(rows) if collapse else rows
        return (*ordered(shown, sort, top), other_row(rows, self.measured))

    def by_kind(self) -> tuple[KindRow, ...]:
        """A row per module class: its instances and their counts (kinds nest, so the rows
        overlap; each is a share of the totals), the model's own aside, most MACs first; an
        instance inside another of its class is counted once, in the outer one."""
        sums = subtree_sums(self.measured.modules)
        paths: dict[str, list[ModuleCount]] = {}
        for m in self.measured.modules:
            if m.name:
                paths.setdefault(m.kind, []).append(m)
        rows = [_kind_row(kind, found, sums) for kind, found in paths.items()]
        return tuple(sorted(rows, key=lambda r: (-r.macs, -r.params, r.kind)))


@dataclass(frozen=True)
class NetworkReport:
    """``bottlecalc network``'s one result (and what ``bottlecalc.count`` shows): what was
    counted, and how the user asked to see it.

    What was counted is presets and custom networks side by side (``results``: their closed
    forms beside the torch routes that ran, as ``measured`` and ``cross_checked`` say), or
    one user's model (``model``: every route, module by module); never both. ``depth`` is a
    preset's :class:`Depth`, or a model's module-tree depth N (1: its children). ``dtype``
    prices a preset's memory traffic; ``by``, ``sort``, ``top`` and ``collapse`` choose a
    model's rows. :meth:`rows` gives any subject's rows, :class:`ModuleRow` each.
    """

    results: tuple[NetworkResult, ...] = ()
    model: ModelResult | None = None
    depth: Depth | int = Depth.STAGE
    dtype: DType = DType.FLOAT32
    conventions: bool = False
    measured: bool = True  # presets: the torch routes ran (a model's always run)
    cross_checked: bool = False  # presets: the complete count too (a model's always runs)
    machine: Machine | None = None  # --time: where the subjects were timed
    train: bool = False  # --pass train: a training step's FLOPs are shown too
    by: By = By.MODULE  # --by kind: a model's rows are module classes
    sort: Sort = Sort.MACS
    top: int | None = None  # a model's first rows; the rest folded into one
    collapse: bool = True  # --no-collapse: a model's identical siblings a row each

    def __post_init__(self) -> None:
        if (self.model is None) == (not self.results):
            raise ValueError("a network report holds presets or one model")

    @property
    def result(self) -> ModelResult:
        """The user's model (a report of presets has none: asking raises)."""
        if self.model is None:
            raise ValueError("a report of presets holds no model")
        return self.model

    def rows(self, subject: NetworkResult | ModelResult) -> tuple[ModuleRow, ...]:
        """``subject``'s rows at ``depth``: a preset's layers grouped by module path (with
        the complete count, what it found in each), or a model's modules with ``(other)``;
        either way they sum to its totals."""
        if isinstance(subject, ModelResult):
            return subject.by_module(int(self.depth), sort=self.sort, top=self.top,
                                     collapse=self.collapse)
        return preset_rows(subject, Depth(str(self.depth)))

    @property
    def all_agree(self) -> bool:
        return all(result.all_agree for result in self.results)

    @property
    def shape(self) -> InputShape:
        return self.results[0].shape

    @property
    def speedup(self) -> float | None:
        """Measured time of the first network / the last (None with fewer than two)."""
        return speedup(self.results[0], self.results[-1]) if len(self.results) > 1 else None
