"""What a budget's ``target`` names: a preset, a block, or the user's own model.

Models are named ``package.module:callable`` or ``path/to/file.py:callable``; they are
resolved here without being imported (importing needs torch, :mod:`bottlecalc.measure`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bottlecalc.budget.model import Budget
from bottlecalc.errors import SpecError
from bottlecalc.presets import get_preset
from bottlecalc.spec import BlockSpec, InputShape, NetworkSpec

DEFAULT_INPUT = (1, 3, 224, 224)


class Kind(StrEnum):
    PRESET = "preset"
    BLOCK = "block"
    MODEL = "model"


@dataclass(frozen=True)
class Target:
    """What a budget's ``target`` names, resolved; ``input`` is the full NCHW (or N...) shape."""

    kind: Kind
    input: tuple[int, ...]
    network: NetworkSpec | None = None
    block: BlockSpec | None = None

    @property
    def shape(self) -> InputShape:
        """The analytic layers' view of a preset's or block's NCHW input."""
        n, _, h, w = self.input
        return InputShape(height=h, width=w, batch=n)


def resolve(budget: Budget, *, option: str = "input") -> Target:
    """A preset name or a ``module:callable`` / ``file.py:callable`` model (not imported yet)."""
    shape = budget.input or DEFAULT_INPUT
    if ":" in budget.target:
        split_target(budget.target)
        return Target(Kind.MODEL, shape)
    network = get_preset(budget.target)
    if len(shape) != 4 or shape[1] != network.in_channels:
        raise SpecError(f"{option} for {budget.target} must be N,{network.in_channels},H,W, "
                        f"got {','.join(map(str, shape))}")
    return Target(Kind.PRESET, shape, network=network)


_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def is_file_path(where: str) -> bool:
    return where.endswith(".py") or "/" in where or "\\" in where


def split_target(target: str) -> tuple[str, str]:
    """('pkg.mod' or 'path/file.py', 'attr.path'), or SpecError naming the target."""
    where, _, attr = target.rpartition(":")
    if not where or not _DOTTED.fullmatch(attr):
        raise SpecError(
            f"target {target!r} must be package.module:callable or path/to/file.py:callable"
        )
    if not is_file_path(where) and not _DOTTED.fullmatch(where):
        raise SpecError(f"target {target!r}: {where!r} is neither a module name nor a .py path")
    return where, attr
