"""Two torch-side routes: instantiated parameter counts and fvcore.

* **instantiated** — sum of ``numel()`` over the parameters torch created (meta device),
  and over the weights and biases packed in quantized modules (``quantize_dynamic``,
  static quantization): packed weights are parameters to the user, though not to torch.
* **fvcore** — ``FlopCountAnalysis(module, inputs).total()``; it traces with ``torch.jit``,
  so it needs real tensors. Its unsupported-op report comes back as data, never as log lines.

FlopCounterMode (the complete count) runs in :mod:`~bottlecalc.measure.forward`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_leaves

from bottlecalc.results import Measured


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


def instantiated(module: nn.Module) -> Measured:
    """Parameters (all, packed ones included, and those with requires_grad) and buffers,
    counted by ``numel``: the routes that need no forward."""
    params = list(module.parameters())
    return Measured(
        params=sum(p.numel() for p in params) + sum(packed_params(module).values()),
        trainable=sum(p.numel() for p in params if p.requires_grad),
        buffers=sum(b.numel() for b in module.buffers()),
    )


def packed_params(module: nn.Module) -> dict[str, int]:
    """Module path -> elements of the weights and biases packed in its own TorchScript
    objects (quantized linear and conv layers keep them so, outside ``parameters()``)."""
    out = {}
    for name, sub in module.named_modules():
        objects = [v for v in vars(sub).values() if isinstance(v, torch.ScriptObject)]
        held = sum(_packed_numel(obj) for obj in objects)
        if held:
            out[name] = held
    return out


def _packed_numel(obj: torch.ScriptObject) -> int:
    """The weight and bias a packed-params object holds (its state: quantized or floating
    tensors; the integer tensors beside them are its configuration)."""
    try:
        state = obj.__getstate__()
    except Exception:  # an object with no state to read holds nothing we can count
        return 0
    return sum(t.numel() for t in tree_leaves(state) if isinstance(t, torch.Tensor)
               and (t.is_quantized or t.is_floating_point()))


@dataclass(frozen=True)
class FvcoreCount:
    """fvcore's count: its total, per module (inclusive) and operator, and what it skipped."""

    total: int
    by_module: dict[str, dict[str, int]]  # module path -> {fvcore op name: count}
    skipped: dict[str, dict[str, int]]  # module path -> {unsupported op: occurrences}
    # module path -> the ops fvcore counted with a float (its estimate of an einsum: not
    # an exact count), as whole numbers in by_module, and what they left past the point
    estimated: dict[str, frozenset[str]] = field(default_factory=dict)
    remainder: float = 0.0  # the fractions of fvcore's float counts, over the whole model

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
    traced = _Keywords(module, kwargs) if kwargs else module
    with quiet(), torch.set_grad_enabled(grad):
        import fvcore.nn  # its torch.jit deprecation warnings silenced

        analysis = fvcore.nn.FlopCountAnalysis(traced, args)
        analysis.unsupported_ops_warnings(False)
        analysis.uncalled_modules_warnings(False)
        analysis.tracer_warnings("none")
        total = int(analysis.total())
        raw = {name: dict(ops) for name, ops in analysis.by_module_and_operator().items()}
        skipped = {name: dict(analysis.unsupported_ops(name)) for name in raw}
    if kwargs:  # back to the model's own module paths
        raw, skipped = _unwrap(raw), _unwrap(skipped)
    return FvcoreCount(total=total, skipped=skipped, **_integers(raw))


def _integers(raw: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """fvcore's counts as integers; the ops it counted with floats, and their fractions."""
    by_module = {name: {op: int(n) for op, n in ops.items()} for name, ops in raw.items()}
    estimated = {name: frozenset(op for op, n in ops.items() if isinstance(n, float))
                 for name, ops in raw.items()}
    root = raw.get("", {})
    remainder = sum(n - int(n) for n in root.values() if isinstance(n, float))
    return {"by_module": by_module, "remainder": remainder,
            "estimated": {name: ops for name, ops in estimated.items() if ops}}


def _unwrap(table: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out = {"": table.get("", {})}
    out.update({name.removeprefix("model."): v for name, v in table.items()
                if name.startswith("model.")})
    return out

