"""Words and rows every format shares for ``--time``: measured time beside the counts, and
the roofline's verdict, so the table, Markdown, CSV and the handout say the same thing.

Nothing here measures; it lays out :class:`~bottlecalc.results.Timing` and
:class:`~bottlecalc.results.Machine` records and the roofline they imply.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bottlecalc.analytic import Layer, Op, ratio
from bottlecalc.report.numbers import fmt
from bottlecalc.results import Counted, S
from bottlecalc.timed import MIN_SAMPLES, NOISY_IQR, Bound, Machine, Timing

DASH = "—"
NOISY_NOTE = (
    f"noisy: the IQR is over {NOISY_IQR:.0%} of the median, or fewer than {MIN_SAMPLES} timed "
    "blocks: other programs competed for the machine, or the run was too short to tell; "
    "rerun, or fix --threads"
)
BLOCK_HEADER = ["block", "MACs", "time\n(median)", "IQR", "runs", "GFLOP/s", "roofline\ntime",
                "MACs\nper byte", "bound"]
# --time adds these CSV columns: the JSON's ``time`` and ``roofline``, flattened.
TIME_COLUMNS = [
    "time_median_s", "time_iqr_s", "time_runs", "time_threads", "time_device", "time_dtype",
    "time_gflops_per_s", "time_noisy", "roofline_intensity", "roofline_bound",
    "roofline_predicted_s",
]
SHOW_NAMES = 12  # list memory-bound layers by name up to this many
LAYER_HEADER = ["layer", "op", "MACs", "MACs\nper byte", "bound", "roofline\ntime",
                "measured\ntime", "GFLOP/s"]


def duration(seconds: float | None) -> str:
    """'15.7 ms', '317 µs', '1.23 s': three significant figures in a readable unit."""
    if seconds is None:
        return DASH
    units = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))
    scale, unit = next((u for u in units if seconds >= u[0]), units[-1])
    value = seconds / scale
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:.{digits}f} {unit}"


def rate(value: float) -> str:
    return f"{value:,.1f}"


def spread(timing: Timing) -> str:
    """'±0.36 ms', with 'noisy' under it when the spread is wide."""
    text = f"±{duration(timing.iqr_s)}"
    return f"{text}\nnoisy" if timing.noisy else text


def gflops(timing: Timing | None) -> str:
    return DASH if timing is None else rate(timing.gflops_per_s)


def machine_line(machine: Machine) -> str:
    """Which machine made the numbers, and the two roofs it was probed to have."""
    where = f"{machine.gpu} (cuda), host {machine.cpu}" if machine.gpu else \
        f"{machine.cpu} ({machine.device})"
    threads = f"{machine.threads} thread{'' if machine.threads == 1 else 's'}"
    return (f"timed on {where}, {threads}, {machine.dtype}, torch "
            f"{machine.torch}; roofs probed here: peak {rate(machine.peak_gflops)} GFLOP/s "
            f"(3x3 conv {rate(machine.conv_gflops)}, matmul {rate(machine.matmul_gflops)}), "
            f"bandwidth {rate(machine.bandwidth_gbs)} GB/s (copy); ridge "
            f"{machine.ridge:.2f} MACs/byte")


def predicted(result: Counted[S], machine: Machine) -> float:
    return machine.roofline(result.layers).predicted_s


def speed_line(first: Counted[S], last: Counted[S], machine: Machine) -> str:
    """'bottleneck: 16.9x fewer MACs, 11.6x faster here (measured; the roofline predicts
    13.2x)' — the count's promise next to what this machine delivered."""
    if first.timed is None or last.timed is None:
        return ""
    fewer = ratio(first.counts.macs, last.counts.macs)
    faster = first.timed.total.median_s / last.timed.total.median_s
    roof = predicted(first, machine) / predicted(last, machine)
    return (f"{last.name}: {_fewer(fewer)} MACs than {first.name}, {times(faster)} here "
            f"(measured; the roofline predicts {times(roof)})")


def _fewer(factor: float) -> str:
    return f"{factor:.1f}x fewer" if factor >= 1 or factor <= 0 else f"{1 / factor:.2f}x more"


def times(speedup: float) -> str:
    """'5.2x faster', or '1.3x slower' when the ratio is below one."""
    if speedup >= 1 or speedup <= 0:
        return f"{speedup:.1f}x faster"
    return f"{1 / speedup:.1f}x slower"


def block_row(result: Counted[S], machine: Machine) -> list[str]:
    """[name, MACs, median, IQR, runs, GFLOP/s, roofline, MACs/byte, bound] of one result."""
    assert result.timed is not None
    t, roof = result.timed.total, machine.roofline(result.layers)
    return [result.name, fmt(result.counts.macs), duration(t.median_s), spread(t),
            fmt(t.runs), rate(t.gflops_per_s), duration(roof.predicted_s),
            f"{roof.intensity:.1f}", str(roof.bound)]


def layer_row(layer: Layer, timing: Timing | None, machine: Machine) -> list[str]:
    """[layer, op, MACs, MACs/byte, bound, roofline, measured, GFLOP/s] of one layer."""
    roof = machine.roofline((layer,))
    measured = DASH if timing is None else duration(timing.median_s)
    if timing is not None and timing.noisy:
        measured += "\nnoisy"
    return [layer.name, str(layer.op), fmt(layer.macs), f"{roof.intensity:.1f}",
            str(roof.bound), duration(roof.predicted_s), measured, gflops(timing)]


def layer_rows(result: Counted[S], machine: Machine) -> list[list[str]]:
    timings = result.layer_times or (None,) * len(result.layers)
    return [layer_row(layer, t, machine) for layer, t in zip(result.layers, timings, strict=True)]


def bound_line(result: Counted[S], machine: Machine) -> str:
    """Which layers are memory-bound here, and what share of the layers' time they took."""
    memory = [i for i, r in enumerate(result.layers)
              if machine.roofline((r,)).bound is Bound.MEMORY]
    line = (f"{result.name}: {len(memory)} of {len(result.layers)} layers memory-bound here "
            f"(below {machine.ridge:.2f} MACs/byte): {_names([result.layers[i] for i in memory])}")
    share = _share(result, set(memory))
    return line if share is None else f"{line}; {share:.0%} of the time its layers took alone"


def _names(layers: list[Layer]) -> str:
    """Every name when there are few; else a count per op, naming the convs and linears."""
    if len(layers) <= SHOW_NAMES:
        return ", ".join(r.name for r in layers) or "none"
    ops = Counter(str(r.op) for r in layers)
    weighted = [r.name for r in layers if r.op in (Op.CONV, Op.LINEAR)]
    named = ", ".join(weighted[:SHOW_NAMES]) + (", ..." if len(weighted) > SHOW_NAMES else "")
    counts = ", ".join(f"{op} x{n}" for op, n in ops.items())
    return f"{counts}" + (f"; the conv/linear ones: {named}" if weighted else "")


def _share(result: Counted[S], picked: set[int]) -> float | None:
    """The picked layers' share of the time all the layers took, each timed alone."""
    times = {i: t.median_s for i, t in enumerate(result.layer_times) if t is not None}
    total = sum(times.values())
    return sum(s for i, s in times.items() if i in picked) / total if total else None


def sum_line(result: Counted[S]) -> str:
    """The layers timed one by one against the whole timed at once."""
    if result.timed is None or not result.layer_times:
        return ""
    alone = sum(t.median_s for t in result.layer_times if t is not None)
    return (f"{result.name}: its layers timed one by one add up to {duration(alone)}; timed "
            f"whole it took {duration(result.timed.total.median_s)} (the residual add and the "
            "traffic between layers are in the difference)")


def all_timings(result: Counted[S]) -> list[Timing]:
    """Every timing of one result: the whole, then each layer timed on its own."""
    if result.timed is None:
        return []
    return [result.timed.total, *(t for t in result.layer_times if t is not None)]


Section = tuple[str, list[list[str]], list[str]]


def layer_sections(results: Sequence[Counted[S]], machine: Machine) -> list[Section]:
    """(title, rows under LAYER_HEADER, notes) for each result, layer by layer; the notes
    say which layers are memory-bound, and what the layers timed alone add up to."""
    return [(f"{r.name}: layer by layer, roofline vs measured", layer_rows(r, machine),
             [line for line in (bound_line(r, machine), sum_line(r)) if line]) for r in results]


def any_noisy(results: Sequence[Counted[S]]) -> bool:
    return any(t.noisy for r in results for t in all_timings(r))


def time_notes(results: Sequence[Counted[S]], machine: Machine) -> list[str]:
    """The footnotes a timed report ends with."""
    return machine_notes(machine, noisy=any_noisy(results))


def machine_notes(machine: Machine, *, noisy: bool) -> list[str]:
    """The machine that timed, whether it was busy, whether any time was ``noisy``, and what
    the memory roof means: the footnotes of any timed report."""
    notes = [machine_line(machine)]
    if machine.busy:
        notes.append(f"the machine was busy: load average {machine.load_average:.1f} on "
                     f"{machine.cpus} CPUs when the probes ran, so every time here is inflated")
    if noisy:
        notes.append(NOISY_NOTE)
    if machine.device == "cpu":
        notes.append("bandwidth is a copy far larger than any cache: a layer whose tensors fit "
                     "in cache moves bytes faster, so its roofline time is an upper bound")
    return notes
