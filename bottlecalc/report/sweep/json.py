"""``sweep --format json`` (schema ``bottlecalc.sweep``, documented in docs/teaching.md)."""

from __future__ import annotations

from typing import Any

from bottlecalc.analytic import Counts
from bottlecalc.report.jsondoc import dumps, header, machine_dict, time_dict
from bottlecalc.report.render import RenderOptions
from bottlecalc.spec import BlockKind
from bottlecalc.sweep import Sweep, SweepPoint
from bottlecalc.timed import Timing


def render(sweep: Sweep, options: RenderOptions) -> str:
    return dumps(sweep_dict(sweep))


def sweep_dict(sweep: Sweep) -> dict[str, Any]:
    c = sweep.config
    fixed: dict[str, Any] = {
        "in": c.in_channels, "mid": c.mid, "out": c.out_channels,
        "expansion": c.expansion, "stride": c.stride, "stride_on": str(c.stride_on),
        "groups": c.groups, "bn": c.bn, "bias": c.bias, "batch": c.shape.batch,
        "size": [c.shape.height, c.shape.width],
    }
    fixed[str(sweep.axis)] = None  # the swept option has no single value
    return {
        **header("sweep"),
        "axis": str(sweep.axis),
        "values": [p.value for p in sweep.points],
        "fixed": fixed,
        "measured": False,
        # --time: where the points were timed (each point has its own speedup)
        **({} if sweep.machine is None else {"machine": machine_dict(sweep.machine)}),
        "points": [point_dict(p) for p in sweep.points],
    }


def _numbers(counts: Counts, timing: Timing | None = None) -> dict[str, Any]:
    numbers: dict[str, Any] = {"conv": counts.conv, "params": counts.total,
                               "macs": counts.macs, "flops": counts.flops,
                               "fvcore": counts.fvcore}
    if timing is not None:
        numbers["time"] = time_dict(timing)
    return numbers


def point_dict(point: SweepPoint) -> dict[str, Any]:
    basic, bottleneck = point.result.blocks
    return {
        "value": point.value,
        "in": basic.spec.in_channels,
        "mid": bottleneck.spec.mid,
        "out": basic.spec.out_channels,
        "size": [point.result.shape.height, point.result.shape.width],
        "projection": basic.spec.needs_projection,
        "basic": _numbers(point.basic, point.timing(BlockKind.BASIC)),
        "bottleneck": _numbers(point.bottleneck, point.timing(BlockKind.BOTTLENECK)),
        "ratios": {key: round(value, 4) for key, value in point.result.ratios().items()},
        **({"speedup": point.result.speedup} if point.result.machine is not None else {}),
    }
