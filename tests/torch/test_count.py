"""``bottlecalc.count(model, x)``: hand formulas, the CLI's numbers, and a model left alone.

Expected counts are written out here from the layer shapes (conv: N*Cout*Hout*Wout*Cin*k*k
MACs; linear: N*in*out), never taken from bottlecalc's own output.
"""

from __future__ import annotations

import itertools
import json
import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import bottlecalc
from bottlecalc.api import count_model
from bottlecalc.breakdown import OTHER, NetworkReport
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.library import RouteMacs
from bottlecalc.report.network.json import report_dict
from bottlecalc.spec import TensorSpec

TINY = textwrap.dedent("""
    import torch
    from torch import nn


    class TinyNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16),
                nn.ReLU())
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.head = nn.Linear(16, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.pool(self.features(x)).flatten(1))


    def build() -> nn.Module:
        return TinyNet()
""")
X = (2, 3, 16, 16)
CONV1 = 2 * 8 * 16 * 16 * (3 * 3 * 3)  # N*Cout*Hout*Wout * Cin*k*k = 110,592
CONV2 = 2 * 16 * 8 * 8 * (8 * 3 * 3)  # stride 2: 8x8 out; 147,456
HEAD = 2 * 16 * 10  # 320
MACS = CONV1 + CONV2 + HEAD
PARAMS = 8 * 27 + 2 * 8 + 16 * 72 + 2 * 16 + 16 * 10 + 10  # 1,586
# fvcore adds BatchNorm (2 per element, eval, affine) and the global average pool (1 per
# element it reads).
FVCORE = MACS + 2 * (2 * 8 * 16 * 16) + 2 * (2 * 16 * 8 * 8) + 2 * 16 * 8 * 8
# A training step: the weight gradient repeats each product, the input gradient too, but
# not for the first conv (its input is the data, which gets no gradient).
TRAIN_FLOPS = 2 * (2 * CONV1 + 3 * CONV2 + 3 * HEAD)


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("count") / "tinynet.py"
    path.write_text(TINY, encoding="utf-8")
    return path


def tiny(path: Path) -> nn.Module:
    module: nn.Module = runpy.run_path(str(path))["build"]()
    return module


def test_count_gives_the_hand_formulas(tiny_file: Path) -> None:
    found = bottlecalc.count(tiny(tiny_file), torch.zeros(X))
    assert (found.params, found.macs, found.flops) == (PARAMS, MACS, 2 * MACS)
    assert found.routes == RouteMacs(MACS, MACS, MACS, FVCORE, ops=MACS)
    assert found.train_flops is None
    assert found.name == "TinyNet"
    assert found.inputs == (("0", TensorSpec(X)),)


def test_rows_hold_each_subtree_and_sum_to_the_totals(tiny_file: Path) -> None:
    found = bottlecalc.count(tiny(tiny_file), torch.zeros(X))
    rows = {r.name: (r.params, r.macs) for r in found.by_module()}
    assert rows == {"features": (PARAMS - 170, CONV1 + CONV2), "head": (170, HEAD),
                    "pool": (0, 0), OTHER: (0, 0)}
    deep = found.by_module(2)
    assert {r.name: r.macs for r in deep}["features.3"] == CONV2
    assert sum(r.params for r in deep) == PARAMS
    assert sum(r.macs for r in deep) == MACS
    top = found.by_module(2, top=1)  # features.0-5, then pool and head (leaves above)
    assert [r.name for r in top] == ["features.3", "(7 more modules)", OTHER]
    assert sum(r.macs for r in top) == MACS


def test_a_training_step_counts_forward_and_backward(tiny_file: Path) -> None:
    found = bottlecalc.count(tiny(tiny_file), input_shape=X, pass_="train")
    assert found.train_flops == TRAIN_FLOPS
    assert found.to_dict()["pass"] == "train"
    assert found.to_dict()["networks"][0]["flops"]["train"] == {"torch": TRAIN_FLOPS}


@settings(max_examples=10)
@given(widths=st.lists(st.integers(1, 24), min_size=2, max_size=5), batch=st.integers(1, 4),
       frozen=st.lists(st.booleans(), min_size=4, max_size=4))
def test_a_linear_stack_trains_at_the_formula(widths: list[int], batch: int,
                                              frozen: list[bool]) -> None:
    layers = [nn.Linear(a, b) for a, b in itertools.pairwise(widths)]
    for layer, freeze in zip(layers, frozen, strict=False):
        layer.requires_grad_(not freeze)
    model = nn.Sequential(*(m for layer in layers for m in (layer, nn.ReLU())))
    found = bottlecalc.count(model, torch.zeros(batch, widths[0]), pass_="train",
                             fvcore=False)
    products = [batch * a * b for a, b in itertools.pairwise(widths)]
    trains = [not f for f in frozen[:len(layers)]] + [True] * (len(layers) - len(frozen))
    assert found.flops == 2 * sum(products)
    # forward for every layer; grad-weight where it trains; grad-input where some layer
    # below it trains (the first reads the data: never)
    weights = sum(p for p, t in zip(products, trains, strict=True) if t)
    inputs = sum(p for i, p in enumerate(products) if any(trains[:i]))
    assert found.train_flops == 2 * (sum(products) + weights + inputs)


# FlopCounterMode (torch 2.13) counts a grouped conv's backward as if it were dense
# (pytorch/pytorch#183405 divides by the groups): strict, so a fixed torch is noticed.
@pytest.mark.parametrize("groups", [1, 4])
def test_a_conv_stack_trains_at_the_formula(groups: int) -> None:
    model = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=groups), nn.ReLU(),
                          nn.Conv2d(8, 6, 1))
    found = bottlecalc.count(model, input_shape="1,4,10,10", pass_="train")
    first = 1 * 8 * 10 * 10 * (4 * 9)
    second = 1 * 8 * 5 * 5 * (8 // groups * 9)
    third = 1 * 6 * 5 * 5 * 8
    assert found.macs == first + second + third
    assert found.train_flops == 2 * (2 * first + 3 * second + 3 * third)


def same_but_name(api: dict[str, Any], other: dict[str, Any], name: str) -> None:
    renamed = json.loads(json.dumps(api))
    renamed["networks"][0]["name"] = name
    assert renamed == json.loads(json.dumps(other))


@pytest.mark.parametrize(("depth", "train"), [(1, False), (2, True)])
def test_to_dict_is_the_documents_the_cli_builds(tiny_file: Path, depth: int,
                                                 train: bool) -> None:
    target = f"{tiny_file}:build"
    found = bottlecalc.count(tiny(tiny_file), torch.zeros(X), depth=depth,
                             pass_="train" if train else "forward")
    cli_side = count_model(target, feed=(TensorSpec(X),), inputs=None, base=Path.cwd(),
                           train=train)
    cli_report = NetworkReport(model=cli_side, depth=depth, train=train)
    same_but_name(found.to_dict(), report_dict(cli_report), target)
    assert found.to_dict(3, sort="name", top=2)["top"] == 2


def cli_takes_model_targets() -> bool:
    from bottlecalc.cli import cli

    command = cli.get_command(None, "network")  # type: ignore[arg-type]
    return command is not None and any("--input" in p.opts for p in command.params)


@pytest.mark.skipif(not cli_takes_model_targets(),
                    reason="bottlecalc network TARGET for models (issue 10) is not merged yet")
def test_to_dict_equals_the_cli_json(tiny_file: Path) -> None:
    target = f"{tiny_file}:build"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bottlecalc", "network", target, "--input", "2,3,16,16",
         "--pass", "train", "--format", "json"],
        capture_output=True, text=True, timeout=300, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    found = bottlecalc.count(tiny(tiny_file), torch.zeros(X), pass_="train")
    same_but_name(found.to_dict(), json.loads(proc.stdout), target)


def tensors(model: nn.Module) -> list[tuple[str, torch.Tensor]]:
    return [*model.named_parameters(), *model.named_buffers()]


def state(model: nn.Module) -> dict[str, list[Any]]:
    """Everything count() must leave as it was, copied."""
    hooks = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
             "_backward_pre_hooks", "_state_dict_hooks", "_load_state_dict_pre_hooks")
    return {
        "training": [m.training for m in model.modules()],
        "hooks": [len(getattr(m, h)) for m in model.modules() for h in hooks],
        "tensors": [(n, t.device, t.dtype, t.requires_grad) for n, t in tensors(model)],
        "values": [t.detach().clone() for _, t in tensors(model)],
        "grads": [None if p.grad is None else p.grad.clone() for p in model.parameters()],
    }


def assert_same(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    for key in ("training", "hooks", "tensors"):
        assert before[key] == after[key], key
    for old, new in zip(before["values"] + before["grads"], after["values"] + after["grads"],
                        strict=True):
        assert (old is None and new is None) or torch.equal(old, new)


@pytest.mark.parametrize("pass_", ["forward", "train"])
def test_the_model_and_its_inputs_are_left_as_they_came(tiny_file: Path, pass_: str) -> None:
    model = tiny(tiny_file).train()
    model.features[1].eval()  # one submodule in eval mode, the rest training
    model.features[0].requires_grad_(False)  # a frozen layer
    model.features[4].running_mean.fill_(0.5)  # running stats a BN must not update
    for p in model.head.parameters():
        p.grad = torch.full_like(p, 3.0)  # existing gradients must survive
    calls: list[str] = []
    model.head.register_forward_hook(lambda *_: calls.append("hook"))
    x = torch.rand(X, requires_grad=True)
    before = state(model)
    found = bottlecalc.count(model, x, pass_=pass_)
    assert_same(before, state(model))
    assert x.grad is None and x.requires_grad  # no gradient flowed into the data
    assert found.macs == MACS
    assert found.trainable == PARAMS - 8 * 27  # the frozen conv counts as frozen


def test_a_meta_model_stays_on_meta_and_gets_the_same_numbers(tiny_file: Path) -> None:
    with torch.device("meta"):
        model = tiny(tiny_file)
    before = state(model)
    by_shape = bottlecalc.count(model, input_shape=X, pass_="train")
    by_tensor = bottlecalc.count(model, torch.empty(X, device="meta"))
    assert all(p.device.type == "meta" for p in model.parameters())
    assert state(model)["training"] == before["training"]
    for found in (by_shape, by_tensor):
        # fvcore traced a zero-filled CPU copy, as the CLI does for models built on meta
        assert found.routes == RouteMacs(MACS, MACS, MACS, FVCORE, ops=MACS)
    assert by_shape.train_flops == TRAIN_FLOPS


def test_a_meta_model_too_big_to_trace_is_counted_without_fvcore() -> None:
    with torch.device("meta"):
        model = nn.Sequential(nn.Linear(16_384, 16_384), nn.Linear(16_384, 1000))
    found = bottlecalc.count(model, input_shape=(8, 16_384))
    assert found.macs == 8 * 16_384 * 16_384 + 8 * 16_384 * 1000
    assert found.params == 16_384 * 16_385 + 16_385 * 1000
    assert found.routes.fvcore is None
    assert any("fvcore not run" in note for note in found.notes)


def test_a_double_precision_model_keeps_its_dtype(tiny_file: Path) -> None:
    model = tiny(tiny_file).double()
    found = bottlecalc.count(model, torch.zeros(X, dtype=torch.float64), fvcore=False)
    assert found.macs == MACS and found.routes.fvcore is None
    assert all(p.dtype == torch.float64 for p in model.parameters())


class Masked(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.proj = nn.Linear(8, 4)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        out = self.proj(self.embed(ids))
        return out if mask is None else out * mask.unsqueeze(-1)


def test_keyword_inputs_and_integer_shapes() -> None:
    by_tensor = bottlecalc.count(Masked(), torch.zeros(2, 5, dtype=torch.long),
                                 kwargs={"mask": torch.ones(2, 5)})
    by_shape = bottlecalc.count(Masked(), input_shape="2,5:int64",
                                kwargs={"mask": torch.ones(2, 5)})
    several = bottlecalc.count(Masked(), input_shape=["2x5:int64", [2, 5]])
    for found in (by_tensor, by_shape, several):
        assert found.macs == 2 * 5 * 8 * 4
    assert [name for name, _ in by_shape.inputs] == ["0", "mask"]
    assert several.inputs[1][1] == TensorSpec((2, 5))


@pytest.mark.parametrize(("call", "message"), [
    (lambda m: bottlecalc.count(m), "needs example inputs"),
    (lambda m: bottlecalc.count(m, torch.zeros(1, 4), input_shape=(1, 4)), "not both"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 0)), "dimension 2"),
    (lambda m: bottlecalc.count(m, input_shape="1,4:complex"), "unknown dtype"),
    (lambda m: bottlecalc.count(m, input_shape=3), "input_shape must be"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 4), pass_="backward"), "pass_ must be"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 4), depth=0), "depth must be"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 4), kwargs=[1]), "kwargs must be"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 4), name=""), "name must be"),
    (lambda m: bottlecalc.count(m.state_dict(), input_shape=(1, 4)), "nn.Module, got"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 4)).by_module(sort="size"), "sort must"),
    (lambda m: bottlecalc.count(m, input_shape=(1, 4)).table(top=0), "top must be"),
])
def test_bad_arguments_are_one_spec_error(call: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message) as error:
        call(nn.Linear(4, 2))
    assert isinstance(error.value, ValueError)


def test_a_model_that_fails_is_a_measure_error() -> None:
    with pytest.raises(MeasureError, match="Linear"):
        bottlecalc.count(nn.Linear(4, 2), torch.zeros(1, 5))


def test_a_name_and_repr(tiny_file: Path) -> None:
    found = bottlecalc.count(tiny(tiny_file), torch.zeros(X), name="tiny <v2>")
    assert found.to_dict()["networks"][0]["name"] == "tiny <v2>"
    assert repr(found) == (f"<bottlecalc.Count 'tiny <v2>': {PARAMS:,} params, "
                           f"{MACS:,} MACs, {2 * MACS:,} FLOPs>")
    assert "<v2>" not in found._repr_html_() and "&lt;v2&gt;" in found._repr_html_()
