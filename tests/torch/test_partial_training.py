"""Partial training (issue 18.4): ``--pass train`` honours ``requires_grad``.

A frozen parameter gets no weight gradient, and no gradient flows below the last layer that
needs one. The expected FLOPs are written here as formulas (2 FLOPs per MAC: forward, weight
gradient dL/dW = dL/dy x, input gradient dL/dx = dL/dy W), and checked a second time against
torch's own FlopCounterMode running the backward on the meta device in the test.
"""

from __future__ import annotations

import json
from typing import Any

import torch
from click.testing import CliRunner
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import bottlecalc
from bottlecalc.cli import cli

BATCH, D_IN, HIDDEN, CLASSES, RANK = 8, 32, 64, 10, 4


def frozen_backbone() -> nn.Module:
    """Two frozen linear layers (the backbone) and a trainable head."""
    model = nn.Sequential(nn.Linear(D_IN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN),
                          nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    model[:4].requires_grad_(False)
    return model


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update, as peft's LoRA adds it."""

    def __init__(self, d_in: int, d_out: int, rank: int) -> None:
        super().__init__()
        self.base = nn.Linear(d_in, d_out).requires_grad_(False)
        self.lora_a = nn.Linear(d_in, rank, bias=False)
        self.lora_b = nn.Linear(rank, d_out, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + 2.0 * self.lora_b(self.lora_a(x))


def lora() -> nn.Module:
    return nn.Sequential(LoRALinear(D_IN, HIDDEN, RANK), nn.ReLU(),
                         LoRALinear(HIDDEN, CLASSES, RANK))


def backbone_formula() -> tuple[int, int]:
    """(forward FLOPs, training FLOPs): the head alone gets a weight gradient, and nothing
    below it needs a gradient, so no input gradient is computed anywhere."""
    first, second, head = (BATCH * D_IN * HIDDEN, BATCH * HIDDEN * HIDDEN,
                           BATCH * HIDDEN * CLASSES)
    forward = first + second + head
    return 2 * forward, 2 * (forward + head)


def lora_formula() -> tuple[int, int]:
    """(forward FLOPs, training FLOPs) of the two LoRA layers. Per layer: forward base, A
    and B; backward: B's weight gradient and its input gradient (A needs it), A's weight
    gradient. The second layer also passes the gradient down to the first (the first's A
    and B train): through the frozen base and through A. The first reads the data."""
    def products(d_in: int, d_out: int) -> tuple[int, int, int]:
        return BATCH * d_in * d_out, BATCH * d_in * RANK, BATCH * RANK * d_out

    base1, a1, b1 = products(D_IN, HIDDEN)
    base2, a2, b2 = products(HIDDEN, CLASSES)
    forward = base1 + a1 + b1 + base2 + a2 + b2
    weight_grads = a1 + b1 + a2 + b2
    input_grads = b1 + b2 + base2 + a2  # no base1/a1: their input is the data
    return 2 * forward, 2 * (forward + weight_grads + input_grads)


def torch_meta_train(make: Any) -> int:
    """FlopCounterMode over a forward and backward on meta, the flags as the model has them."""
    with torch.device("meta"):
        model = make()
    with FlopCounterMode(display=False) as counter:
        model(torch.zeros(BATCH, D_IN, device="meta")).sum().backward()
    return int(counter.get_total_flops())


def test_frozen_backbone_with_a_trainable_head_is_counted_exactly() -> None:
    forward, train = backbone_formula()
    assert torch_meta_train(frozen_backbone) == train
    counted = bottlecalc.count(frozen_backbone(), input_shape=(BATCH, D_IN), pass_="train")
    assert (counted.flops, counted.train_flops) == (forward, train)
    assert counted.trainable == HIDDEN * CLASSES + CLASSES
    assert counted.params == (D_IN * HIDDEN + HIDDEN + HIDDEN * HIDDEN + HIDDEN
                              + HIDDEN * CLASSES + CLASSES)


def test_lora_model_is_counted_exactly() -> None:
    forward, train = lora_formula()
    assert torch_meta_train(lora) == train
    counted = bottlecalc.count(lora(), input_shape=(BATCH, D_IN), pass_="train")
    assert (counted.flops, counted.train_flops) == (forward, train)
    assert counted.trainable == RANK * (D_IN + HIDDEN) + RANK * (HIDDEN + CLASSES)


def test_the_models_flags_are_left_as_they_were() -> None:
    model = lora()
    before = [p.requires_grad for p in model.parameters()]
    bottlecalc.count(model, input_shape=(BATCH, D_IN), pass_="train")
    assert [p.requires_grad for p in model.parameters()] == before
    assert all(p.grad is None for p in model.parameters())


def test_nothing_trainable_costs_the_forward_only() -> None:
    model = frozen_backbone().requires_grad_(False)
    counted = bottlecalc.count(model, input_shape=(BATCH, D_IN), pass_="train")
    assert counted.train_flops == backbone_formula()[0]
    assert counted.trainable == 0


def test_check_budget_holds_the_partial_training_cost(tmp_path: Any) -> None:
    path = tmp_path / "partial.py"
    path.write_text("from torch import nn\n\n\ndef head_only():\n"
                    f"    model = nn.Sequential(nn.Linear({D_IN}, {HIDDEN}), nn.ReLU(),\n"
                    f"                          nn.Linear({HIDDEN}, {HIDDEN}), nn.ReLU(),\n"
                    f"                          nn.Linear({HIDDEN}, {CLASSES}))\n"
                    "    model[:4].requires_grad_(False)\n    return model\n", encoding="utf-8")
    train = backbone_formula()[1]
    args = ["check", f"{path}:head_only", "--input", f"{BATCH},{D_IN}", "--format", "json"]
    ok = CliRunner().invoke(cli, [*args, "--max-train-flops", str(train)])
    over = CliRunner().invoke(cli, [*args, "--max-train-flops", str(train - 1)])
    assert (ok.exit_code, over.exit_code) == (0, 1), ok.output
    measured = json.loads(ok.stdout)["budgets"][0]["measured"]
    assert (measured["flops_train"], measured["trainable_params"]) == (
        train, HIDDEN * CLASSES + CLASSES)


def test_reports_give_the_ratio_to_the_forward_and_why_it_is_not_3x(tmp_path: Any) -> None:
    path = tmp_path / "partial.py"
    path.write_text("from torch import nn\n\n\ndef frozen_first():\n"
                    f"    model = nn.Sequential(nn.Linear({D_IN}, {HIDDEN}), nn.ReLU(),\n"
                    f"                          nn.Linear({HIDDEN}, {CLASSES}))\n"
                    "    model[0].requires_grad_(False)\n    return model\n", encoding="utf-8")
    first, head = BATCH * D_IN * HIDDEN, BATCH * HIDDEN * CLASSES
    ratio = f"{(first + 2 * head) / (first + head):.2f}x"  # only the head's weight gradient
    frozen, total = D_IN * HIDDEN + HIDDEN, D_IN * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES
    args = [f"{path}:frozen_first", "--input", f"{BATCH},{D_IN}"]
    for command in (["check", *args, "--max-train-flops", "1G"],
                    ["network", *args, "--pass", "train"]):
        out = CliRunner().invoke(cli, command, env={"COLUMNS": "400"}).stdout
        assert f"training step = {ratio} the forward (not 3x: {frozen:,} of {total:,} " \
               "parameters are frozen" in " ".join(out.split())
