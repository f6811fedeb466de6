"""What to measure: a module factory and example inputs, whoever defined the module.

A block, a preset network and a user's model are all a :class:`Subject`; one
:func:`~bottlecalc.measure.pipeline.measure` runs every route on any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from bottlecalc.analytic import Counts
from bottlecalc.build import build
from bottlecalc.spec import BlockSpec, InputShape, NetworkSpec

Make = Callable[[str], nn.Module]  # device -> the module built there


@dataclass(frozen=True)
class Subject:
    """A module to measure: how to build it, what to feed it, and how to name it."""

    name: str  # for messages: "the basic block", "network 'resnet50'", "pkg.models:build"
    make: Make
    shape: tuple[int, ...]  # the example input: one zero-filled float32 tensor
    alias: bool = False  # fvcore may see every weight as a view of one zero buffer
    # What fvcore would compute and allocate to trace it for real (fp32 weights), where
    # known in advance (bottlecalc's own modules).
    trace_macs: int | None = None
    trace_bytes: int | None = None

    def inputs(self, device: str) -> tuple[torch.Tensor, ...]:
        """The example inputs on ``device``; counting needs shapes, never values."""
        return (torch.zeros(self.shape, device=device),)

    @property
    def shape_text(self) -> str:
        return "x".join(map(str, self.shape))


def spec_subject(spec: BlockSpec | NetworkSpec, shape: InputShape, counts: Counts) -> Subject:
    """A block or network bottlecalc defines; its closed-form counts price the trace."""
    name = f"network {spec.name!r}" if isinstance(spec, NetworkSpec) else f"the {spec.kind} block"
    dims = (shape.batch, spec.in_channels, shape.height, shape.width)
    return Subject(name=name, make=lambda device: build(spec, device=device), shape=dims,
                   alias=True, trace_macs=counts.macs,
                   trace_bytes=4 * (counts.total + counts.buffers))
