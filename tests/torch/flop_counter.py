"""FlopCounterMode's total for one forward, called directly: the tests' independent route."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.measure.ops import custom_mapping
from bottlecalc.measure.shape_only import ShapeOnly


def flop_counter_total(module: nn.Module, inputs: tuple[Any, ...]) -> int:
    """FLOPs (2 per multiply-accumulate) with the fused kernels bottlecalc registers; ShapeOnly
    lets meta tensors through the ops torch has no meta kernel for."""
    with torch.no_grad(), ShapeOnly(), \
            FlopCounterMode(display=False, custom_mapping=custom_mapping()) as counter:
        module(*inputs)
    return int(counter.get_total_flops())
