"""One rule decides which ops are unknown (issue 18 / 20: bottlecalc.measure.ops.is_unknown):
the sequence counts refuse exactly the ops the complete count reports as unknown."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import bottlecalc
from bottlecalc.errors import MeasureError


class Distances(nn.Module):
    """Reads a parameter through ``cdist``: products no formula counts, and whose name is
    not a matrix product's (a name-only rule missed it and counted 0)."""

    def __init__(self) -> None:
        super().__init__()
        self.centres = nn.Parameter(torch.zeros(5, 16))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cdist(x, self.centres.expand(x.shape[0], 5, 16))


def test_the_complete_count_and_the_sequence_count_name_the_same_unknown_op() -> None:
    counted = bottlecalc.count(Distances(), torch.zeros(1, 8, 16), fvcore=False)
    assert [u.op for u in counted.result.measured.unknown_ops] == ["aten._cdist_forward"]
    with pytest.raises(MeasureError, match=r"no formula for aten\._cdist_forward"):
        bottlecalc.scale(Distances(), torch.zeros(1, 8, 16), seq=(8,), seq_dim=1,
                         active=False)
