"""Sequence models measured on meta: counts at several lengths, one decoding step with the
KV cache a prefill built, and the parameters one token reads (:mod:`bottlecalc.scaling`).

Each forward is counted by FlopCounterMode with bottlecalc's formulas (the complete count)
and, beside it, :class:`_Products` sorts every counted op: a product with a parameter (or
buffer) operand is the model's weights at work; a product between two activations (the
scores QK^T and their use on V, whatever kernel or ``matmul`` computes them) is attention.
Causal attention is found where it is declared: a ``scaled_dot_product_attention`` call with
``is_causal=True`` (:class:`_Causal`); the MACs above its diagonal are booked as skippable
(docs/conventions.md, "Causal attention"). An attention mask given as a tensor is counted
dense: its values are not known on meta.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from math import prod
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves, tree_map

from bottlecalc.build import materialize_shared
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.measure.forward import RunningTotals, run_counted
from bottlecalc.measure.ops import allocates, is_unknown, name_of
from bottlecalc.measure.pipeline import _meta_copy, _on_meta, inference
from bottlecalc.measure.shape_only import ShapeOnly
from bottlecalc.measure.subject import Inputs, Make
from bottlecalc.measure.user import contained
from bottlecalc.scaling import (
    Active,
    Asked,
    Decode,
    Scaling,
    SeqPoint,
    SequenceReport,
    causal_pairs,
)

# Inputs whose dimension 1 is the sequence (transformers' names): found without --seq-dim.
SEQUENCE_INPUTS = ("input_ids", "attention_mask", "inputs_embeds", "position_ids",
                   "token_type_ids", "decoder_input_ids", "decoder_attention_mask", "labels")
MASKS = ("attention_mask",)  # in a decoding step they cover the cache and the new token
GROUPED = ("active parameters include every expert: the experts a token is routed to are "
           "values (a grouped product's offsets, a gather's indices) the meta device does not "
           "hold, and no CPU copy was made: run the experts eagerly for the per-token figure")
CACHE_NAMES = ("cache", "past_key_values", "past_key_value", "kv_cache", "past", "layer_past")
# A forward that fails on meta runs on the CPU when parameters x input elements stay below
# this (a few seconds of zero-filled arithmetic at most); else the meta failure is the error.
CPU_MAX_WORK = 5 * 10**10


@dataclass
class _Count:
    """One forward pass: FLOPs in all, of products between activations, skippable."""

    flops: int = 0
    attention_flops: int = 0
    causal_skipped: int = 0  # MACs
    read: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # param id -> spans
    read_params: int = 0  # elements of those parameters
    unknown: set[str] = field(default_factory=set)  # product ops with no formula
    grouped: bool = False  # experts read by an op whose routing values were not known (meta)
    output: Any = None

    @property
    def macs(self) -> int:
        return self.flops // 2


class _Products(RunningTotals):
    """Books each op FlopCounterMode counts as attention (no operand derived from a
    parameter or buffer) or not (:class:`~bottlecalc.measure.forward.RunningTotals`).

    It also notes which elements of each parameter some op computed with: a view of a
    parameter (``select`` of one expert from a 3-D experts tensor) reads only the elements
    it spans; an embedding lookup reads its whole table (conventional: see
    docs/sequence-models.md)."""

    def __init__(self, module: nn.Module, count: _Count) -> None:
        super().__init__()
        weights = [*module.parameters(), *module.buffers()]
        self.params = {id(p): p for p in module.parameters()}
        self.root: dict[int, torch.Tensor | None] = {id(t): t for t in weights}
        self.keep: list[Any] = list(weights)  # ids stay unique while the tensors live
        self.count = count

    def see(self, func: Any, args: Any, kwargs: dict[str, Any], out: Any) -> None:
        tensors = [t for t in tree_leaves((args, kwargs)) if isinstance(t, torch.Tensor)]
        weighted = [t for t in tensors if id(t) in self.root]
        if func._overloadpacket not in self.counted and is_unknown(
                func, reads_parameter=self._reads_parameter(weighted)):
            self.count.unknown.add(name_of(func))  # the complete count's rule (ops.py)
        if not weighted:
            if func._overloadpacket in self.counted:
                self.pending = (func._overloadpacket, True)
            return
        if not allocates(func):  # a view (or in-place op) aliases its first operand
            if id(tensors[0]) in self.root:
                self._derive(out, self.root[id(tensors[0])])
        else:
            self._read(func, weighted, args, kwargs)
            if len(weighted) == len(tensors):  # computed from weights alone: a weight
                self._derive(out, None)
        if func._overloadpacket in self.counted:
            self.pending = (func._overloadpacket, False)

    def _reads_parameter(self, weighted: list[torch.Tensor]) -> bool:
        """A parameter (or a view of one) is an operand; buffers are not parameters."""
        return any((root := self.root[id(t)]) is not None and id(root) in self.params
                   for t in weighted)

    def _derive(self, out: Any, root: torch.Tensor | None) -> None:
        for t in tree_leaves(out):
            if isinstance(t, torch.Tensor):
                self.root[id(t)] = root
                self.keep.append(t)

    def _read(self, func: Any, weighted: list[torch.Tensor], args: Any, kwargs: Any) -> None:
        for t in weighted:
            root = self.root[id(t)]
            if root is None or id(root) not in self.params:
                continue
            rows = _experts_used(func, args, kwargs, t)
            self.count.grouped |= rows is UNKNOWN
            if isinstance(rows, list):
                spans = _row_spans(t, root, rows)
            elif func._overloadpacket is torch.ops.aten.embedding:
                spans = [(0, root.numel())]
            else:
                spans = [_span(t, root)]
            self.count.read.setdefault(id(root), []).extend(spans)

    def book(self, packet: Any, where: Any, flops: int) -> None:
        if where:  # an attention product
            self.count.attention_flops += flops


def _span(view: torch.Tensor, root: torch.Tensor) -> tuple[int, int]:
    """The elements of ``root`` a view of it spans: [first, last + 1)."""
    start = int(view.storage_offset()) - int(root.storage_offset())
    if view.numel() == 0:
        return (start, start)
    dims = zip(view.shape, view.stride(), strict=True)
    return (start, start + 1 + sum((int(n) - 1) * abs(int(s)) for n, s in dims))


UNKNOWN = "unknown"  # which experts an op read: values the meta device does not hold
GATHERS = (torch.ops.aten.index, torch.ops.aten.index_select)


def _experts_used(func: Any, args: Any, kwargs: Any,
                  weight: torch.Tensor) -> list[int] | str | None:
    """The leading indices (experts) of a 3-D ``weight`` an op computes with: a grouped
    product's experts given rows (its ``offs``), or the experts a gather picks (batched
    experts: ``weight[top_k_index]``); :data:`UNKNOWN` where those are meta values; None
    for any other op (its view's span is what it reads)."""
    if weight.dim() != 3:
        return None
    packet = func._overloadpacket
    if "grouped_mm" in str(packet):
        offs = kwargs.get("offs", args[2] if len(args) > 2 else None)
        if not isinstance(offs, torch.Tensor) or offs.dim() != 1 \
                or offs.shape[0] != weight.shape[0]:
            return None
        if offs.device.type == "meta":
            return UNKNOWN
        ends = [int(end) for end in offs.tolist()]
        return [e for e, (before, end) in enumerate(zip([0, *ends], ends, strict=False))
                if end > before]
    if packet not in GATHERS or args[0] is not weight:
        return None
    index = _gather_index(packet, args)
    if index is None:
        return None
    if index.device.type == "meta":
        return UNKNOWN
    return sorted({int(i) % int(weight.shape[0]) for i in index.flatten().tolist()})


def _gather_index(packet: Any, args: Any) -> torch.Tensor | None:
    """The index tensor of a gather along dimension 0, or None."""
    if packet is torch.ops.aten.index_select:
        return args[2] if int(args[1]) == 0 else None
    indices = list(args[1])
    if indices and isinstance(indices[0], torch.Tensor) and all(i is None for i in indices[1:]):
        return indices[0] if indices[0].dtype != torch.bool else None
    return None


def _row_spans(weight: torch.Tensor, root: torch.Tensor,
               rows: list[int]) -> list[tuple[int, int]]:
    """The spans of ``weight[row]`` for each row, in ``root``'s elements."""
    start = int(weight.storage_offset()) - int(root.storage_offset())
    inner = 1 + sum((int(n) - 1) * abs(int(s))
                    for n, s in zip(weight.shape[1:], weight.stride()[1:], strict=True))
    step = int(weight.stride(0))
    return [(start + row * step, start + row * step + inner) for row in rows]


def _covered(spans: list[tuple[int, int]], size: int) -> int:
    """Elements in the union of ``spans``, within [0, size)."""
    total, end = 0, 0
    for lo, hi in sorted(spans):
        lo, hi = max(lo, end, 0), min(hi, size)
        if hi > lo:
            total += hi - lo
            end = hi
    return total


class _Causal(TorchFunctionMode):
    """Sees ``scaled_dot_product_attention`` calls with ``is_causal=True``: books the MACs
    of the score and value products above the diagonal (what a causal kernel may skip)."""

    def __init__(self, count: _Count) -> None:
        super().__init__()
        self.count = count

    def __torch_function__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if func is torch.nn.functional.scaled_dot_product_attention and _is_causal(args, kwargs):
            self.count.causal_skipped += skipped(args[0], args[1], args[2])
        return func(*args, **kwargs)


def _is_causal(args: Any, kwargs: dict[str, Any]) -> bool:
    return bool(kwargs.get("is_causal", args[5] if len(args) > 5 else False))


def skipped(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> int:
    """MACs of QK^T and AV above a causal diagonal: every (batch x head) row-pair it masks."""
    rows = prod(query.shape[:-2])
    length, keys = query.shape[-2], key.shape[-2]
    masked = length * keys - causal_pairs(length, keys)
    return rows * masked * (query.shape[-1] + value.shape[-1])


def count_once(module: nn.Module, inputs: Inputs, *, device: str = "meta") -> _Count:
    """Run ``module`` once on ``inputs`` and count it (see the module docstring)."""
    count = _Count()
    # A forward may grow a cache in place: it gets copies of every object (a cache, a tuple
    # of past keys) around the same tensors, so the caller's stays as it was (its tensors
    # are never written: a cache grows by ``cat``).
    fresh = inputs.copied(lambda tensor: tensor)
    counter, count.output = run_counted(module, fresh, device=device,
                                        below=_Products(module, count), above=_Causal(count))
    if count.unknown:
        raise MeasureError(f"no formula for {', '.join(sorted(count.unknown))}: its MACs are "
                           "unknown (not 0), so the model cannot be counted exactly")
    if _empty(count.output):
        raise MeasureError("the forward returned an empty tensor (a dimension of size 0), so "
                           "its count would be 0, not the model's: is the sequence past the "
                           "model's position limit (its position embeddings)?")
    count.flops = int(counter.get_total_flops())
    count.read_params = sum(_covered(count.read.get(id(p), []), p.numel())
                            for p in module.parameters())
    return count


def _empty(output: Any) -> bool:
    """Some floating-point tensor of the output has no elements (a slice past the end)."""
    return any(isinstance(t, torch.Tensor) and t.is_floating_point() and t.numel() == 0
               for t in tree_leaves(output))


@dataclass(frozen=True)
class Model:
    """A model to measure on meta: the module, its example inputs there, its name.

    A forward that fails on meta (a Mixture of Experts' router needs values: ``nonzero``)
    runs on a zero-filled CPU copy whose tensors all share one buffer, when that is cheap
    (:data:`CPU_MAX_WORK`); a note says so. Zero weights route every token to the same k
    experts, and any k experts of a uniform MoE hold the same parameters and MACs."""

    name: str
    module: nn.Module
    inputs: Inputs  # on meta
    own_code: bool = True  # a user's model: its prints go to stderr
    notes: list[str] = field(default_factory=list)
    real: list[nn.Module] = field(default_factory=list)  # the CPU copy, once made

    def run(self, inputs: Inputs, *, what: str) -> _Count:
        try:
            with inference(self.module), self._contained():
                return count_once(self.module, inputs)
        except (MeasureError, SpecError):
            raise
        except Exception as exc:
            failure = MeasureError(f"{what} of {self.name} failed on the meta device: "
                                   f"{type(exc).__name__}: {str(exc).split('. ')[0]}")
            failure.__cause__ = exc
        return self._on_cpu(inputs, failure)

    def _contained(self) -> AbstractContextManager[Any]:
        return contained(self.name) if self.own_code else nullcontext()

    @property
    def params(self) -> int:
        return sum(p.numel() for p in self.module.parameters())

    def _on_cpu(self, inputs: Inputs, failure: MeasureError) -> _Count:
        tensors = [*self.module.parameters(), *self.module.buffers()]
        fed = max((t.numel() for t in tree_leaves((inputs.args, inputs.kwargs))
                   if isinstance(t, torch.Tensor)), default=1)
        if sum(t.numel() for t in tensors) * fed > CPU_MAX_WORK:
            raise failure
        if not self.real:
            self.real.append(materialize_shared(copy.deepcopy(self.module)))
        try:
            with inference(self.real[0]), self._contained():
                found = count_once(self.real[0], Inputs(*_to_cpu(inputs)), device="cpu")
        except Exception as exc:
            raise MeasureError(f"{failure}; on the CPU too: {type(exc).__name__}: "
                               f"{exc}") from exc
        note = f"counted on a zero-filled CPU copy: {failure}"
        if note not in self.notes:
            self.notes.append(note)
        return found


def on_meta(make: Make, inputs: Callable[[str], Inputs], name: str, *,
            own_code: bool = True) -> Model:
    """Build the model on meta (a real one is copied there; the original is untouched)."""
    try:
        with ShapeOnly():
            module = make("meta")
    except (MeasureError, SpecError):
        raise
    except Exception as exc:
        raise MeasureError(f"building {name} on the meta device failed: "
                           f"{type(exc).__name__}: {exc}") from exc
    if not _on_meta(module):
        copied = _meta_copy(module)
        if copied is None:
            raise MeasureError(f"{name} cannot be copied to the meta device")
        module = copied
    return Model(name, module, inputs("meta"), own_code)


def sequence_names(module: nn.Module, inputs: Inputs) -> dict[str, Any]:
    """Every input by name: keywords, and positional ones named by the forward's signature."""
    try:
        params = [p.name for p in inspect.signature(module.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    named = {(params[i] if i < len(params) else str(i)): a for i, a in enumerate(inputs.args)}
    return {**named, **inputs.kwargs}


def resized_inputs(model: Model, seq_dim: int | None) -> tuple[tuple[str, ...], int]:
    """The names of the inputs whose sequence dimension --seq sets, and that dimension:
    with ``seq_dim`` every tensor input that has that dimension, else the known sequence
    inputs (dimension 1)."""
    named = sequence_names(model.module, model.inputs)
    tensors = {k: v for k, v in named.items() if isinstance(v, torch.Tensor)}
    if seq_dim is not None:
        found = tuple(k for k, v in tensors.items() if v.dim() > seq_dim)
    else:
        found = tuple(k for k in tensors if k in SEQUENCE_INPUTS and tensors[k].dim() > 1)
    if not found:
        shown = ", ".join(f"{k} {tuple(v.shape)}" for k, v in tensors.items()) or "none"
        where = (f"no input has a dimension {seq_dim}" if seq_dim is not None else
                 f"no input is named {', '.join(SEQUENCE_INPUTS[:3])}...")
        raise SpecError(f"cannot tell the sequence dimension of {model.name}'s inputs "
                        f"({shown}): {where}; give --seq-dim N")
    return found, 1 if seq_dim is None else seq_dim


def at_length(model: Model, names: tuple[str, ...], dim: int, length: int,
              *, grow: tuple[str, ...] = (), extra: int = 0) -> Inputs:
    """The inputs with dimension ``dim`` of ``names`` set to ``length`` (``grow``: to
    ``length + extra``), zero-filled on meta; everything else as given."""
    def sized(name: str, value: Any) -> Any:
        if name not in names:
            return value
        shape = list(value.shape)
        shape[dim] = length + (extra if name in grow else 0)
        return torch.zeros(shape, dtype=value.dtype, device="meta")

    return _by_name(model.module, model.inputs, sized)


def _by_name(module: nn.Module, inputs: Inputs, change: Callable[[str, Any], Any]) -> Inputs:
    """The inputs, each ``change(name, value)`` (positional ones named as the forward names
    them)."""
    named = sequence_names(module, inputs)
    order = list(named)[:len(inputs.args)]
    return Inputs(tuple(change(n, named[n]) for n in order),
                  {k: change(k, v) for k, v in inputs.kwargs.items()})


def _tokens(inputs: Inputs, names: tuple[str, ...], dim: int, model: Model) -> int:
    """Tokens fed: the first resized input's elements up to and including ``dim``."""
    named = sequence_names(model.module, inputs)
    return prod(named[names[0]].shape[:dim + 1])


def scale(model: Model, lengths: tuple[int, ...], *, seq_dim: int | None = None) -> Scaling:
    """Count ``model`` at every length on meta: the points the polynomial is fitted to."""
    names, dim = resized_inputs(model, seq_dim)
    points = []
    for length in lengths:
        inputs = at_length(model, names, dim, length)
        found = model.run(inputs, what=f"the forward at T={length}")
        points.append(SeqPoint(length, _tokens(inputs, names, dim, model), found.macs,
                               found.attention_flops // 2, found.causal_skipped))
    return Scaling(model.name, model.params, dim, names, tuple(points), tuple(model.notes))


def decode(model: Model, context: int, *, seq_dim: int | None = None) -> Decode:
    """Prefill ``context`` tokens on meta, take the cache the model returned, and count one
    decoding step (one new token per sequence) against it."""
    names, dim = resized_inputs(model, seq_dim)
    prefill_inputs = at_length(model, names, dim, context)
    prefill = model.run(prefill_inputs, what=f"the prefill at context {context}")
    cache = find_cache(prefill.output, model.name)
    tensors = cache_tensors(cache)
    kv_bytes = sum(t.numel() * t.element_size() for t in tensors)
    step = _step_inputs(model, names, dim, context, cache)
    found = model.run(step, what=f"the decoding step at context {context}")
    batch = _tokens(step, names, dim, model)
    return Decode(model.name, model.params, context, batch, prefill.macs,
                  prefill.macs - prefill.causal_skipped, found.macs,
                  found.attention_flops // 2, kv_bytes, len(tensors), tuple(model.notes))


def _step_inputs(model: Model, names: tuple[str, ...], dim: int, context: int,
                 cache: Any) -> Inputs:
    """One new token; masks cover the cache and it; the cache passed by keyword."""
    grow = tuple(n for n in names if n in MASKS)
    step = at_length(model, names, dim, 1, grow=grow, extra=context)
    keyword = cache_keyword(model.module, model.name)
    return Inputs(step.args, {**step.kwargs, keyword: cache})


def cache_keyword(module: nn.Module, name: str) -> str:
    """The forward's parameter that takes the cache (``past_key_values``...)."""
    params = inspect.signature(module.forward).parameters
    for candidate in CACHE_NAMES:
        if candidate in params:
            return candidate
    raise SpecError(f"{name}'s forward takes no cache argument (one of "
                    f"{', '.join(CACHE_NAMES)}): --phase decode needs one")


def find_cache(output: Any, name: str) -> Any:
    """The cache a forward returned: a transformers output's ``cache`` (``past_key_values``
    in older versions), else the first element of a tuple output that is a cache object or a
    tuple of tensor tuples."""
    # The new name first: where both exist, reading the old one prints a deprecation warning
    # on stderr (which is the user's, not the library's).
    for attribute in ("cache", "past_key_values"):
        found = getattr(output, attribute, None)
        if found is not None:
            return found
    if isinstance(output, (tuple, list)):
        for item in output[1:]:
            if _is_cache(item):
                return item
    raise SpecError(f"{name} returned no cache (a transformers Cache, past_key_values, or a "
                    "tuple of past keys and values after its output): --phase decode needs "
                    "one; does it take use_cache=True?")


def _is_cache(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return False
    if isinstance(value, (tuple, list)):
        return bool(value) and all(isinstance(v, (tuple, list)) and v and
                                   all(isinstance(t, torch.Tensor) for t in v) for v in value)
    return bool(cache_tensors(value))


def cache_tensors(cache: Any) -> list[torch.Tensor]:
    """Every tensor a cache holds, each once, found as every input's tensors are: in tuples,
    lists, dicts and the attributes of cache objects (transformers' ``DynamicCache`` keeps
    ``layers[i].keys``/``.values``)."""
    return [tensor for _, tensor in Inputs((cache,)).tensors()]


def active(model: Model, *, seq_dim: int | None = None) -> Active:
    """The parameters one token reads and its MACs: a forward of batch 1 x T=1."""
    names, dim = resized_inputs(model, seq_dim)
    one = _one_token(at_length(model, names, dim, 1), names, dim, model)
    found = model.run(one, what="the one-token forward")
    if found.grouped:  # which experts got rows is a value: read it on a CPU copy if cheap
        found = _grouped_on_cpu(model, one, found)
    notes = [*model.notes] + ([GROUPED] if found.grouped else [])
    return Active(model.name, model.params, found.read_params, found.macs, tuple(notes))


def _grouped_on_cpu(model: Model, one: Inputs, on_meta: _Count) -> _Count:
    """The one-token forward again on a zero-filled CPU copy, where a grouped product's
    group sizes are real and only the experts given rows count as read; the meta count
    (every expert read, with the note) when the copy would be too big."""
    reason = MeasureError("the experts a token is routed to are values the meta device "
                          "does not hold")
    try:
        return model._on_cpu(one, reason)
    except MeasureError:
        return on_meta


def _one_token(inputs: Inputs, names: tuple[str, ...], dim: int, model: Model) -> Inputs:
    """Batch 1 too (dimension 0 of the sequence inputs), when the sequence is not dim 0."""
    if dim == 0:
        return inputs
    return _by_name(model.module, inputs,
                    lambda name, value: value[:1] if name in names else value)


def _to_cpu(inputs: Inputs) -> tuple[tuple[Any, ...], dict[str, Any]]:
    def each(value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            return torch.zeros(value.shape, dtype=value.dtype)
        return value

    return tree_map(each, inputs.args), tree_map(each, inputs.kwargs)


def count_target(model: Model, asked: Asked) -> SequenceReport:
    """The measurements ``asked`` for: lengths (with the active parameters), a prefill at
    the context (one length), and a decoding step."""
    lengths = asked.lengths or ((asked.context,) if asked.phase == "prefill" and asked.context
                                else ())
    scaling = scale(model, lengths, seq_dim=asked.seq_dim) if lengths else None
    reads = active(model, seq_dim=asked.seq_dim) if asked.lengths and asked.active else None
    step = None
    if asked.phase == "decode" and asked.context:
        step = decode(model, asked.context, seq_dim=asked.seq_dim)
    return SequenceReport(model.name, model.params, scaling, step, reads,
                          trainable=trainable(model))


def trainable(model: Model) -> int:
    """Parameters with requires_grad (the meta copy keeps the model's flags)."""
    return sum(p.numel() for p in model.module.parameters() if p.requires_grad)
