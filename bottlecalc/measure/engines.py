"""The torch-side routes: instantiated parameter counts, fvcore, and FlopCounterMode.

* **instantiated** — sum of ``numel()`` over the parameters torch created (meta device).
* **fvcore** — ``FlopCountAnalysis(module, inputs).total()``; it traces with ``torch.jit``,
  so it needs real tensors. Its unsupported-op report comes back as data, never as log lines.
* **FlopCounterMode** — ``torch.utils.flop_counter``, an independent engine that counts at
  the dispatcher. It runs on meta tensors, so its cost does not grow with width.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.measure.ops import DISPATCH, custom_mapping
from bottlecalc.measure.shape_only import ShapeOnly, no_lazy_dynamo


@contextmanager
def quiet() -> Iterator[None]:
    """Silence torch.jit's deprecation and tracer warnings and fvcore's logging, here only."""
    logger = logging.getLogger("fvcore")
    level = logger.level
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.jit", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=r".*torch\.jit", category=FutureWarning)
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)  # type: ignore[attr-defined]
        # torch 2.3's TorchScript frontend reads ast.Str and .s, deprecated since Python 3.12
        warnings.filterwarnings("ignore", module=r"torch\.jit\.frontend",
                                category=DeprecationWarning)
        logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            logger.setLevel(level)


def load_fvcore() -> Any:
    """Import ``fvcore.nn`` with its torch.jit deprecation warnings silenced."""
    with quiet():
        import fvcore.nn

    return fvcore.nn


@dataclass(frozen=True)
class Instantiated:
    """Element counts of the tensors torch created for a module."""

    params: int
    trainable: int
    buffers: int


def instantiated(module: nn.Module) -> Instantiated:
    """Parameters (all, and those with requires_grad) and buffers, counted by ``numel``."""
    params = list(module.parameters())
    return Instantiated(
        params=sum(p.numel() for p in params),
        trainable=sum(p.numel() for p in params if p.requires_grad),
        buffers=sum(b.numel() for b in module.buffers()),
    )


@dataclass(frozen=True)
class FvcoreCount:
    """fvcore's count: its total, per module (inclusive) and operator, and what it skipped."""

    total: int
    by_module: dict[str, dict[str, int]]  # module path -> {fvcore op name: count}
    skipped: dict[str, dict[str, int]]  # module path -> {unsupported op: occurrences}

    @property
    def unsupported(self) -> dict[str, int]:
        return self.skipped.get("", {})


class _Keywords(nn.Module):
    """fvcore traces positional inputs only: this calls the model with its keywords too."""

    def __init__(self, model: nn.Module, kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.model, self.kwargs = model, kwargs

    def forward(self, *args: Any) -> Any:
        return self.model(*args, **self.kwargs)


def fvcore_count(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None,
                 *, grad: bool = True) -> FvcoreCount:
    """``FlopCountAnalysis(module, inputs)`` as fvcore's documentation runs it (grad enabled,
    unless ``grad=False``): its total, per module and operator, and the ops it skipped."""
    fvnn = load_fvcore()
    traced = _Keywords(module, kwargs) if kwargs else module
    with quiet(), torch.set_grad_enabled(grad):
        analysis = fvnn.FlopCountAnalysis(traced, args)
        analysis.unsupported_ops_warnings(False)
        analysis.uncalled_modules_warnings(False)
        analysis.tracer_warnings("none")
        total = int(analysis.total())
        by_module = {name: dict(ops) for name, ops in analysis.by_module_and_operator().items()}
        skipped = {name: dict(analysis.unsupported_ops(name)) for name in by_module}
    if kwargs:  # back to the model's own module paths
        by_module, skipped = _unwrap(by_module), _unwrap(skipped)
    return FvcoreCount(total=total, by_module=by_module, skipped=skipped)


def _unwrap(table: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out = {"": table.get("", {})}
    out.update({name.removeprefix("model."): v for name, v in table.items()
                if name.startswith("model.")})
    return out


def torch_flops(module: nn.Module, inputs: tuple[Any, ...]) -> int:
    """FlopCounterMode's total (2 per multiply-accumulate) for one forward pass, with the
    fused kernels torch may pick on real tensors counted too (the same count on any device)."""
    with no_lazy_dynamo(DISPATCH), torch.no_grad(), ShapeOnly(), \
            FlopCounterMode(display=False, custom_mapping=custom_mapping()) as counter:
        module(*inputs)
    return int(counter.get_total_flops())
