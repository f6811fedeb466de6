"""One instrumented forward pass, run where the module lives (meta, preferably):

* FlopCounterMode's total, with formulas for the fused kernels and products it does not
  count (:mod:`~bottlecalc.measure.ops`): the complete count;
* bottlecalc's own formula for every op dispatched (the op registry, not FlopCounterMode's
  formulas), booked the same way: the op route, which checks the complete count;
* the ops that may multiply-accumulate and that no formula counts (unknown, never 0);
* where each of those FLOPs happened: the innermost module being called, where a covered
  module (one with a formula) counts as a leaf, so its work is compared with its formula;
* the module formulas of every covered module called (:mod:`~bottlecalc.measure.formulas`);
* which parameters and buffers some operation read, so parameters the forward never
  used can be reported;
* the largest floating-point tensor any op produced (what ``--time`` holds against the free
  memory before it builds the model for real).

Module calls are followed with forward hooks on the model's modules, removed afterwards.
A forward that is a generator, returns no tensor computed from its inputs, or runs no op
is an error: there would be nothing to count, and a count of 0 must never pass a budget.
"""

from __future__ import annotations

import inspect
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves
from torch.utils.flop_counter import FlopCounterMode
from torch.utils.hooks import RemovableHandle

from bottlecalc.breakdown import ancestors
from bottlecalc.errors import MeasureError
from bottlecalc.findings import UnknownOp
from bottlecalc.measure.engines import packed_params
from bottlecalc.measure.formulas import Formula, covered, formula
from bottlecalc.measure.ops import (
    DISPATCH,
    allocates,
    custom_mapping,
    evaluating,
    is_unknown,
    name_of,
    op_macs,
)
from bottlecalc.measure.shape_only import ShapeOnly, UncompiledMode, no_lazy_dynamo
from bottlecalc.measure.subject import Inputs

T = TypeVar("T")


@dataclass
class Forward:
    """What one forward pass did, by the complete-count routes."""

    flops: int  # FlopCounterMode's total: 2 per multiply-accumulate
    device: str  # where it ran: "meta" or "cpu"
    own: dict[str, int] = field(default_factory=dict)  # module path -> FLOPs done there
    own_ops: dict[str, int] = field(default_factory=dict)  # path -> MACs by the op registry
    unknown: tuple[UnknownOp, ...] = ()  # ops no formula counts
    ops: dict[str, Counter[str]] = field(default_factory=dict)  # path -> aten.op -> calls
    formulas: dict[str, Formula] = field(default_factory=dict)  # covered path -> formula
    kinds: dict[str, str] = field(default_factory=dict)  # module path -> class name
    held: dict[str, int] = field(default_factory=dict)  # module path -> its own parameters
    tied: dict[str, tuple[str, ...]] = field(default_factory=dict)  # path -> others holding
    parents: dict[str, int] = field(default_factory=dict)  # shared module path -> its parents
    unused: dict[str, int] = field(default_factory=dict)  # parameter name -> numel, unread
    held_names: tuple[str, ...] = ()  # every parameter's name, in module order
    largest: int = 0  # elements of the largest floating-point tensor an op produced

    @property
    def macs(self) -> int:
        return self.flops // 2

    @property
    def macs_ops(self) -> int:
        """The op route: bottlecalc's own formula for every op dispatched."""
        return sum(self.own_ops.values())

    @property
    def macs_modules(self) -> int:
        """The module-formula route: covered modules only."""
        return sum(f.macs for f in self.formulas.values())

    def unused_modules(self) -> tuple[str, ...]:
        """The outermost modules holding parameters, none of which the forward read."""
        holding: set[str] = set()
        reading: set[str] = set()
        for name in self.held_names:  # one pass: each parameter marks the modules above it
            owners = ancestors(name.rpartition(".")[0])
            holding.update(owners)
            if name not in self.unused:
                reading.update(owners)
        idle = {m for m in self.kinds if m in holding and m not in reading}
        outermost = [m for m in idle if not m or m.rpartition(".")[0] not in idle]
        return tuple(sorted(m or "(root)" for m in outermost))


@dataclass
class _Frame:
    module: int  # id() of the module called
    path: str  # where its work is attributed
    covered: bool  # inside a covered module: nested calls are part of it
    records: bool  # this call's formula is recorded


@contextmanager
def hooks_removed(handles: list[RemovableHandle]) -> Iterator[None]:
    """Run with the hooks just registered (``handles``), then remove them, whatever happens:
    hooks are put on the model counted, never global ones, and it leaves as it came."""
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


class _Calls:
    """The stack of module calls, followed by hooks on each module of the model counted
    (never global ones: nothing else running meanwhile is seen, or slowed)."""

    def __init__(self, root: nn.Module) -> None:
        self.modules = dict(root.named_modules())
        self.paths = {id(m): name for name, m in self.modules.items()}
        self.frames: list[_Frame] = []
        self.formulas: dict[str, Formula] = {}

    @property
    def current(self) -> str:
        return self.frames[-1].path if self.frames else ""

    def enter(self, module: nn.Module, _args: Any) -> None:
        top = self.frames[-1] if self.frames else None
        known = id(module) in self.paths and not (top and top.covered)
        if not known:  # nested in a covered module, or built during the forward
            path, inside = (top.path, top.covered) if top else ("", False)
            self.frames.append(_Frame(id(module), path, inside, records=False))
            return
        leaf = covered(module)
        self.frames.append(_Frame(id(module), self.paths[id(module)], leaf, records=leaf))

    def leave(self, module: nn.Module, args: tuple[Any, ...], kwargs: Any = None,
              out: Any = None) -> None:
        """Pop the call (also when its forward raised: then torch passes no output)."""
        if not self.frames or self.frames[-1].module != id(module):
            return
        frame = self.frames.pop()
        if frame.records and out is not None:
            found = formula(module, args, kwargs or {}, out)
            known = self.formulas.get(frame.path)
            self.formulas[frame.path] = found if known is None else known + found

    def hooked(self) -> AbstractContextManager[None]:
        return hooks_removed([handle for module in self.modules.values() for handle in (
            module.register_forward_pre_hook(self.enter),
            module.register_forward_hook(self.leave, with_kwargs=True, always_call=True))])


class RunningTotals(UncompiledMode):
    """A mode below FlopCounterMode that books, op by op, what FlopCounterMode counted.
    FlopCounterMode counts an op once it has returned from here, so the FLOPs of the op held
    in :attr:`pending` are read from its running total when the next op (or :meth:`flush`)
    arrives: one count, never a formula evaluated twice. Subclasses say where they go."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: dict[Any, int] = {}  # FlopCounterMode's running total per op
        self.seen: dict[Any, int] = defaultdict(int)  # what has been booked of it
        self.counted: set[Any] = set()  # the ops FlopCounterMode has a formula for
        self.pending: tuple[Any, Any] | None = None  # (op, where): counted, not yet booked

    def follow(self, counter: FlopCounterMode) -> None:
        """Read ``counter``'s totals (it must be entered above this mode)."""
        self.totals, self.counted = counter.flop_counts["Global"], set(counter.flop_registry)

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if evaluating():  # a formula's own ops, inside the op being counted
            return func(*args, **kwargs)
        self.flush()
        out = func(*args, **kwargs)
        self.see(func, args, kwargs, out)
        return out

    def see(self, func: Any, args: Any, kwargs: dict[str, Any], out: Any) -> None:
        """Note one op the model ran (FlopCounterMode counts it once this returns)."""
        raise NotImplementedError

    def flush(self) -> None:
        """Book the last counted op's FLOPs (FlopCounterMode has counted it by now)."""
        if self.pending is None:
            return
        packet, where = self.pending
        self.pending = None
        total = self.totals.get(packet, 0)
        self.book(packet, where, total - self.seen[packet])
        self.seen[packet] = total

    def book(self, packet: Any, where: Any, flops: int) -> None:
        raise NotImplementedError


class _Attribution(RunningTotals):
    """Sees every op FlopCounterMode counts, and books what it counted to the module the op
    ran in (:class:`RunningTotals`). The op registry's own count of each op is booked beside
    it, and ops no formula counts are recorded."""

    def __init__(self, calls: _Calls, watched: dict[int, str], inputs: Inputs) -> None:
        super().__init__()
        self.calls, self.watched = calls, watched
        self.own: dict[str, int] = defaultdict(int)
        self.own_ops: dict[str, int] = defaultdict(int)
        self.ops: dict[str, Counter[str]] = defaultdict(Counter)
        self.unknown: dict[tuple[str, str], tuple[int, set[str]]] = {}
        self.used: set[int] = set()
        self.largest = 0  # elements of the largest floating-point output seen
        self.ran = 0  # ops dispatched
        self.aliases: _Tags[frozenset[str]] = _Tags()  # views of parameters: which ones
        self.derived: _Tags[bool] = _Tags()  # the tensors computed from the inputs
        self.derived.tag(tree_leaves((inputs.args, inputs.kwargs)), True)

    def see(self, func: Any, args: Any, kwargs: dict[str, Any], out: Any) -> None:
        self.ran += 1
        leaves = tree_leaves((args, kwargs))
        read = {self.watched[id(t)] for t in leaves if id(t) in self.watched}
        self.used.update(id(t) for t in leaves if id(t) in self.watched)
        read.update(name for t in leaves for name in self.aliases.get(t) or ())
        if any(self.derived.get(t) for t in leaves):
            self.derived.tag([out] if isinstance(out, torch.Tensor) else tree_leaves(out), True)
        if allocates(func):
            self.largest = max(self.largest, _largest(out))
        elif read:  # a view of a parameter (a transposed weight) still reads it
            self.aliases.tag(tree_leaves(out), frozenset(read))
        self._book(func, args, kwargs, out, read)

    def _book(self, func: Any, args: Any, kwargs: Any, out: Any, read: set[str]) -> None:
        """The op registry's count of this op, or the op as unknown; FlopCounterMode's, later."""
        path = self.calls.current
        macs = op_macs(func, args, kwargs, out)
        if macs is not None:
            self.own_ops[path] += macs
        counted = func._overloadpacket in self.counted
        if counted:
            self.pending = (func._overloadpacket, path)
        elif macs is None and is_unknown(func, reads_parameter=bool(read)):
            calls, params = self.unknown.get((name_of(func), path), (0, set()))
            self.unknown[(name_of(func), path)] = (calls + 1, params | read)

    def book(self, packet: Any, where: Any, flops: int) -> None:
        self.own[where] += flops
        self.ops[where][str(packet)] += 1

    def unknown_ops(self) -> tuple[UnknownOp, ...]:
        return tuple(UnknownOp(op, path, tuple(sorted(params)), calls)
                     for (op, path), (calls, params) in sorted(self.unknown.items()))


class _Tags(Generic[T]):
    """A tag per tensor, by identity, the tensors held weakly (a count never keeps
    activations alive, and an id reused by a new tensor does not inherit the tag)."""

    def __init__(self) -> None:
        self.tags: dict[int, tuple[weakref.ref[torch.Tensor], T]] = {}

    def tag(self, values: Iterable[Any], tag: T) -> None:
        for value in values:
            if isinstance(value, torch.Tensor):
                self.tags[id(value)] = (weakref.ref(value), tag)

    def get(self, value: Any) -> T | None:
        hit = self.tags.get(id(value))
        return hit[1] if hit is not None and hit[0]() is value else None


def _largest(out: Any) -> int:
    """Elements of the largest floating-point tensor in an op's output (0: none)."""
    return max((t.numel() for t in tree_leaves(out)
                if isinstance(t, torch.Tensor) and t.is_floating_point()), default=0)


class _GlobalOnly(nullcontext[None]):
    """Stands in for FlopCounterMode's ModuleTracker (torch >= 2.4), entering and leaving
    nothing: bottlecalc books FLOPs to modules itself (:class:`_Attribution`), so
    FlopCounterMode needs only its global total, and the tracker's hooks on every module
    call cost a sixth of a meta count."""

    parents = frozenset({"Global"})


def global_counter() -> FlopCounterMode:
    """A FlopCounterMode with bottlecalc's formulas that keeps only its global total."""
    counter = FlopCounterMode(display=False, custom_mapping=custom_mapping())
    if hasattr(counter, "mod_tracker"):
        vars(counter)["mod_tracker"] = _GlobalOnly()
    return counter


@dataclass
class Reached:
    """How far a forward got, kept when it fails (what the CPU would need, estimated)."""

    largest: int = 0  # elements of the largest floating-point tensor any op produced


def count_forward(module: nn.Module, inputs: Inputs, *, device: str,
                  values: TorchDispatchMode | None = None,
                  reached: Reached | None = None) -> Forward:
    """Run ``module`` once on ``inputs`` (already on ``device``) and count it every way.
    ``values`` (:class:`~bottlecalc.measure.known.KnownValues`) runs between the counters
    and the shape answers; ``reached`` learns the largest tensor made, even on failure."""
    calls = _Calls(module)
    watched = {id(t): name for name, t in [*module.named_parameters(remove_duplicate=False),
                                           *module.named_buffers(remove_duplicate=False)]}
    attribution = _Attribution(calls, watched, inputs)
    try:
        counter, out = run_counted(module, inputs, device=device, below=attribution,
                                   hooks=calls, values=values)
    finally:
        if reached is not None:
            reached.largest = attribution.largest
    _check_output(out, attribution)
    named, packed = dict(module.named_parameters()), packed_params(module)
    held, tied = held_once(module)
    return Forward(
        flops=int(counter.get_total_flops()), device=device, own=dict(attribution.own),
        own_ops=dict(attribution.own_ops), unknown=attribution.unknown_ops(),
        ops=dict(attribution.ops), formulas=calls.formulas,
        kinds={name: type(m).__name__ for name, m in module.named_modules()},
        held={name: count + packed.get(name, 0) for name, count in held.items()},
        tied=tied, parents=parents_of(module),
        unused={n: p.numel() for n, p in named.items() if id(p) not in attribution.used},
        held_names=tuple(named), largest=attribution.largest,
    )


def held_once(module: nn.Module) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Each module's own parameters, a tied one (one tensor in two modules: GPT-2's wte and
    lm_head) in the first module holding it only, so the modules sum to the total; and, per
    module holding a tied parameter, the other modules holding it."""
    holders: dict[int, list[str]] = {}
    held: dict[str, int] = {}
    for name, sub in module.named_modules():
        held[name] = 0
        for param in sub.parameters(recurse=False):
            held[name] += 0 if id(param) in holders else param.numel()
            holders.setdefault(id(param), []).append(name)
    tied: dict[str, set[str]] = {}
    for names in holders.values():
        for name in names if len(set(names)) > 1 else ():
            tied.setdefault(name, set()).update(set(names) - {name})
    return held, {name: tuple(sorted(others)) for name, others in tied.items()}


def parents_of(module: nn.Module) -> dict[str, int]:
    """Module objects held by several parents (ultralytics' one nn.SiLU in every Conv): the
    path torch names it by (the first) -> how many parents hold it."""
    parents: dict[int, set[str]] = {}
    for name, sub in module.named_modules(remove_duplicate=False):
        if name:
            parents.setdefault(id(sub), set()).add(name.rpartition(".")[0])
    paths = {id(sub): name for name, sub in module.named_modules()}
    return {paths[key]: len(found) for key, found in parents.items() if len(found) > 1}


def counting(stack: ExitStack, device: str, *, grad: bool, hooks: _Calls | None = None,
             above: TorchFunctionMode | None = None, values: TorchDispatchMode | None = None,
             below: TorchDispatchMode | None = None) -> FlopCounterMode:
    """Enter, in order, what a counted pass runs under, and return its FlopCounterMode:
    ``above`` sees the torch functions called (before any dispatch), ``values``
    under them (so it sees every op they answer), ``below`` right under the counter."""
    stack.enter_context(no_lazy_dynamo(DISPATCH))
    stack.enter_context(torch.enable_grad() if grad else torch.no_grad())
    stack.enter_context(torch.device(device))  # tensors made in forward land there too
    stack.enter_context(_no_fast_paths())
    if hooks is not None:
        stack.enter_context(hooks.hooked())
    if above is not None:
        stack.enter_context(above)
    stack.enter_context(ShapeOnly())
    for mode in (values, below):
        if mode is not None:
            stack.enter_context(mode)
    return stack.enter_context(global_counter())


def run_counted(module: nn.Module, inputs: Inputs, *, device: str, below: RunningTotals,
                hooks: _Calls | None = None, above: TorchFunctionMode | None = None,
                values: TorchDispatchMode | None = None) -> tuple[FlopCounterMode, Any]:
    """One forward of ``module`` under :func:`counting`, ``below`` booking what
    FlopCounterMode counts op by op: the counter, and what the forward returned."""
    with ExitStack() as stack:
        counter = counting(stack, device, grad=False, hooks=hooks, above=above, values=values,
                           below=below)
        below.follow(counter)
        out = module(*inputs.args, **inputs.kwargs)
    below.flush()  # the last op, counted as FlopCounterMode returned
    return counter, out


def _check_output(out: Any, attribution: _Attribution) -> None:
    """A forward with nothing to count is an error, never a count of 0."""
    if inspect.isgenerator(out) or inspect.isasyncgen(out) or inspect.iscoroutine(out):
        if inspect.iscoroutine(out):
            out.close()  # never awaited: close it so Python does not warn
        raise MeasureError(f"the forward returned a {type(out).__name__} instead of running: "
                           "it is a generator or async function, so none of its ops ran")
    if not attribution.ran:
        raise MeasureError("the forward ran no op, so there is nothing to count")
    tensors = [tensor for _, tensor in Inputs((out,)).tensors()]  # found as inputs' are
    if not tensors:
        kind = "None" if out is None else f"a {type(out).__name__}"
        raise MeasureError(f"the forward returned {kind}, no tensor: nothing it "
                           "computed can be counted")
    if not any(attribution.derived.get(t) for t in tensors):
        raise MeasureError("the forward returned no tensor computed from its inputs, so "
                           "its count would not be the model's")


@contextmanager
def _no_fast_paths() -> Iterator[None]:
    """Run attention through its modules on the CPU too, so the module formulas see it.

    (The fused kernels are counted either way, by the op registry (:mod:`~bottlecalc.measure.ops`).)
    """
    mha = getattr(torch.backends, "mha", None)
    if mha is None or not hasattr(mha, "set_fastpath_enabled"):
        yield
        return
    before = mha.get_fastpath_enabled()
    mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        mha.set_fastpath_enabled(before)


def count_training(module: nn.Module, inputs: Inputs, *, device: str,
                   values: TorchDispatchMode | None = None) -> int:
    """FlopCounterMode's FLOPs for one training step: the forward pass, then the backward
    pass of the sum of its outputs, with a gradient for the parameters that have
    ``requires_grad`` and none for the inputs (they are data). A frozen parameter gets no
    weight gradient, and autograd sends no gradient below the last layer that needs one, so
    a frozen backbone or a LoRA adapter is counted as it trains. The module's gradients are
    put back after. ``values`` as for :func:`count_forward`."""
    flags = [(p, p.grad) for p in module.parameters()]
    try:
        with ExitStack() as stack:
            counter = counting(stack, device, grad=True, values=values)
            _backward(module(*inputs.args, **inputs.kwargs))
        return int(counter.get_total_flops())
    finally:
        for param, grad in flags:
            param.grad = grad


def _backward(output: Any) -> None:
    """Back-propagate the sum of every floating-point output that depends on a parameter."""
    parts = [t.sum() for t in tree_leaves(output)
             if isinstance(t, torch.Tensor) and t.requires_grad and t.is_floating_point()]
    if parts:
        torch.stack(parts).sum().backward()
