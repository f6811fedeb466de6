"""A training step's FLOPs (``--pass train``, ``max-train-flops``) against formulas written here.

The rule the formulas encode: a conv or linear layer does its forward MACs again for the
weight gradient and again for the input gradient, except where its input is data (the
network's or block's input, which needs no gradient). FLOPs are 2 per MAC, as
FlopCounterMode counts them. Recurrent layers also skip the input gradient of the first
step's hidden state (h0 is zeros, not a parameter's output).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

MODELS = '''
import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 16))


def mlp_frozen():
    model = mlp()
    model[2].requires_grad_(False)
    return model


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 16)
        self.lstm = nn.LSTM(16, 32, batch_first=True)
        self.fc = nn.Linear(32, 4)

    def forward(self, ids):
        out, _ = self.lstm(self.emb(ids))
        return self.fc(out[:, -1])


def depthwise():
    return nn.Sequential(nn.Conv2d(3, 8, 1), nn.Conv2d(8, 8, 3, padding=1, groups=8))


def encoder():
    layer = nn.TransformerEncoderLayer(32, 4, 64, batch_first=True)
    return nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
'''


def run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def conv(cin: int, cout: int, k: int, side: int) -> int:
    return cin * cout * k * k * side * side


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    path = tmp_path / "models.py"
    path.write_text(MODELS, encoding="utf-8")
    return path


def test_resnet18_training_step_is_three_forwards_but_the_stem_input_gradient() -> None:
    doc = run("network", "resnet18", "--pass", "train")
    entry = doc["networks"][0]
    forward = entry["macs"]["conv"]  # conv + linear MACs, checked against torchvision elsewhere
    stem = conv(3, 64, 7, 112)  # reads the image: no input gradient
    assert stem == 118_013_952
    want = 2 * (3 * forward - stem)
    assert entry["flops"]["train"] == {"analytic": want, "torch": want}
    assert entry["agree"]["train"] is True


def test_blocks_skip_the_input_gradient_of_the_layers_reading_the_block_input() -> None:
    doc = run("compare", "--in", "256", "--mid", "64", "--size", "56", "--pass", "train")
    basic, bottleneck = doc["blocks"]
    c3 = conv(256, 256, 3, 56)
    assert basic["flops"]["train"] == {"analytic": 2 * (2 * c3 + 3 * c3),
                                       "torch": 2 * (2 * c3 + 3 * c3)}
    c1, c2, c3 = conv(256, 64, 1, 56), conv(64, 64, 3, 56), conv(64, 256, 1, 56)
    want = 2 * (2 * c1 + 3 * c2 + 3 * c3)
    assert bottleneck["flops"]["train"] == {"analytic": want, "torch": want}


def test_a_users_mlp_training_step_and_its_budget(models: Path) -> None:
    first, second = 8 * 32 * 64, 8 * 64 * 16  # batch 8
    want = 2 * (2 * first + 3 * second)  # the first layer reads the data
    target = f"{models}:mlp"
    doc = run("check", target, "--input", "8,32", "--max-train-flops", str(want))
    budget = doc["budgets"][0]
    assert (budget["status"], budget["measured"]["flops_train"]) == ("pass", want)
    assert budget["measured"]["macs"] == first + second
    over = run("check", target, "--input", "8,32", "--max-train-flops", str(want - 1))
    assert over["budgets"][0]["status"] == "fail"
    assert over["exit_code"] == 1


def test_a_frozen_layer_gets_no_weight_gradient(models: Path) -> None:
    """The convention: ``requires_grad`` is honoured. The frozen second layer still passes
    the gradient down to the trainable first one (its input gradient), but computes no
    weight gradient of its own; the first layer reads the data (no input gradient)."""
    first, second = 8 * 32 * 64, 8 * 64 * 16
    doc = run("check", f"{models}:mlp_frozen", "--input", "8,32", "--max-train-flops", "1G")
    assert doc["budgets"][0]["measured"]["flops_train"] == 2 * (2 * first + 2 * second)


def test_lstm_training_step_skips_the_first_steps_hidden_state_gradient(models: Path) -> None:
    batch, steps, hidden, inp = 2, 5, 32, 16
    lstm = 4 * hidden * (inp + hidden) * batch * steps
    fc = batch * hidden * 4
    h0 = 4 * hidden * hidden * batch  # d(loss)/d(h0) is never needed
    want = 2 * (3 * lstm - h0 + 3 * fc)  # the embedding's output carries a gradient
    doc = run("check", f"{models}:Tagger", "--input", f"{batch},{steps}:int64",
              "--max-train-flops", "1G")
    measured = doc["budgets"][0]["measured"]
    assert measured["macs"] == lstm + fc
    assert measured["flops_train"] == want


def test_transformer_training_step_skips_the_first_projections_input_gradient(
        models: Path) -> None:
    batch, tokens, d, heads, ff = 2, 10, 32, 4, 64
    qkv = batch * tokens * d * 3 * d
    attention = 2 * batch * heads * tokens * tokens * (d // heads)  # QK^T and AV
    per_layer = qkv + attention + batch * tokens * d * d + 2 * batch * tokens * d * ff
    doc = run("check", f"{models}:encoder", "--input", f"{batch},{tokens},{d}",
              "--max-train-flops", "1G")
    measured = doc["budgets"][0]["measured"]
    assert measured["macs"] == 2 * per_layer
    assert measured["flops_train"] == 2 * (3 * 2 * per_layer - qkv)


def test_grouped_and_depthwise_convs_cost_their_own_products_backward(models: Path) -> None:
    """torch 2.13's FlopCounterMode counts a grouped conv's weight gradient as if it were
    dense; bottlecalc's formula for convolution_backward counts the products done."""
    pointwise, dw = conv(3, 8, 1, 16), 8 * 1 * 9 * 16 * 16  # depthwise: one input channel each
    doc = run("check", f"{models}:depthwise", "--input", "1,3,16,16", "--max-train-flops", "1G")
    measured = doc["budgets"][0]["measured"]
    assert measured["macs"] == pointwise + dw
    assert measured["flops_train"] == 2 * (2 * pointwise + 3 * dw)
    resnext = run("network", "resnext50_32x4d", "--size", "64", "--pass", "train")
    entry = resnext["networks"][0]
    assert entry["agree"]["train"] is True
    stem = conv(3, 64, 7, 32)
    assert entry["flops"]["train"]["torch"] == 2 * (3 * entry["macs"]["conv"] - stem)


def test_forward_is_the_default_pass_and_has_no_training_figures() -> None:
    doc = run("network", "resnet18")
    assert "train" not in doc["networks"][0]["flops"]
