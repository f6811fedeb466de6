"""What to measure: a module factory and example inputs, whoever defined the module.

A block, a preset network and a user's model are all a :class:`Subject`; one
:func:`~bottlecalc.measure.pipeline.measure` runs every route on any of them.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import torch
from torch import nn

from bottlecalc.analytic import Counts
from bottlecalc.build import build
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.spec import BlockSpec, InputShape, NetworkSpec, TensorSpec

Make = Callable[[str], nn.Module]  # device -> the module built there


@dataclass(frozen=True)
class Inputs:
    """Positional and keyword arguments for one forward pass.

    Every way of moving them (:meth:`to`, :meth:`randomized`) returns a copy of the whole
    structure, caches and other objects holding tensors included: a forward that changes
    its inputs in place (a KV cache growing by the tokens fed) changes the copy only."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def to(self, device: str) -> Inputs:
        """A copy on ``device`` (on meta: shapes and dtypes, no values)."""
        return self.copied(lambda t: t.detach().to(device, copy=True))

    def randomized(self) -> Inputs:
        """A copy with random values of the same shapes and dtypes (a data-dependence probe)."""
        return self.copied(_random_like)

    def specs(self) -> tuple[tuple[str, TensorSpec], ...]:
        """('0', 1x3x224x224), ('mask', ...), ('cache.keys[0]', ...): every tensor fed,
        named by position or keyword and, inside a structure, by the path to it."""
        return tuple((name, TensorSpec(tuple(t.shape), str(t.dtype).removeprefix("torch.")))
                     for name, t in self.tensors())

    def tensors(self) -> tuple[tuple[str, torch.Tensor], ...]:
        named = [*((str(i), a) for i, a in enumerate(self.args)), *self.kwargs.items()]
        found: dict[int, tuple[str, torch.Tensor]] = {}
        for name, value in named:
            for path, tensor in _walk(value, name, depth=0, seen=set()):
                found.setdefault(id(tensor), (path, tensor))
        return tuple(found.values())

    def copied(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> Inputs:
        """A deep copy in which every tensor found is ``fn(tensor)``; objects (caches) are
        copied, so nothing the forward does to them reaches the originals."""
        memo: dict[int, Any] = {id(t): fn(t) for _, t in self.tensors()}
        try:
            args, kwargs = copy.deepcopy((self.args, self.kwargs), memo)
        except Exception as exc:
            raise MeasureError(f"the example inputs cannot be copied (bottlecalc never runs "
                               f"a forward on the originals): {type(exc).__name__}: {exc}") from exc
        return Inputs(tuple(args), dict(kwargs))


# Containers of tensors are walked this deep: a cache holds lists of layers holding tensors.
_DEPTH = 6
_OPAQUE = (str, bytes, int, float, complex, bool, type(None), type, types.ModuleType,
           types.FunctionType, types.MethodType, nn.Module, torch.dtype, torch.device)


def _walk(value: Any, path: str, *, depth: int,
          seen: set[int]) -> Iterator[tuple[str, torch.Tensor]]:
    """Every tensor in ``value``: in tuples, lists, dicts and objects' attributes (a cache)."""
    if isinstance(value, torch.Tensor):
        yield path, value
        return
    if depth >= _DEPTH or isinstance(value, _OPAQUE) or id(value) in seen:
        return
    seen.add(id(value))
    for key, item in _children(value):
        yield from _walk(item, f"{path}{key}", depth=depth + 1, seen=seen)


def _children(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, (tuple, list)):
        return [(f"[{i}]", item) for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        return [(f"[{k!r}]", item) for k, item in value.items()]
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        return [(f".{k}", item) for k, item in attributes.items()]
    return []


def untraceable(output: Any) -> str | None:
    """The type of the first thing in a forward's output that torch.jit's trace (fvcore)
    cannot take (a cache object, a number), or None: tensors, None and strings in tuples,
    lists and dicts only."""
    if isinstance(output, (torch.Tensor, str, type(None))):
        return None
    if isinstance(output, (tuple, list)):
        items = list(output)
    elif isinstance(output, dict):
        items = list(output.values())
    else:
        return type(output).__name__
    return next((found for found in map(untraceable, items) if found is not None), None)


# Layers whose CPU kernels refuse an input of another floating dtype than their weight
# (the meta kernels do not check, so the count would pass where torch fails).
_SAME_DTYPE = (nn.Linear, nn.modules.conv._ConvNd)


def dtype_guard(module: nn.Module, inputs: Inputs) -> list[Any]:
    """Hooks refusing (exit 2), as torch would, a floating input given in another dtype than
    the weight of the layer it reaches; the error names the input and both dtypes."""
    given = inputs.specs()

    def check(layer: nn.Module, args: tuple[Any, ...]) -> None:
        weight = getattr(layer, "weight", None)
        x = args[0] if args else None
        if not isinstance(weight, torch.Tensor) or not isinstance(x, torch.Tensor) \
                or not x.is_floating_point() or x.dtype == weight.dtype:
            return
        dtype = str(x.dtype).removeprefix("torch.")
        mine = [(name, t) for name, t in given if t.dtype == dtype]
        if mine:
            name, t = mine[0]
            want = str(weight.dtype).removeprefix("torch.")
            typed = ("" if name.isdigit() else f"{name}=") + ",".join(map(str, t.shape))
            raise SpecError(f"input {name} ({t.text}) is {dtype} but the {type(layer).__name__} "
                            f"it reaches has {want} weights, which torch refuses to mix: give "
                            f"the input as {want} (--input {typed}:{want})")

    return [m.register_forward_pre_hook(check) for m in module.modules()
            if isinstance(m, _SAME_DTYPE)]


def _random_like(tensor: torch.Tensor) -> torch.Tensor:
    """Uniform floats in [0, 1); integers within the example's own range (indices stay valid)."""
    if tensor.is_floating_point():
        return torch.rand_like(tensor)
    if tensor.dtype == torch.bool:
        return torch.rand(tensor.shape, device=tensor.device) < 0.5
    high = int(tensor.max()) + 1 if tensor.numel() else 2
    return torch.randint_like(tensor, 0, max(high, 2))


def zeros_of(tensors: tuple[TensorSpec, ...]) -> Callable[[str], Inputs]:
    """Example inputs from shapes and dtypes: zero-filled, made on the device asked for."""

    def make(device: str) -> Inputs:
        def zeros(t: TensorSpec) -> torch.Tensor:
            return torch.zeros(t.shape, dtype=getattr(torch, t.dtype), device=device)

        return Inputs(tuple(zeros(t) for t in tensors if t.name is None),
                      {t.name: zeros(t) for t in tensors if t.name is not None})

    return make


class Origin(StrEnum):
    """Where a subject's module comes from, which decides how freely it may be handled."""

    OWN = "own"  # bottlecalc's own module: weights may alias, no user code runs
    FACTORY = "factory"  # built by the user's factory: user code, built again when needed
    GIVEN = "given"  # an existing module handed to count(): used as it is, never rebuilt


@dataclass(frozen=True)
class Subject:
    """A module to measure: how to build it, what to feed it, and how to name it."""

    name: str  # for messages: "the basic block", "network 'resnet50'", "pkg.models:build"
    make: Make
    inputs: Callable[[str], Inputs]  # device -> the example inputs there
    feed: tuple[TensorSpec, ...] = ()  # the inputs' shapes, when known before building
    origin: Origin = Origin.FACTORY
    # What fvcore would compute and allocate to trace it for real (fp32 weights), where
    # known in advance (bottlecalc's own modules); otherwise measured on meta first.
    trace_macs: int | None = None
    trace_bytes: int | None = None
    home: str = "cpu"  # where real tensors go (a model handed over on a GPU stays there)

    @property
    def input_text(self) -> str:
        return ", ".join(t.label for t in self.feed) or "the example inputs"


def spec_subject(spec: BlockSpec | NetworkSpec, shape: InputShape, counts: Counts) -> Subject:
    """A block or network bottlecalc defines; its closed-form counts price the trace."""
    name = f"network {spec.name!r}" if isinstance(spec, NetworkSpec) else f"the {spec.kind} block"
    feed = (TensorSpec((shape.batch, spec.in_channels, shape.height, shape.width)),)
    return Subject(name=name, make=lambda device: build(spec, device=device),
                   inputs=zeros_of(feed), feed=feed, origin=Origin.OWN, trace_macs=counts.macs,
                   trace_bytes=4 * (counts.total + counts.buffers))


def home_of(module: nn.Module) -> str:
    """Where a module's tensors live ('cuda:0'); a meta or tensorless module: the CPU."""
    for tensor in [*module.parameters(), *module.buffers()]:
        if tensor.device.type != "meta":
            return str(tensor.device)
    return "cpu"


def given_subject(module: nn.Module, inputs: Inputs, name: str) -> Subject:
    """A module someone already holds (``bottlecalc.count``): never rebuilt, never changed.

    A module on meta is copied (copies are free there and the backward pass of ``--pass
    train`` must not touch the original); a real one is counted on a meta copy and traced
    by fvcore where it lives, in eval mode, its flags put back after."""
    on_meta = all(t.device.type == "meta" for t in [*module.parameters(), *module.buffers()])

    def make(device: str) -> nn.Module:
        return copy.deepcopy(module) if on_meta else module

    return Subject(name=name, make=make, inputs=inputs.to, feed=tuple(t for _, t in inputs.specs()),
                   home=home_of(module), origin=Origin.GIVEN)
