"""Values bottlecalc knows, so a forward that reads them can still run on the meta device.

A meta tensor has a shape and no values, so ``.item()``, ``bool(t)``, ``nonzero`` and the
like fail on it. Some of them read values bottlecalc knows exactly: the example inputs it
made itself (zeros from ``--input``), the tensors a user handed over, and everything
computed from those alone (``(attention_mask == 0).any()``, ``torch.arange(n)``). While
:class:`KnownValues` is active, every op whose tensors all have known values is also run
on the CPU on those values, and its meta outputs remember the result; a value read is
answered from it. Nothing is guessed: an op that touches a parameter (a meta tensor
without values), draws random numbers or reads uninitialised memory gives unknown outputs,
an unknown write into a known tensor forgets every value (views may share it), and a read
of an unknown value fails as it does on meta. The CPU work is bounded by
:data:`MAX_ELEMENTS` per tensor and :data:`MAX_KEPT` in all.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves, tree_map

from bottlecalc.measure.shape_only import UncompiledMode
from bottlecalc.measure.subject import Inputs

MAX_ELEMENTS = 1 << 22  # a tensor larger than this is not computed on the CPU
MAX_KEPT = 1 << 24  # elements of known values held at once, at most (128 MiB of int64)
aten = torch.ops.aten
_READ_NAMES = {aten._local_scalar_dense: ".item()/bool()"}  # as the user's code spells it
_UNINITIALISED = frozenset({"empty", "empty_like", "empty_strided", "new_empty",
                            "new_empty_strided", "empty_permuted"})


class KnownValues(UncompiledMode):
    """Run ops on known values beside the meta forward; see the module's docstring."""

    def __init__(self, pairs: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        super().__init__()
        self.values: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.kept = 0
        self.answered: Counter[str] = Counter()  # ops meta could not run, by name
        for meta, value in pairs:
            self._remember(meta, value)

    def value(self, tensor: torch.Tensor) -> torch.Tensor | None:
        entry = self.values.get(id(tensor))
        return entry[1] if entry is not None and entry[0] is tensor else None

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if not self._computable(func, args, kwargs):
            self._forget_written(func, args, kwargs)
            return func(*args, **kwargs)
        try:
            out = func(*args, **kwargs)
        except Exception as failure:  # a value read, or a shape that depends on values
            return self._from_values(func, args, kwargs, failure)
        self._follow(func, args, kwargs, out)
        return out

    def _computable(self, func: Any, args: Any, kwargs: dict[str, Any]) -> bool:
        """Whether every tensor of the op has a known value, and the op is deterministic."""
        tensors = [t for t in tree_leaves((args, kwargs)) if isinstance(t, torch.Tensor)]
        on_meta = any(t.device.type == "meta" for t in tensors) or _device(kwargs) == "meta"
        if not on_meta or _nondeterministic(func):
            return False
        if _writes(func) and any(t.device.type != "meta" for t in _written(func, args, kwargs)):
            return False  # computing it would write into a real tensor
        if any(self._known(t) is None for t in tensors):
            return False
        return sum(t.numel() for t in tensors) <= MAX_ELEMENTS

    def _known(self, tensor: torch.Tensor) -> torch.Tensor | None:
        """A meta tensor's remembered value; a real tensor is its own value."""
        return self.value(tensor) if tensor.device.type == "meta" else tensor

    def _on_values(self, func: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        def swap(item: Any) -> Any:
            if isinstance(item, torch.Tensor):
                return self._known(item)
            meta = isinstance(item, torch.device) and item.type == "meta"
            return torch.device("cpu") if meta else item

        return func(*tree_map(swap, args), **tree_map(swap, kwargs))

    def _from_values(self, func: Any, args: Any, kwargs: dict[str, Any],
                     failure: Exception) -> Any:
        """The op on the values, its tensors moved back to meta (remembered); if the values
        cannot answer either, the meta failure stands."""
        try:
            out = self._on_values(func, args, kwargs)
        except Exception:
            raise failure from None
        self.answered[_READ_NAMES.get(func._overloadpacket, str(func._overloadpacket))] += 1
        if _writes(func):
            self.values.clear()  # an in-place op that meta could not run: nothing aliases safely
            return tree_map(_to_meta, out)
        meta = tree_map(_to_meta, out)
        self._pair(meta, out)
        return meta

    def _follow(self, func: Any, args: Any, kwargs: dict[str, Any], out: Any) -> None:
        """Compute the op's values too, when its outputs are small enough to keep."""
        leaves = [t for t in tree_leaves(out) if isinstance(t, torch.Tensor)]
        if not leaves or any(t.numel() > MAX_ELEMENTS for t in leaves):
            self._forget_written(func, args, kwargs)
            return
        try:
            values = self._on_values(func, args, kwargs)
        except Exception:  # a kernel the CPU lacks for these dtypes: the outputs are unknown
            self._forget_written(func, args, kwargs)
            return
        self._pair(out, values)

    def _pair(self, meta: Any, values: Any) -> None:
        metas, reals = tree_leaves(meta), tree_leaves(values)
        if len(metas) != len(reals):
            return
        for m, v in zip(metas, reals, strict=True):
            if isinstance(m, torch.Tensor) and m.device.type == "meta" \
                    and isinstance(v, torch.Tensor) and _alike(m, v):
                self._remember(m, v)

    def _remember(self, meta: torch.Tensor, value: torch.Tensor) -> None:
        if self.kept + value.numel() > MAX_KEPT:
            return
        self.kept += value.numel()
        self.values[id(meta)] = (meta, value)

    def _forget_written(self, func: Any, args: Any, kwargs: dict[str, Any]) -> None:
        """An op writing unknown values into a known tensor: forget every value (a view of
        it may be remembered too, and nothing here tracks which)."""
        if _writes(func) and any(self.value(t) is not None for t in _written(func, args, kwargs)):
            self.values.clear()

class PythonData(TorchFunctionMode):
    """``torch.tensor(numbers)`` made on meta dispatches no op: remember its value in
    ``values`` (computed again on the CPU) so later reads of it are answered."""

    def __init__(self, values: KnownValues) -> None:
        super().__init__()
        self.known = values

    def __torch_function__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if func is torch.tensor and isinstance(out, torch.Tensor) \
                and out.device.type == "meta" and _numbers_only(args, kwargs) \
                and out.numel() <= MAX_ELEMENTS:
            self.known._remember(out, func(*args, **{**kwargs, "device": "cpu"}))
        return out


def _numbers_only(args: Any, kwargs: dict[str, Any]) -> bool:
    leaves = tree_leaves((args[:1], kwargs.get("data")))
    return all(isinstance(leaf, bool | int | float) for leaf in leaves if leaf is not None)


def known_pairs(meta: Inputs, values: Inputs) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(meta tensor, its value) for every input, matched by where it sits in the inputs."""
    pairs = []
    for (name, m), (other, v) in zip(meta.tensors(), values.tensors(), strict=False):
        if name == other and _alike(m, v) and v.numel() <= MAX_ELEMENTS:
            pairs.append((m, v.detach().to("cpu", copy=True)))
    return pairs


def _alike(meta: torch.Tensor, value: torch.Tensor) -> bool:
    return meta.shape == value.shape and meta.dtype == value.dtype


def _to_meta(item: Any) -> Any:
    return item.to("meta") if isinstance(item, torch.Tensor) else item


def _device(kwargs: dict[str, Any]) -> str | None:
    device = kwargs.get("device")
    return None if device is None else torch.device(device).type


@functools.cache
def _nondeterministic(func: Any) -> bool:
    """Random draws and uninitialised memory: values nobody knows."""
    name = str(func._overloadpacket).removeprefix("aten.")
    return name in _UNINITIALISED or torch.Tag.nondeterministic_seeded in func.tags


def _written(func: Any, args: Any, kwargs: dict[str, Any]) -> list[torch.Tensor]:
    """The tensors an op writes into, by its schema."""
    found: list[torch.Tensor] = []
    for i, arg in enumerate(func._schema.arguments):
        if arg.alias_info is not None and arg.alias_info.is_write:
            value = args[i] if i < len(args) else kwargs.get(arg.name)
            found += [t for t in tree_leaves(value) if isinstance(t, torch.Tensor)]
    return found


@functools.cache
def _writes(func: Any) -> bool:
    """Whether the op writes into one of its arguments (in-place, ``out=``)."""
    return any(a.alias_info is not None and a.alias_info.is_write for a in func._schema.arguments)
