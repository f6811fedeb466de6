"""What a budget's ``target`` names: a preset, a block, or the user's own model.

Models are named ``package.module:callable`` or ``path/to/file.py:callable``; they are
resolved here without being imported (importing needs torch, :mod:`bottlecalc.measure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bottlecalc.budget.model import DECODE_METRICS, Budget
from bottlecalc.errors import SpecError
from bottlecalc.presets import get_preset
from bottlecalc.spec import (  # split_target and is_file_path: public here too, as before
    BlockSpec,
    InputShape,
    NetworkSpec,
    TensorSpec,
    check_feed,
    is_file_path,
    split_target,
)

__all__ = ["DEFAULT_INPUT", "Kind", "Target", "is_file_path", "resolve", "split_target"]

DEFAULT_INPUT = (TensorSpec((1, 3, 224, 224)),)


class Kind(StrEnum):
    PRESET = "preset"
    BLOCK = "block"
    MODEL = "model"


@dataclass(frozen=True)
class Target:
    """What a budget's ``target`` names, resolved, and the inputs it is fed."""

    kind: Kind
    feed: tuple[TensorSpec, ...]  # one per positional input (empty with ``inputs``)
    network: NetworkSpec | None = None
    block: BlockSpec | None = None
    inputs: str | None = None  # a "module:callable" making the example inputs

    @property
    def input(self) -> tuple[int, ...]:
        """The first input's full shape (NCHW for presets and blocks), as reports show it."""
        return self.feed[0].shape if self.feed else ()

    @property
    def shape(self) -> InputShape:
        """The analytic layers' view of a preset's or block's NCHW input."""
        n, _, h, w = self.input
        return InputShape(height=h, width=w, batch=n)


def resolve(budget: Budget, *, option: str = "input") -> Target:
    """A preset name or a ``module:callable`` / ``file.py:callable`` model (not imported yet)."""
    if budget.input is not None and budget.inputs is not None:
        raise SpecError(f"{option} (shapes) and inputs (a callable) both given for "
                        f"{budget.target}; give one")
    if ":" in budget.target:
        split_target(budget.target)
        if budget.inputs is not None:
            split_target(budget.inputs)
            return Target(Kind.MODEL, (), inputs=budget.inputs)
        return Target(Kind.MODEL, check_feed(option, budget.input or DEFAULT_INPUT))
    if budget.metrics & DECODE_METRICS:
        raise SpecError(f"max-decode-macs and max-kv-bytes apply to your own models (a "
                        f"model that returns a KV cache); {budget.target} is a preset")
    network = get_preset(budget.target)
    if budget.inputs is not None:
        raise SpecError(f"inputs (a callable) apply to your own models; {budget.target} takes "
                        f"{option} N,{network.in_channels},H,W")
    feed = budget.input or DEFAULT_INPUT
    if len(feed) != 1 or len(feed[0].shape) != 4 or feed[0].shape[1] != network.in_channels \
            or feed[0].dtype != "float32" or feed[0].name is not None:
        raise SpecError(f"{option} for {budget.target} must be one N,{network.in_channels},H,W "
                        f"float32 shape, got {', '.join(t.label for t in feed)}")
    return Target(Kind.PRESET, feed, network=network)
