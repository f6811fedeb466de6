"""Nothing passes unmeasured: forwards that ran nothing, and factories that trace with jit.

Each model here is built from ``torch.nn`` in this file; every expected count is a formula
written beside it.
"""

from __future__ import annotations

import contextlib
import warnings

import torch
from torch import nn

from bottlecalc.measure.shape_only import ShapeOnly


def test_jit_trace_under_shape_only_warns_nothing() -> None:
    """A factory that calls ``torch.jit.trace`` while bottlecalc builds it on meta: the
    shape-only answers step aside, so no TracerWarning comes from bottlecalc's code."""
    conv = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU()).to("meta").eval()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # tracing meta tensors may fail after the ops ran: only the warnings matter here
        with ShapeOnly(), torch.no_grad(), contextlib.suppress(Exception):
            torch.jit.trace(conv, torch.zeros(1, 3, 16, 16, device="meta"))
    ours = [w for w in caught if "bottlecalc" in w.filename]
    assert ours == []
