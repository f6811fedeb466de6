"""Nothing passes unmeasured: forwards that ran nothing, and factories that trace with jit.

Each model here is built from ``torch.nn`` in this file; every expected count is a formula
written beside it.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from torch import nn

from bottlecalc.cli import cli
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


NOTHING = Path(__file__).parent.parent / "fixtures" / "nothing_counted.py"


@pytest.mark.parametrize(("factory", "reason"), [
    ("generator", "returned a generator instead of running"),
    ("returns_none", "the forward returned None, no tensor"),
    ("identity", "the forward ran no op"),
    ("ignores_input", "no tensor computed from its inputs"),
])
def test_a_forward_with_nothing_to_count_never_passes(factory: str, reason: str) -> None:
    result = CliRunner().invoke(cli, ["check", f"{NOTHING}:{factory}", "--input", "2,4",
                                      "--max-macs", "1", "--max-params", "1000"])
    assert result.exit_code == 3
    assert reason in result.output


@pytest.mark.parametrize("factory", ["returns_dict", "returns_dataclass"])
def test_outputs_in_containers_are_counted(factory: str) -> None:
    """Linear(4, 3) on 2 rows: 2 x 4 x 3 MACs, 4 x 3 + 3 parameters."""
    result = CliRunner().invoke(cli, ["check", f"{NOTHING}:{factory}", "--input", "2,4",
                                      "--max-macs", str(2 * 4 * 3), "--max-params", "15",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    measured = json.loads(result.stdout)["budgets"][0]["measured"]
    assert (measured["macs"], measured["params"]) == (2 * 4 * 3, 4 * 3 + 3)
