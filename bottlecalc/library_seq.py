"""``bottlecalc.scale(model, x, seq=[...])`` and ``bottlecalc.decode(model, x, context=N)``:
a sequence model you hold, counted on the meta device (docs/sequence-models.md).

Beside :mod:`bottlecalc.library` (``count``): the same rules (the model is never changed, a
real one is counted on a meta copy; bad arguments raise
:class:`~bottlecalc.errors.SpecError`, a model that fails raises
:class:`~bottlecalc.errors.MeasureError`), and what ``network TARGET --seq/--phase``
prints. Importing this module imports no torch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bottlecalc.errors import SpecError
from bottlecalc.scaling import Asked, SequenceReport, check_lengths

if TYPE_CHECKING:
    from bottlecalc.measure.sequence import Model


def scale(model: Any, *inputs: Any, seq: Iterable[int], kwargs: Mapping[str, Any] | None = None,
          seq_dim: int | None = None, active: bool = True,
          name: str | None = None) -> SequenceReport:
    """Count ``model`` at every sequence length in ``seq`` on meta: params, MACs (dense and
    causal-effective), MACs per token, attention's share and the exact polynomial in T.
    ``inputs``/``kwargs`` are example inputs; the sequence dimension of those named
    ``input_ids``, ``attention_mask``... (dim 1) is set to each length, or of every input
    having dimension ``seq_dim``. ``active``: also the parameters one token reads (MoE)."""
    lengths = check_lengths(list(seq))
    return _count(model, inputs, kwargs, name, seq_dim, Asked(lengths, active=active))


def decode(model: Any, *inputs: Any, context: int, kwargs: Mapping[str, Any] | None = None,
           seq_dim: int | None = None, name: str | None = None) -> SequenceReport:
    """Prefill ``context`` tokens on meta, then count one decoding step against the cache
    the model returned: MACs per generated token, attention's share, KV-cache bytes."""
    if isinstance(context, bool) or not isinstance(context, int) or context < 1:
        raise SpecError(f"context must be a whole number >= 1, got {context!r}")
    return _count(model, inputs, kwargs, name, seq_dim, Asked(phase="decode", context=context))


def _count(model: Any, inputs: tuple[Any, ...], kwargs: Mapping[str, Any] | None,
           name: str | None, seq_dim: Any, asked: Asked) -> SequenceReport:
    """What ``asked`` asks of the model, as ``network TARGET --seq/--phase`` counts it."""
    from bottlecalc.measure.sequence import count_target

    found = _model(model, inputs, kwargs, name)
    return count_target(found, replace(asked, seq_dim=_dim(seq_dim)))


def _model(model: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any] | None,
           name: str | None) -> Model:
    from torch import nn

    from bottlecalc.measure.sequence import on_meta
    from bottlecalc.measure.subject import Inputs, given_subject

    if not isinstance(model, nn.Module):
        raise SpecError(f"takes a torch.nn.Module, got {type(model).__name__}")
    if kwargs is not None and not (isinstance(kwargs, Mapping) and
                                   all(isinstance(k, str) for k in kwargs)):
        raise SpecError(f"kwargs must be a dict of keyword inputs, got {kwargs!r}")
    if not args and not kwargs:
        raise SpecError("needs example inputs, for example a (1, 16) int64 tensor of ids")
    given = given_subject(model, Inputs(tuple(args), dict(kwargs or {})),
                          name or type(model).__name__)  # never changed: as count() takes it
    return on_meta(given.make, given.inputs, given.name, own_code=False)


def _dim(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 0):
        raise SpecError(f"seq_dim must be a whole number >= 0, got {value!r}")
    return value
