"""What ``--time`` measured, as typed records: the timings of a forward pass and of its
module calls, and the machine they ran on with its roofline.

Pure Python (no torch), beside :mod:`bottlecalc.results`; kept apart from it so that the
commands that time nothing (``compare --no-measure``) never build these records at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bottlecalc.analytic import DType, Layer, traffic

NOISY_IQR = 0.1  # an interquartile range over 10% of the median: the timing is noisy
MIN_SAMPLES = 4  # fewer timed blocks than this cannot show their spread


@dataclass(frozen=True)
class TimeOptions:
    """How ``--time`` runs: on which device, in which element type, on how many threads."""

    device: str = "cpu"  # "cpu" or "cuda"
    dtype: DType = DType.FLOAT32
    threads: int | None = None  # None: torch's default for this process
    layers: bool = False  # also time every layer on its own


@dataclass(frozen=True)
class Timing:
    """One forward pass timed with ``torch.utils.benchmark``: the median of many runs."""

    median_s: float
    iqr_s: float  # interquartile range of the timed blocks, per run
    runs: int  # forward passes timed, warm-up excluded
    samples: int  # timed blocks the median and IQR are taken over
    threads: int
    device: str
    dtype: str
    flops: int = 0  # FLOPs (2 x MACs) the timed forward pass computes

    @property
    def gflops_per_s(self) -> float:
        """Achieved throughput: counted FLOPs / median time, in 10^9 per second."""
        return self.flops / self.median_s / 1e9

    @property
    def noisy(self) -> bool:
        """A wide spread (IQR over 10% of the median), or too few blocks to tell."""
        return self.samples < MIN_SAMPLES or self.iqr_s > NOISY_IQR * self.median_s


@dataclass(frozen=True)
class Call:
    """One call of a module in the timed forward pass, timed on its own, on the input it got."""

    name: str  # module path
    timing: Timing
    moved: int | None = None  # bytes: the module's weights, this call's inputs and outputs


@dataclass(frozen=True)
class Timed:
    """What ``--time`` measured for one block, network or user's model: the whole forward
    pass, and module calls by path (every leaf's with ``--depth layer``; a model's rows')."""

    total: Timing  # ``flops``: what the whole pass computes
    calls: tuple[Call, ...] = ()  # in forward order
    moved: int | None = None  # bytes the whole pass moved: weights, inputs, outputs (a model)
    machine: Machine | None = None  # where a user's model ran (reports of presets hold theirs)

    def per_layer(self, layers: Sequence[Layer]) -> tuple[Timing | None, ...]:
        """Each counted layer's own time (none: the calls were not timed one by one)."""
        return align(layers, self.calls) if self.calls else ()


class Bound(StrEnum):
    """Which roof limits a layer: the machine's arithmetic or its memory bandwidth."""

    COMPUTE = "compute"
    MEMORY = "memory"


@dataclass(frozen=True)
class Roofline:
    """The roofline's verdict on some layers, each reading and writing memory once."""

    intensity: float  # MACs per byte of weights + input + output
    bound: Bound
    predicted_s: float  # sum over the layers of max(FLOPs / peak, bytes / bandwidth)


@dataclass(frozen=True)
class Machine:
    """Where the timings ran, and its two roofs as probed on the spot."""

    cpu: str
    device: str
    dtype: DType
    threads: int
    matmul_gflops: float  # square matmul probe: 2 n^3 FLOPs / median time
    conv_gflops: float  # 3x3 convolution probe, counted the same way
    bandwidth_gbs: float  # copy probe: bytes read + written / median time
    gpu: str | None = None
    torch: str = ""
    load_average: float | None = None  # the 1-minute load average when the probes ran
    cpus: int | None = None  # logical CPUs the operating system reports

    @property
    def busy(self) -> bool:
        """Other work competed for the CPUs: more runnable tasks than CPUs."""
        if self.load_average is None or self.cpus is None:
            return False
        return self.load_average > self.cpus

    @property
    def peak_gflops(self) -> float:
        """The compute roof: the faster of the two probes."""
        return max(self.matmul_gflops, self.conv_gflops)

    @property
    def ridge(self) -> float:
        """MACs per byte where the roofline bends: below it a layer is memory-bound."""
        return self.peak_gflops / (2 * self.bandwidth_gbs)

    def layer_seconds(self, layer: Layer) -> float:
        """The roofline's time for one layer: its FLOPs at peak or its bytes at bandwidth."""
        moved = traffic((layer,), self.dtype).total_bytes
        return max(layer.flops / (self.peak_gflops * 1e9), moved / (self.bandwidth_gbs * 1e9))

    def bound(self, intensity: float) -> Bound:
        return Bound.COMPUTE if intensity >= self.ridge else Bound.MEMORY

    def roofline(self, layers: Iterable[Layer]) -> Roofline:
        rows = tuple(layers)
        intensity = traffic(rows, self.dtype).intensity
        return Roofline(intensity=intensity, bound=self.bound(intensity),
                        predicted_s=sum(self.layer_seconds(row) for row in rows))

    def roof(self, macs: int, moved: int) -> Roofline:
        """The roofline of one piece of work taken whole (a module of a user's model): ``macs``
        multiply-accumulates, ``moved`` bytes read and written, max(FLOPs / peak, bytes /
        bandwidth)."""
        intensity = macs / moved if moved else 0.0
        seconds = max(2 * macs / (self.peak_gflops * 1e9), moved / (self.bandwidth_gbs * 1e9))
        return Roofline(intensity=intensity, bound=self.bound(intensity), predicted_s=seconds)


def align(layers: Sequence[Layer], calls: Sequence[Call]) -> tuple[Timing | None, ...]:
    """Each layer's own time: the k-th layer named X gets the k-th call of module X.

    Layers that are no module (the residual add) get None; their FLOPs fill ``flops``.
    """
    queues: dict[str, list[Timing]] = {}
    for call in calls:
        queues.setdefault(call.name, []).append(call.timing)
    found: list[Timing | None] = []
    for layer in layers:
        queue = queues.get(layer.name)
        found.append(replace(queue.pop(0), flops=layer.flops) if queue else None)
    return tuple(found)
