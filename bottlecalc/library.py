"""``bottlecalc.count(model, x)``: a model you already hold, counted from Python.

The top layer, beside :mod:`bottlecalc.cli`: the model goes through the one measuring
pipeline (:func:`~bottlecalc.measure.pipeline.measure`) exactly as ``bottlecalc network
TARGET`` sends a model it built, so the numbers are the CLI's and :meth:`Count.to_dict` is
the CLI's JSON. The model is never changed: it is counted on a meta copy, and traced by
fvcore where it lives, in eval mode, its flags put back after
(:func:`~bottlecalc.measure.subject.given_subject`).

Importing this module imports no torch, fvcore or rich (``import bottlecalc`` stays
light): torch is imported when :func:`count` runs, rich when a result is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bottlecalc.breakdown import By, KindRow, ModelResult, ModuleRow, NetworkReport, Sort
from bottlecalc.errors import SpecError
from bottlecalc.report.reasons import warning_lines
from bottlecalc.scaling import SequenceReport, check_lengths
from bottlecalc.spec import TensorSpec, check_feed, parse_tensor

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bottlecalc.measure.subject import Inputs, Subject

PASSES = ("forward", "train")


@dataclass(frozen=True)
class RouteMacs:
    """The model's MACs by each route; ``None`` where a route did not run."""

    complete: int | None  # every multiply-accumulate (the count held against budgets)
    torch: int | None  # FlopCounterMode's FLOPs / 2, on meta tensors
    modules: int | None  # the module formulas (nn.Conv*, Linear, attention, ...)
    fvcore: int | None  # fvcore's FlopCountAnalysis (also BN, pooling; skips some ops)
    # bottlecalc's own formula for every op the forward dispatched: independent of
    # FlopCounterMode's formulas (last, with a default, so positional calls still hold)
    ops: int | None = None


@dataclass(frozen=True)
class Count:
    """What :func:`count` found: totals, every route, and the breakdown per module."""

    result: ModelResult
    depth: int = 1  # the breakdown depth by default (table, rich, HTML, to_dict)
    train: bool = False  # pass_="train": a training step's FLOPs were counted too
    sequence: SequenceReport | None = None  # seq=[...]: the counts at every length, fitted

    @property
    def name(self) -> str:
        return self.result.name

    @property
    def params(self) -> int:
        return self.result.params

    @property
    def trainable(self) -> int:
        return self.result.measured.trainable or 0

    @property
    def buffers(self) -> int:
        return self.result.measured.buffers or 0

    @property
    def macs(self) -> int:
        return self.result.macs

    @property
    def flops(self) -> int:
        return self.result.flops

    @property
    def train_flops(self) -> int | None:
        return self.result.measured.train_flops

    @property
    def routes(self) -> RouteMacs:
        m = self.result.measured
        torch = None if m.torch_flops is None else m.torch_flops // 2
        return RouteMacs(m.macs, torch, m.macs_modules, m.fvcore, ops=m.macs_ops)

    @property
    def inputs(self) -> tuple[tuple[str, TensorSpec], ...]:
        return self.result.measured.inputs

    @property
    def notes(self) -> tuple[str, ...]:
        return self.result.measured.notes

    @property
    def warnings(self) -> tuple[str, ...]:
        """Input-dependent control flow, what nothing explains and what no formula counts,
        worded (report/reasons.py)."""
        return tuple(warning_lines(self.result.measured))

    def report(self, depth: int | None = None, *, sort: Sort | str = Sort.MACS,
               top: int | None = None, by: By | str = By.MODULE,
               collapse: bool = True) -> NetworkReport:
        """The breakdown asked for, as the renderers read it."""
        shown = self.depth if depth is None else _depth(depth)
        return NetworkReport(model=self.result, depth=shown, sort=_choice(Sort, "sort", sort),
                             top=_top(top), train=self.train, by=_choice(By, "by", by),
                             collapse=bool(collapse))

    def by_module(self, depth: int | None = None, *, sort: Sort | str = Sort.MACS,
                  top: int | None = None, collapse: bool = True) -> tuple[ModuleRow, ...]:
        """Rows at ``depth`` (1: the model's children) and ``(other)``: they sum to the
        totals; identical numbered siblings are one row unless ``collapse=False``; past
        ``top`` rows the rest are folded into one."""
        return self.report(depth, sort=sort, top=top, collapse=collapse).rows(self.result)

    def by_kind(self) -> tuple[KindRow, ...]:
        """A row per module class (attention, MLP, norm...) across the model, most MACs
        first, with its instances; kinds nest, so the rows overlap."""
        return self.result.by_kind()

    def to_dict(self, depth: int | None = None, *, sort: Sort | str = Sort.MACS,
                top: int | None = None, by: By | str = By.MODULE,
                collapse: bool = True) -> dict[str, Any]:
        """The JSON document ``bottlecalc network TARGET --format json`` prints."""
        from bottlecalc.report.network.json import report_dict

        return report_dict(self.report(depth, sort=sort, top=top, by=by, collapse=collapse))

    def table(self, depth: int | None = None, *, sort: Sort | str = Sort.MACS,
              top: int | None = None, width: int | None = None, by: By | str = By.MODULE,
              collapse: bool = True) -> str:
        """The breakdown as plain text (``width=None``: as wide as it needs), also inside
        Jupyter."""
        from bottlecalc.report import count as view

        shown = self.report(depth, sort=sort, top=top, by=by, collapse=collapse)
        return view.text(shown, width=width)

    def __rich__(self) -> RenderableType:
        from bottlecalc.report import count as view

        return view.Fitted(self.report())

    def _repr_html_(self) -> str:
        from bottlecalc.report import count as view

        return view.html(self.report())

    def __repr__(self) -> str:
        train = self.train_flops
        trained = f", {train:,} training FLOPs" if self.train and train is not None else ""
        return (f"<bottlecalc.Count {self.name!r}: {self.params:,} params, {self.macs:,} MACs, "
                f"{self.flops:,} FLOPs{trained}>")


def count(model: Any, *inputs: Any, input_shape: Any = None,
          kwargs: Mapping[str, Any] | None = None, depth: int | None = None,
          pass_: str = "forward", fvcore: bool = True, name: str | None = None,
          seq: Iterable[int] | None = None, seq_dim: int | None = None) -> Count:
    """Count ``model`` (an ``nn.Module`` on the CPU, a GPU or meta) on one forward pass.

    Feed it example ``inputs`` (tensors, positional; ``kwargs`` for keyword inputs) or
    ``input_shape`` (zeros: ``(1, 3, 224, 224)``, ``"1,16:int64"``, or a list of shapes for
    several inputs). ``pass_="train"`` (``pass`` is a Python keyword) also counts a training
    step: forward and backward, a gradient for every trainable parameter and none for the inputs.
    ``fvcore=False`` skips fvcore's trace (the slowest route). ``seq=[128, 512, ...]`` also
    counts at each sequence length (:func:`bottlecalc.scale`, ``seq_dim`` as there) into
    :attr:`Count.sequence`: MACs per token, attention's share, the exact polynomial in T.
    The model is never changed.
    Bad arguments raise :class:`~bottlecalc.errors.SpecError`; a model that fails to run
    raises :class:`~bottlecalc.errors.MeasureError`."""
    from bottlecalc.measure.pipeline import Plan, measure

    shown, train = _depth(1 if depth is None else depth), _train(pass_)
    lengths = None if seq is None else _lengths(seq)  # refused before anything is counted
    subject = _subject(model, inputs, kwargs, input_shape, name)
    measured = measure(subject, Plan(complete=True, fvcore=fvcore, train=train))
    sequence = None if lengths is None else _scaled(model, subject, lengths, seq_dim)
    return Count(ModelResult(subject.name, measured), depth=shown, train=train,
                 sequence=sequence)


def _lengths(seq: Any) -> tuple[int, ...]:
    if isinstance(seq, (str, bytes)) or not isinstance(seq, Iterable):
        raise SpecError(f"seq must be a list of sequence lengths like [128, 512, 2048], "
                        f"got {seq!r}")
    return check_lengths(list(seq))


def _scaled(model: Any, subject: Subject, lengths: tuple[int, ...],
            seq_dim: int | None) -> SequenceReport:
    """``seq=``: the same model and inputs counted at every length by scale()."""
    from bottlecalc.library_seq import scale

    given = subject.inputs("meta")
    return scale(model, *given.args, kwargs=given.kwargs, seq=lengths, seq_dim=seq_dim,
                 name=subject.name)


def _subject(model: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any] | None,
             input_shape: Any, name: str | None) -> Subject:
    """The model as a pipeline subject fed by the example inputs, wherever it asks."""
    from torch import nn

    from bottlecalc.measure.subject import given_subject
    from bottlecalc.measure.user import check_keywords

    if not isinstance(model, nn.Module):
        raise SpecError(f"count() takes a torch.nn.Module, got {type(model).__name__}")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise SpecError(f"name must be a non-empty string, got {name!r}")
    feed = _feed(args, _keywords(kwargs), input_shape)
    made = feed("meta")
    check_keywords(model, tuple(made.kwargs))
    subject = given_subject(model, made, name or type(model).__name__)
    return replace(subject, inputs=feed)


def _feed(args: tuple[Any, ...], kwargs: dict[str, Any],
          input_shape: Any) -> Callable[[str], Inputs]:
    """device -> the inputs there: the tensors given, or zeros of ``input_shape``."""
    from bottlecalc.measure.subject import Inputs, zeros_of

    if input_shape is not None and args:
        raise SpecError("count() takes example inputs or input_shape, not both")
    if input_shape is None and not args and not kwargs:
        raise SpecError("count() needs example inputs: count(model, x) with tensors, or "
                        "count(model, input_shape=(1, 3, 224, 224))")
    shapes = _shapes(input_shape) if input_shape is not None else ()
    twice = sorted({t.name for t in shapes if t.name is not None} & set(kwargs))
    if twice:
        raise SpecError(f"keyword input {twice[0]!r} given in both input_shape and kwargs")
    zeros = zeros_of(shapes)

    def on(device: str) -> Inputs:
        given, made = _placed(Inputs(args, kwargs), device), zeros(device)
        return Inputs((*made.args, *given.args), {**made.kwargs, **given.kwargs})

    return on


def _placed(inputs: Inputs, device: str) -> Inputs:
    """A copy of the inputs on ``device``, caches and nested structures included (the
    forward may change its inputs in place; the caller's stay as they were), detached
    (inputs are data: no gradient flows into them); a meta tensor becomes zeros where real
    tensors are needed (fvcore's trace)."""
    import torch

    def place(value: torch.Tensor) -> torch.Tensor:
        if value.device.type == "meta" and device != "meta":
            return torch.zeros(value.shape, dtype=value.dtype, device=device)
        return value.detach().to(device, copy=True)

    return inputs.copied(place)


def _keywords(kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    if kwargs is None:
        return {}
    if not isinstance(kwargs, Mapping) or not all(isinstance(k, str) for k in kwargs):
        raise SpecError(f"kwargs must be a dict of keyword inputs, got {kwargs!r}")
    return dict(kwargs)


def _shapes(value: Any) -> tuple[TensorSpec, ...]:
    """One shape (``(1, 3, 224, 224)``, ``"1,16:int64"``, a TensorSpec) or a list of them."""
    if isinstance(value, (str, TensorSpec)) or _is_dims(value):
        return (_shape(value),)
    if isinstance(value, (list, tuple)) and value:
        return check_feed("input_shape", tuple(_shape(item) for item in value))
    raise SpecError("input_shape must be a shape like (1, 3, 224, 224) or '1,16:int64', or a "
                    f"list of them, got {value!r}")


def _is_dims(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value)


def _shape(value: Any) -> TensorSpec:
    if isinstance(value, TensorSpec):
        return value
    if isinstance(value, (list, tuple)):
        return parse_tensor("input_shape", list(value))
    return parse_tensor("input_shape", value)


def _depth(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"depth must be a whole number from 1 (the model's children), "
                        f"got {value!r}")
    return value


def _top(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 1):
        raise SpecError(f"top must be a whole number from 1, or None, got {value!r}")
    return value


def _choice(kind: type[Sort] | type[By], name: str, value: Any) -> Any:
    """``value`` as one of ``kind``'s members, or a SpecError naming the choices."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(repr(str(member)) for member in kind)
        raise SpecError(f"{name} must be one of {choices}, got {value!r}") from None


def _train(value: Any) -> bool:
    if value not in PASSES:
        raise SpecError(f"pass_ must be 'forward' or 'train', got {value!r}")
    return bool(value == "train")
