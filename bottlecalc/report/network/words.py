"""Rows, words and number forms every network format shares, so table, Markdown and CSV agree.

Renderers only lay these out; nothing here is counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bottlecalc.analytic import Op, Traffic, ratio
from bottlecalc.breakdown import Depth, ModuleRow, NetworkReport, layer_row
from bottlecalc.report import glossary, timing
from bottlecalc.report.numbers import exact, fmt, giga, human, nbytes
from bottlecalc.report.words import NO_MEASURE
from bottlecalc.results import NetworkResult
from bottlecalc.spec import BlockKind, StrideOn


def legends(view: NetworkReport) -> list[str]:
    """What the counts mean, and what --time's columns mean when they are shown."""
    return [glossary.NETWORK_LEGEND,
            *([glossary.TIME_LEGEND] if view.machine is not None else [])]


@dataclass(frozen=True)
class Cell:
    """An exact integer, its short form, and whether a measuring route agreed."""

    exact: str
    short: str
    mark: bool | None = None
    measured: str | None = None  # the measured value, shown only when it disagrees



def count_cell(n: int | None, mark: bool | None = None, *,
               measured: int | None = None) -> Cell:
    seen = fmt(measured) if mark is False and measured is not None else None
    return Cell(exact(n), human(n), mark, seen)


def bytes_cell(n: int) -> Cell:
    return Cell(fmt(n), nbytes(n))


def intensity_cell(t: Traffic) -> Cell:
    value = f"{t.intensity:.1f}"
    return Cell(value, value)


def variant(result: NetworkResult) -> str:
    if result.spec.block is BlockKind.BASIC:
        return "v1 = v1.5 (basic blocks have no 1x1)"
    return "v1 (stride on 1x1)" if result.spec.stride_on is StrideOn.CONV1X1 else \
        "v1.5 (stride on 3x3)"


def describe(result: NetworkResult) -> str:
    """'bottleneck 3,4,6,3; width 64; 32 groups x 4; expansion 4'."""
    spec = result.spec
    parts = [f"{spec.block} {','.join(map(str, spec.layers))}", f"width {spec.width}"]
    if spec.groups != 1 or spec.width_per_group != 64:
        parts.append(f"{spec.groups} groups x {spec.width_per_group} per group")
    parts.append(f"expansion {spec.block_expansion}")
    return "; ".join(parts)


def title(view: NetworkReport) -> str:
    shape = view.results[0].shape
    spec = view.results[0].spec
    names = ", ".join(r.name for r in view.results)
    return (f"{names}: input {shape.batch}x{spec.in_channels}x{shape.height}x{shape.width}, "
            f"{spec.num_classes} classes, memory in {view.dtype}")


SummaryRow = tuple[str, Callable[[NetworkResult, NetworkReport], Cell]]


def _params(r: NetworkResult, view: NetworkReport) -> Cell:
    mark = r.params_agree if view.measured else None
    return count_cell(r.counts.total, mark, measured=r.measured.params)


def _fvcore(r: NetworkResult, view: NetworkReport) -> Cell:
    return count_cell(r.counts.fvcore, r.fvcore_agree, measured=r.measured.fvcore)


def _flops(r: NetworkResult, view: NetworkReport) -> Cell:
    return count_cell(r.counts.flops, r.torch_agree, measured=r.measured.torch_flops)


def _plain(value: Callable[[NetworkResult], str]) -> Callable[[NetworkResult, NetworkReport], Cell]:
    return lambda r, _view: Cell(value(r), "")


SUMMARY: tuple[SummaryRow, ...] = (
    ("blocks", _plain(describe)),
    ("stride", _plain(variant)),
    ("weighted layers", _plain(lambda r: str(r.weighted_layers))),
    ("parameters", _params),
    ("MACs (conv + linear)", lambda r, _v: count_cell(r.counts.macs)),
    ("fvcore (MACs + BN + pool)", _fvcore),
    ("FLOPs (2 x MACs)", _flops),
    ("weights", lambda r, v: bytes_cell(r.traffic(v.dtype).weight_bytes)),
    ("activations (all outputs)", lambda r, v: bytes_cell(r.traffic(v.dtype).output_bytes)),
    ("intensity (MACs/byte)", lambda r, v: intensity_cell(r.traffic(v.dtype))),
)


def summary(view: NetworkReport) -> list[tuple[str, list[Cell]]]:
    """Rows of the side-by-side summary: one column per network (--time adds three)."""
    rows = SUMMARY + (TRAIN_SUMMARY if view.train else ()) \
        + (TIMED_SUMMARY if view.machine is not None else ())
    return [(label, [cell(r, view) for r in view.results]) for label, cell in rows]


def _train(r: NetworkResult, view: NetworkReport) -> Cell:
    return count_cell(r.counts.train_flops, r.train_agree, measured=r.measured.train_flops)


TRAIN_SUMMARY: tuple[SummaryRow, ...] = (("training step FLOPs (fwd + bwd)", _train),)


def _time(r: NetworkResult, view: NetworkReport) -> Cell:
    t = r.timed.total if r.timed is not None else None
    return Cell(timing.duration(t.median_s), timing.spread(t)) if t else Cell(DASH, "")


def _gflops(r: NetworkResult, view: NetworkReport) -> Cell:
    return Cell(timing.gflops(r.timed.total if r.timed is not None else None), "")


def _roofline(r: NetworkResult, view: NetworkReport) -> Cell:
    assert view.machine is not None
    roof = view.machine.roofline(r.layers)
    return Cell(timing.duration(roof.predicted_s), f"{roof.bound}-bound")


DASH = "—"
TIMED_SUMMARY: tuple[SummaryRow, ...] = (
    ("time (measured median)", _time),
    ("achieved GFLOP/s", _gflops),
    ("roofline time", _roofline),
)


def comparison_lines(view: NetworkReport) -> list[str]:
    """'resnet50 vs resnet34: 50 vs 34 weighted layers, 1.17x the parameters, ...'."""
    first = view.results[0]
    lines = []
    for other in view.results[1:]:
        a, b = first.counts, other.counts
        lines.append(
            f"{other.name} vs {first.name}: {other.weighted_layers} vs "
            f"{first.weighted_layers} weighted layers, "
            f"{ratio(b.total, a.total):.2f}x the parameters, "
            f"{ratio(b.macs, a.macs):.2f}x the MACs"
        )
        if view.machine is not None:
            lines.append(timing.speed_line(first, other, view.machine))
    return lines


BREAKDOWN_HEADER = ["row", "params", "MACs", "fvcore", "weights", "outputs", "MACs/byte"]
LAYER_HEADER = ["layer", "op", "output", "params", "MACs", "fvcore", "weights", "outputs",
                "MACs/byte"]


def breakdown_row(row: ModuleRow, view: NetworkReport) -> list[Cell]:
    c, t = row.counts, row.traffic(view.dtype)
    cells = [Cell(row.name, "")]
    if view.depth is Depth.LAYER:
        layer = row.layers[0]
        shape = "x".join(map(str, layer.out_shape))
        cells += [Cell(str(layer.op), ""), Cell(shape, "")]
    params, macs = row.measured or (None, None)
    return [
        *cells, checked(c.total, params), checked(c.macs, macs), count_cell(c.fvcore),
        bytes_cell(t.weight_bytes), bytes_cell(t.output_bytes), intensity_cell(t),
    ]


def checked(closed: int, measured: int | None) -> Cell:
    """A row's closed-form count, marked ✗ with the measured value where the complete count
    (--cross-check) found another in the row's modules; agreement is left unmarked."""
    disagrees = measured is not None and measured != closed
    return count_cell(closed, False if disagrees else None, measured=measured)


def breakdown_rows(result: NetworkResult, view: NetworkReport) -> list[list[Cell]]:
    """Rows at ``--depth`` (stage by default), then a total row that they sum to."""
    rows = [breakdown_row(row, view) for row in view.rows(result)]
    total = breakdown_row(layer_row("total", result.layers), view)
    if view.depth is Depth.LAYER:
        total[1:3] = [Cell("", ""), Cell("", "")]
    return [*rows, total]


def convention_cells(result: NetworkResult) -> list[Cell]:
    c, v1 = result.counts, result.v1_macs
    return [
        Cell(fmt(c.macs), giga(c.macs)),
        Cell(fmt(v1), giga(v1)),
        Cell(fmt(c.fvcore), giga(c.fvcore), result.fvcore_agree),
        Cell(fmt(c.flops), giga(c.flops), result.torch_agree),
    ]


def convention_gaps(result: NetworkResult) -> str:
    """Why the four figures differ, in this network's own numbers."""
    c = result.counts
    bn, pool = result.fvcore_of(Op.BN), result.fvcore_of(Op.AVGPOOL)
    v1 = result.v1_macs
    stride = (f"v1.5 - v1 = {fmt(c.macs - v1)} MACs (the stride moved from the first 1x1 "
              "to the 3x3, so the 1x1 runs at full resolution)") if v1 != c.macs else \
        "v1 = v1.5 (no 1x1 carries a stride)"
    return (f"{result.name}: fvcore - MACs = BN {fmt(bn)} + avg-pool {fmt(pool)}; "
            f"{stride}; FLOPs = 2 x {fmt(c.macs)}")


def footnotes(view: NetworkReport) -> list[str]:
    notes = []
    for r in view.results:
        if r.measured.fvcore_unsupported:
            ops = ", ".join(f"{name} x{n}" for name, n in r.measured.fvcore_unsupported)
            notes.append(f"{r.name}: fvcore skipped {ops} (counted as 0 under its convention)")
        notes.extend(f"{r.name}: {note}" for note in r.measured.notes)
    if not view.measured:
        notes.append(NO_MEASURE)
    if view.machine is not None:
        notes.extend(timing.time_notes(view.results, view.machine))
    return notes
