"""Wall-clock time of a subject's forward pass, and the machine's two roofs (``--time``).

Everything is timed with ``torch.utils.benchmark``: a warm-up that also picks how many
calls make one timed block, then blocks until the interquartile range is within
:data:`NOISE` of the median or the time budget is spent. Modules run in eval mode under
``inference_mode``, on random inputs in the requested dtype. The same
:class:`~bottlecalc.measure.subject.Subject` that is counted is timed, so a block, a
preset and a user's model take one path.

Per layer, each leaf module is timed on its own, on the very input it receives in one
forward pass (a pre-hook times ``module.forward`` and lets the call go on). A user's model
is timed the same way, row by row: each call of a breakdown row's module on its own input,
with the bytes that call read and wrote (its weights, inputs and outputs) for the roofline.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
import time
import timeit
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils import benchmark
from torch.utils._pytree import tree_leaves, tree_map

from bottlecalc.analytic import ITEMSIZE, DType, Layer, count, numel
from bottlecalc.build import materialize
from bottlecalc.errors import SpecError, failing_as
from bottlecalc.measure.forward import hooks_removed
from bottlecalc.measure.pipeline import ACTIVATIONS, inference
from bottlecalc.measure.subject import Origin, Subject
from bottlecalc.measure.user import contained
from bottlecalc.results import Measured
from bottlecalc.timed import MIN_SAMPLES, Call, Machine, Timed, TimeOptions, Timing

NOISE = 0.1  # stop repeating once the IQR is within 10% of the median
WHOLE_BUDGET_S = 0.6  # at most this long timing one whole block or network,
WHOLE_CAP_S = 5.0  # ... or this long, when a forward pass is too slow to run 4 times in it
LAYER_BUDGET_S = 0.1  # the same for one layer on its own
LAYER_CAP_S = 0.3
LAYER_BLOCK_S = 0.001  # a layer's timed blocks may be short: there are many layers
PROBE_BUDGET_S = 0.2  # ... one probe
SIZING_S = 0.01  # a probe grows until one call takes this long
TORCH_DTYPES = {DType.FLOAT32: torch.float32, DType.FLOAT16: torch.float16,
                DType.BFLOAT16: torch.bfloat16}
Calls = tuple[Call, ...]


PROBE_BYTES = 2 * 128 * 2**20  # the copy probe's source and destination


def time_memory(layers: Sequence[Layer], dtype: DType) -> int:
    """About the most memory timing takes, known before anything is allocated.

    The weights as built (float32) and converted to ``dtype``, five tensors the size of the
    largest activation (a residual forward keeps the input, the branch and the output alive,
    and a layer timed on its own writes one more), and the copy probe's buffers.
    """
    c = count(layers)
    size = ITEMSIZE[dtype]
    largest = max(max(numel(r.in_shape), numel(r.out_shape)) for r in layers)
    return (4 + size) * (c.total + c.buffers) + ACTIVATIONS * size * largest + PROBE_BYTES


def model_memory(measured: Measured, dtype: DType) -> int:
    """About the most memory timing a user's model takes, from its count on the meta device.

    The weights as the factory builds them (float32) and, for another ``dtype``, their
    converted copy; :data:`ACTIVATIONS` tensors the size of the largest floating-point
    tensor any op produced in the counted forward pass, in ``dtype``; the inputs (floating
    ones in ``dtype``, others at 8 bytes an element); and the copy probe's buffers.
    """
    size = ITEMSIZE[dtype]
    elements = (measured.params or 0) + (measured.buffers or 0)
    weights = 4 * elements + (0 if size == 4 else size * elements)
    inputs = sum(numel(t.shape) * (size if t.is_float else 8) for _, t in measured.inputs)
    return weights + ACTIVATIONS * size * (measured.largest or 0) + inputs + PROBE_BYTES


def check_device(device: str) -> None:
    """Refuse ``--device cuda`` where torch sees no GPU, in one line (exit 2)."""
    if device == "cuda" and not torch.cuda.is_available():
        raise SpecError(f"--device cuda: torch {torch.__version__} sees no CUDA device here; "
                        "use --device cpu")


def available_bytes(device: str) -> int | None:
    """Free memory on ``device``: CUDA's free bytes, or MemAvailable from /proc/meminfo."""
    if device == "cuda":
        return int(torch.cuda.mem_get_info()[0])
    meminfo = Path("/proc/meminfo")
    if not meminfo.is_file():
        return None  # not Linux: nothing to hold the estimate against
    for line in meminfo.read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return None


SMALLER = "use smaller widths, --size or --batch"  # what shrinks a block or a preset


def check_memory(need: int, device: str, *, smaller: str = SMALLER) -> None:
    """Refuse, before allocating, what would not fit in ``device``'s free memory (exit 2);
    ``smaller`` says how to shrink the run (a model has no --size or --batch)."""
    free = available_bytes(device)
    if free is not None and need > free:
        raise SpecError(f"--time: timing needs about {need / 2**30:,.1f} GiB but {device} has "
                        f"{free / 2**30:,.1f} GiB free; {smaller}")


ANNOUNCE_S = 10.0  # say so on stderr, before starting, when timing would take this long
MOST_S = 120.0  # refuse (exit 2) timing that would take longer than this
CALLS = 3  # a timed forward runs at least this often: the warm-up, the sizing, a block


def expected_seconds(flops: int, machine: Machine, *, layers: bool) -> float:
    """A floor on how long timing a forward of ``flops`` takes: the calls it needs at the
    rate this device reached in its probes (a CPU without native bfloat16 or float16 units
    runs them 100x slower than float32); each layer timed again costs as much again."""
    rate = min(machine.matmul_gflops, machine.conv_gflops) * 1e9
    return CALLS * flops / rate * (2 if layers else 1) if rate > 0 else 0.0


def check_duration(flops: int, machine: Machine, *, layers: bool) -> None:
    """Refuse timing that would take minutes (exit 2), and announce, on one stderr line,
    timing that takes more than a few seconds, both before any of it runs."""
    seconds = expected_seconds(flops, machine, layers=layers)
    rate = f"{min(machine.matmul_gflops, machine.conv_gflops):,.1f} GFLOP/s"
    where = f"this {machine.device} runs {machine.dtype} at {rate} (its probe)"
    if seconds > MOST_S:
        raise SpecError(f"--time in {machine.dtype} would take about {seconds / 60:,.0f} "
                        f"minutes: {where}; time in float32, or a smaller input")
    if seconds > ANNOUNCE_S:
        print(f"bottlecalc: --time: timing takes about {seconds:,.0f} s: {where}",
              file=sys.stderr, flush=True)


def resolved_threads(options: TimeOptions) -> int:
    return options.threads if options.threads is not None else torch.get_num_threads()


def once(stmt: str, scope: dict[str, Any], device: str) -> float:
    """Seconds of one call of ``stmt`` (a warm-up, and the size of what is to be timed)."""
    sync = torch.cuda.synchronize if device == "cuda" else None

    def now() -> float:
        if sync is not None:
            sync()
        return time.perf_counter()

    with torch.inference_mode():
        return timeit.Timer(stmt, timer=now, globals=scope).timeit(1)


def clock(stmt: str, scope: dict[str, Any], options: TimeOptions, *, budget: float,
          cap: float = 0.0, block_s: float = 0.01) -> Timing:
    """Time ``stmt``: warm-up, then blocks of calls until the spread is small or time is up.

    A block grows (10x at a time) until the timer's own overhead is negligible in it or it
    takes ``block_s``. The time allowed is ``budget``, stretched up to ``cap`` so that a slow
    call is still timed :data:`MIN_SAMPLES` times: a median needs several."""
    threads = resolved_threads(options)
    first = once(stmt, scope, options.device)
    allowed = min(max(budget, 1.25 * MIN_SAMPLES * first), max(budget, cap))
    timer = benchmark.Timer(stmt, globals=scope, num_threads=threads)
    with torch.inference_mode():
        m = timer.adaptive_autorange(threshold=NOISE, min_run_time=block_s, max_run_time=allowed)
    return Timing(median_s=m.median, iqr_s=m.iqr, runs=len(m.times) * m.number_per_run,
                  samples=len(m.times), threads=threads, device=options.device,
                  dtype=str(options.dtype))


Args = tuple[tuple[Any, ...], dict[str, Any]]  # positional and keyword inputs of a forward


def built(subject: Subject, options: TimeOptions) -> tuple[nn.Module, Args]:
    """The subject for real on the device, weights and floating inputs in ``options.dtype``."""
    dtype = TORCH_DTYPES[options.dtype]
    with failing_as(f"building {subject.name} on {options.device} in {options.dtype}"):
        module = _real(subject.make(options.device), options.device).to(dtype=dtype)
        inputs = prepared(subject, options.device, dtype)
    return module, inputs


def _real(module: nn.Module, device: str) -> nn.Module:
    """The module as built, or, when its factory placed its tensors on the meta device
    whatever the default device, the same module zero-filled on ``device``."""
    if any(t.device.type == "meta" for t in [*module.parameters(), *module.buffers()]):
        return materialize(module).to(device)
    return module


def prepared(subject: Subject, device: str, dtype: torch.dtype) -> Args:
    """What is timed on: bottlecalc's own blocks and networks get random floats (their example
    inputs are zeros); a user's model its own example inputs, the floating ones cast to
    ``dtype`` and the others (indices) as they are."""
    inputs = subject.inputs(device)

    def change(value: Any) -> Any:
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            return value
        if subject.origin is Origin.OWN:
            return torch.randn(value.shape, dtype=dtype, device=value.device)
        return value.to(dtype)

    return tuple(tree_map(change, inputs.args)), dict(tree_map(change, inputs.kwargs))


def time_subject(subject: Subject, options: TimeOptions) -> tuple[Timing, Calls]:
    """The whole forward pass timed, and with ``options.layers`` every leaf module's call."""
    total, calls, _ = _timed(subject, options, _leaves if options.layers else None,
                             cap=LAYER_CAP_S)
    return total, calls


def time_model(subject: Subject, rows: Sequence[str], options: TimeOptions, *, flops: int,
               machine: Machine) -> Timed:
    """A user's model on ``machine``: the whole forward pass timed (it computes ``flops``),
    the bytes it moved (weights, inputs, outputs), and every call of each module named in
    ``rows`` timed on its own."""
    total, calls, moved = _timed(subject, options, lambda module: rows,
                                 cap=WHOLE_CAP_S)  # a row may be most of the model
    return Timed(replace(total, flops=flops), calls, moved, machine)


def _timed(subject: Subject, options: TimeOptions,
           names: Callable[[nn.Module], Sequence[str]] | None,
           *, cap: float) -> tuple[Timing, Calls, int | None]:
    """``subject`` built for real and its whole forward pass timed; then, when ``names``
    picks modules of it, one more pass in which each of their calls is timed on its own
    (up to ``cap`` each), with the bytes the pass moved."""
    module, inputs = built(subject, options)
    calls, moved = _ModuleCalls(options, cap=cap), None
    # an error while timing is one line naming the subject, its input, the device and the
    # dtype (a MeasureError, such as the model's ``sys.exit``, already is one)
    failing = failing_as(f"timing {subject.name} on input {subject.input_text} "
                         f"({options.device}, {options.dtype})")
    with failing, inference(module), contained(subject.name):
        total = clock("m(*a, **k)", {"m": module, "a": inputs[0], "k": inputs[1]}, options,
                      budget=WHOLE_BUDGET_S, cap=WHOLE_CAP_S)
        if names is not None:
            moved = calls.run(module, inputs, names(module)) + weight_bytes(module)
    return total, tuple(calls.calls), moved


def _leaves(module: nn.Module) -> list[str]:
    """The leaf modules (an Identity does nothing worth timing)."""
    return [name for name, sub in module.named_modules()
            if name and not isinstance(sub, nn.Identity) and not any(sub.children())]


def weight_bytes(module: nn.Module) -> int:
    """Bytes of a module's parameters, as they are (in the dtype it was moved to)."""
    return sum(p.numel() * p.element_size() for p in module.parameters())


def tensor_bytes(tree: Any) -> int:
    """Bytes of every distinct tensor in a nest of arguments or outputs."""
    tensors = {id(t): t for t in tree_leaves(tree) if isinstance(t, torch.Tensor)}
    return sum(t.numel() * t.element_size() for t in tensors.values())


Open = tuple[str, Timing, int] | None  # a call under way: its name, timing and input bytes


class _ModuleCalls:
    """Hooks on the named modules for one forward pass: each call is first timed on its own
    (``module.forward`` on the very input it got), then goes on; a forward hook adds the
    bytes of its outputs and weights. A call made while another is being timed (a module
    shared between two of them) is part of that one, not timed again."""

    def __init__(self, options: TimeOptions, *, cap: float) -> None:
        self.options, self.cap = options, cap
        self.calls: list[Call] = []
        self.open: list[Open] = []
        self.busy = False

    def before(self, name: str) -> Callable[..., None]:
        def hook(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            if self.busy:
                self.open.append(None)
                return
            self.busy = True
            try:
                timing = clock("f(*a, **k)", {"f": module.forward, "a": args, "k": kwargs},
                               self.options, budget=LAYER_BUDGET_S, cap=self.cap,
                               block_s=LAYER_BLOCK_S)
            finally:
                self.busy = False
            self.open.append((name, timing, tensor_bytes((args, kwargs))))

        return hook

    def after(self, module: nn.Module, args: Any, kwargs: Any, out: Any) -> None:
        entry = self.open.pop() if self.open else None
        if entry is not None:
            name, timing, read = entry
            moved = read + tensor_bytes(out) + weight_bytes(module)
            self.calls.append(Call(name, timing, moved))

    def run(self, module: nn.Module, inputs: Args, names: Sequence[str]) -> int:
        """One forward pass with the named modules hooked; the bytes of its inputs and
        outputs."""
        with self.hooked(module, names), torch.inference_mode():
            out = module(*inputs[0], **inputs[1])
        return tensor_bytes(inputs) + tensor_bytes(out)

    def hooked(self, module: nn.Module, names: Sequence[str]) -> AbstractContextManager[None]:
        found = dict(module.named_modules())
        subs = [(name, found[name]) for name in names if name in found]
        return hooks_removed([h for name, sub in subs for h in (
            sub.register_forward_pre_hook(self.before(name), with_kwargs=True),
            sub.register_forward_hook(self.after, with_kwargs=True, always_call=True))])


def _grown(make: Callable[[int], tuple[str, dict[str, Any], int]], options: TimeOptions,
           *, start: int, stop: int) -> float:
    """GFLOP/s of the probe ``make(n)``, n doubled from ``start`` until a call takes
    :data:`SIZING_S` (or n reaches ``stop``): big enough to reach the roof, still quick."""
    n = start
    while True:
        stmt, scope, flops = make(n)
        if n >= stop or once(stmt, scope, options.device) >= SIZING_S:
            return flops / clock(stmt, scope, options, budget=PROBE_BUDGET_S).median_s / 1e9
        n *= 2


def matmul_gflops(options: TimeOptions) -> float:
    """The compute roof as a square matmul reaches it: 2 n^3 FLOPs per call."""
    dtype = TORCH_DTYPES[options.dtype]

    def make(n: int) -> tuple[str, dict[str, Any], int]:
        a, b = (torch.randn(n, n, dtype=dtype, device=options.device) for _ in range(2))
        return "a @ b", {"a": a, "b": b}, 2 * n**3

    return _grown(make, options, start=256, stop=4096)  # 4096: 192 MiB, near any GPU's peak


def conv_gflops(options: TimeOptions) -> float:
    """The compute roof as a 3x3 convolution (128 -> 128 channels, 28x28) reaches it."""
    dtype = TORCH_DTYPES[options.dtype]
    conv = nn.Conv2d(128, 128, 3, padding=1, bias=False, device=options.device, dtype=dtype)

    def make(batch: int) -> tuple[str, dict[str, Any], int]:
        x = torch.randn(batch, 128, 28, 28, dtype=dtype, device=options.device)
        return "c(x)", {"c": conv, "x": x}, 2 * 9 * 128 * 128 * 28 * 28 * batch

    return _grown(make, options, start=1, stop=256)


def bandwidth_gbs(options: TimeOptions) -> float:
    """The memory roof: a copy far larger than any cache, bytes read + written per second."""
    src = torch.empty(PROBE_BYTES // 8, dtype=torch.float32, device=options.device)
    dst = torch.empty_like(src)
    timing = clock("d.copy_(s)", {"d": dst, "s": src}, options, budget=PROBE_BUDGET_S)
    return 2 * src.numel() * src.element_size() / timing.median_s / 1e9


def cpu_name() -> str:
    """The CPU model as /proc/cpuinfo names it, else what the platform module says."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name") and ":" in line:
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def probe_machine(options: TimeOptions) -> Machine:
    """Both roofs, probed once per device, dtype and thread count in a process."""
    with failing_as(f"probing the machine's roofs on {options.device} in {options.dtype}",
                    keep=()):
        return _probe(options.device, options.dtype, resolved_threads(options))


@functools.cache
def _probe(device: str, dtype: DType, threads: int) -> Machine:
    options = TimeOptions(device=device, dtype=dtype, threads=threads)
    with torch.inference_mode():
        matmul, conv, copy = matmul_gflops(options), conv_gflops(options), bandwidth_gbs(options)
    gpu = torch.cuda.get_device_name() if device == "cuda" else None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return Machine(cpu=cpu_name(), device=device, dtype=dtype, threads=threads,
                   matmul_gflops=matmul, conv_gflops=conv, bandwidth_gbs=copy, gpu=gpu,
                   torch=torch.__version__, load_average=load, cpus=os.cpu_count())
