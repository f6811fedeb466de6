"""The torch side of ``bottlecalc check``: load a target, build it, measure it.

A target is a preset, a block, or the user's own model given as
``package.module:callable`` or ``path/to/file.py:callable``; the callable takes no
arguments and returns an ``nn.Module``. The model is never trained or changed: it is
measured in eval mode under ``torch.no_grad()`` and its ``training`` flags are restored.

Where the model allows it, it is built on the meta device (the factory is called under
``with torch.device("meta")``): parameter counts and FlopCounterMode then cost no weight
memory. fvcore traces with ``torch.jit`` and needs real tensors, so for ``max-macs``
the meta module is materialized on the CPU (zero-filled), or the factory is called again
on the CPU when the model cannot be built or run on meta. Each route runs only when a
limit asks for it; a preset with only ``max-params`` never traces.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch import nn

from bottlecalc.budget import (
    Budget,
    Kind,
    Measurement,
    Metric,
    Outcome,
    Target,
    is_file_path,
    preset_shape,
    split_target,
    verdicts,
)
from bottlecalc.build import build_block, build_network, materialize, materialize_shared
from bottlecalc.errors import MeasureError
from bottlecalc.measure import fvcore_count, instantiated, torch_flops
from bottlecalc.spec import InputShape

Make = Callable[[str], nn.Module]  # device -> module built there, in eval mode

def load_factory(target: str, *, base: Path) -> Callable[[], Any]:
    """Import the module or file of ``target`` and return its callable."""
    where, attr = split_target(target)
    module = _import_file(where, base) if is_file_path(where) else _import_module(where, base)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise MeasureError(f"{where} has no attribute {part!r}")
        obj = getattr(obj, part)
    if isinstance(obj, nn.Module) or not callable(obj):
        raise MeasureError(f"{attr} is a {type(obj).__name__}, not a callable "
                           "that returns an nn.Module (point at a function or class)")
    return obj


def _import_module(name: str, base: Path) -> ModuleType:
    _prepend_path(base)  # the console script's sys.path lacks the project directory
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise MeasureError(f"cannot import {name}: {type(exc).__name__}: {exc}") from exc


def _import_file(where: str, base: Path) -> ModuleType:
    path = (base / where).expanduser().resolve()
    if not path.is_file():
        raise MeasureError(f"cannot import {where}: no such file {path}")
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    name = f"bottlecalc_user_{path.stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    _prepend_path(path.parent)  # so the file can import its siblings
    return _exec_file(name, path)


def _exec_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MeasureError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise MeasureError(f"cannot import {path}: {type(exc).__name__}: {exc}") from exc
    return module


def _prepend_path(directory: Path) -> None:
    entry = str(directory.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


def model_maker(factory: Callable[[], Any], target: str) -> Make:
    """Wrap a user's factory: call it with ``device`` as torch's default device."""

    def make(device: str) -> nn.Module:
        with torch.device(device):
            module = factory()
        if not isinstance(module, nn.Module):
            raise MeasureError(f"{target} returned a {type(module).__name__}, "
                               "not an nn.Module")
        return module

    return make


@contextmanager
def inference(module: nn.Module) -> Iterator[nn.Module]:
    """Eval mode for the count (BN must not update its running stats), then every
    submodule's ``training`` flag as it was: the user's model leaves as it came."""
    flags = [(sub, sub.training) for sub in module.modules()]
    module.eval()
    try:
        yield module
    finally:
        for sub, training in flags:
            sub.training = training


@dataclass
class _Built:
    """The module being measured and where its tensors live."""

    module: nn.Module
    device: str
    notes: list[str]


def _on_meta(module: nn.Module) -> bool:
    tensors = [*module.parameters(), *module.buffers()]
    return bool(tensors) and all(t.device.type == "meta" for t in tensors)


def build(make: Make, target: str) -> _Built:
    """Build on meta where the model allows it, else on the CPU."""
    try:
        module = make("meta")
    except MeasureError:
        raise
    except Exception as exc:  # any meta failure means: retry on the CPU
        note = f"built on the CPU: the meta device failed ({type(exc).__name__}: {exc})"
        return _Built(_cpu_build(make, target), "cpu", [note])
    if _on_meta(module):
        return _Built(module, "meta", [])
    return _Built(module, "cpu", ["built on the CPU: the factory placed its tensors there"])


def _cpu_build(make: Make, target: str) -> nn.Module:
    try:
        return make("cpu")
    except MeasureError:
        raise
    except Exception as exc:
        raise MeasureError(f"building {target} failed: "
                           f"{type(exc).__name__}: {exc}") from exc


def measure(make: Make, shape: tuple[int, ...], *, metrics: frozenset[Metric], target: str,
            cross_check: bool = False, alias: bool = False) -> Measurement:
    """Count parameters always; FLOPs and MACs only when a limit (or cross-check) asks.

    ``alias``: fvcore may see every weight as a view of one zero buffer (our own presets
    and blocks; a user's model gets separate tensors, in case its forward writes to them).
    """
    built = build(make, target)
    params, buffers = instantiated(built.module)
    trainable = sum(p.numel() for p in built.module.parameters() if p.requires_grad)
    flops, flops_device = None, None
    if Metric.FLOPS in metrics or (cross_check and Metric.MACS in metrics):
        flops, flops_device = _flops(built, make, shape, target)
    macs, unsupported = None, dict[str, int]()
    if Metric.MACS in metrics:
        macs, unsupported = _macs(built, shape, target, alias=alias)
    return Measurement(
        params=params, trainable=trainable, buffers=buffers, macs=macs, flops=flops,
        flops_device=flops_device, unsupported=tuple(sorted(unsupported.items())),
        notes=tuple(built.notes),
    )


def _flops(built: _Built, make: Make, shape: tuple[int, ...], target: str) -> tuple[int, str]:
    """FlopCounterMode on meta tensors when possible (free), else one real CPU forward."""
    if built.device == "meta":
        try:
            with inference(built.module) as module:
                return torch_flops(module, (torch.zeros(shape, device="meta"),)), "meta"
        except Exception as exc:  # meta kernel missing: run for real
            built.notes.append(f"FlopCounterMode ran on the CPU: the meta device failed "
                               f"({type(exc).__name__}: {exc})")
            built.module, built.device = _cpu_build(make, target), "cpu"
    try:
        with inference(built.module) as module:
            return torch_flops(module, (torch.zeros(shape),)), "cpu"
    except Exception as exc:
        raise MeasureError(f"the forward pass of {target} failed on input "
                           f"{'x'.join(map(str, shape))}: {type(exc).__name__}: {exc}") from exc


def _macs(built: _Built, shape: tuple[int, ...], target: str, *,
          alias: bool) -> tuple[int, dict[str, int]]:
    """fvcore needs real tensors: materialize the meta module (zero-filled) or use the CPU one."""
    module = built.module
    if built.device == "meta":
        module = materialize_shared(module) if alias else materialize(module)
    built.device = "cpu"
    try:
        with inference(module):
            return fvcore_count(module, (torch.zeros(shape),))
    except Exception as exc:
        raise MeasureError(f"fvcore could not trace {target} on input "
                           f"{'x'.join(map(str, shape))}: {type(exc).__name__}: {exc}") from exc


def maker(budget: Budget, target: Target, *, base: Path) -> Make:
    """How to build the target on a given device."""
    if target.network is not None:
        network = target.network
        return lambda device: build_network(network, device=device)
    if target.block is not None:
        block = target.block
        return lambda device: build_block(block, device=device)
    return model_maker(load_factory(budget.target, base=base), budget.target)


def check_budget(budget: Budget, target: Target, *, base: Path, debug: bool = False) -> Outcome:
    """Measure the target and hold every limit against its count; failures become data."""
    try:
        make = maker(budget, target, base=base)
        found = measure(make, target.input, metrics=budget.metrics, target=budget.target,
                        cross_check=target.kind is Kind.MODEL, alias=target.kind is not Kind.MODEL)
    except MeasureError as exc:
        if debug:
            raise
        return Outcome(budget, str(target.kind), target.input, error=str(exc))
    expected = analytic(target)
    return Outcome(
        budget, str(target.kind), target.input, verdicts=verdicts(budget, found),
        measurement=found, analytic=expected, warnings=warnings(found, expected),
    )


def analytic(target: Target) -> dict[str, int] | None:
    """Closed-form counts for presets and blocks (a cross-check; limits use measurements)."""
    from bottlecalc.api import block_result, network_result

    if target.network is not None:
        counts = network_result(target.network, preset_shape(target), measure=False).counts
    elif target.block is not None:
        n, _, h, w = target.input
        counts = block_result(target.block, InputShape(h, w, n), measure=False).counts
    else:
        return None
    return {"params": counts.total, "macs": counts.fvcore, "flops": counts.flops}


def warnings(found: Measurement, expected: dict[str, int] | None) -> tuple[str, ...]:
    """fvcore's skipped ops (the MAC count may be low) and any disagreement with the formulas."""
    out = []
    if found.unsupported:
        listed = ", ".join(f"{name} x{n}" for name, n in found.unsupported)
        out.append(f"fvcore could not count {listed}: the MAC count may be low")
    for metric in Metric:
        actual = found.actual(metric)
        if expected and actual is not None and actual != expected[str(metric)]:
            out.append(f"measured {metric} {actual:,} differ from the closed form "
                       f"{expected[str(metric)]:,}")
    return tuple(out)
