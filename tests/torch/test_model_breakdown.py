"""A user's model module by module (``network TARGET``): the rows at every depth and the
``(other)`` row sum to the totals, and carry the counts written out by hand here.

Models are built from torch.nn only (a small ViT, an LSTM classifier, resnet18 as the
preset builds it, a model doing a matrix product in its own forward). Each expectation is
a formula in this file or a published figure, never a count the program printed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bottlecalc.api import count_model
from bottlecalc.breakdown import OTHER, ModelResult, Sort, tree_depths
from bottlecalc.spec import TensorSpec

FIXTURES = Path(__file__).parent.parent / "fixtures"


@cache
def counted(target: str, shape: tuple[int, ...]) -> ModelResult:
    return count_model(str(FIXTURES / target), feed=(TensorSpec(shape),), inputs=None,
                       base=FIXTURES)


# SmallViT at 64x64: 16x16/16 patches of 48 channels, 16 tokens + the class token.
TOKENS, DIM, MLP = 17, 48, 96
VIT_PATCH = (3 * DIM * 16 * 16 + DIM, 16 * 16 * 3 * DIM * 4 * 4)  # (params, MACs)
VIT_ATTN = (3 * DIM * DIM + 3 * DIM,  # in_proj weight and bias, held by MultiheadAttention
            TOKENS * DIM * 3 * DIM + 2 * TOKENS * TOKENS * DIM + TOKENS * DIM * DIM)
VIT_OUT_PROJ = DIM * DIM + DIM  # held by out_proj, which attention never calls as a module
VIT_LAYER = (VIT_ATTN[0] + VIT_OUT_PROJ + (DIM * MLP + MLP) + (MLP * DIM + DIM) + 4 * DIM,
             VIT_ATTN[1] + 2 * TOKENS * DIM * MLP)
VIT_HEAD = (DIM * 10 + 10, DIM * 10)
VIT_TOKENS = DIM + TOKENS * DIM  # class token and position embedding: the model's own
# resnet18 at 64x64: the stem halves to 32, max-pool to 16, each later stage halves.
RESNET_STAGES = {
    "conv1": 7 * 7 * 3 * 64 * 32 * 32,
    "layer1": 4 * 9 * 64 * 64 * 16 * 16,
    **{f"layer{i}": (9 * cin * 2 * cin + 3 * 9 * (2 * cin) ** 2 + cin * 2 * cin) * s * s
       for i, cin, s in ((2, 64, 8), (3, 128, 4), (4, 256, 2))},
    "fc": 512 * 1000,
}
LSTM = ((4 * 128 * (64 + 128) + 8 * 128) + (4 * 128 * (128 + 128) + 8 * 128),
        16 * 4 * 128 * (64 + 128) + 16 * 4 * 128 * (128 + 128))
MIXER_OWN = (12 * 6, 5 * 12 * 6)  # the matrix product in Mixer.forward, on 5 rows

# name: (target, input, (params, MACs) in total, (other) at each depth: depth -> (p, MACs)).
# SmallViT's encoder (nn.TransformerEncoder) has one child, its layers: they use up no depth.
MODELS: dict[str, tuple[str, tuple[int, ...], tuple[int, int], dict[int, tuple[int, int]]]] = {
    "vit": ("models.py:SmallViT", (1, 3, 64, 64),
            (VIT_PATCH[0] + 2 * VIT_LAYER[0] + 2 * DIM + VIT_HEAD[0] + VIT_TOKENS,
             VIT_PATCH[1] + 2 * VIT_LAYER[1] + VIT_HEAD[1]),
            {**dict.fromkeys(range(1, 4), (VIT_TOKENS, 0)),
             **dict.fromkeys(range(4, 6), (VIT_TOKENS + 2 * VIT_ATTN[0], 2 * VIT_ATTN[1]))}),
    "lstm": ("models.py:LSTMClassifier", (1, 16, 64), (LSTM[0] + 1290, LSTM[1] + 1280),
             dict.fromkeys(range(1, 3), (0, 0))),
    "resnet18": ("breakdown_models.py:resnet18", (1, 3, 64, 64),
                 (11_689_512, sum(RESNET_STAGES.values())),  # torchvision's parameters
                 dict.fromkeys(range(1, 6), (0, 0))),
    "mixer": ("breakdown_models.py:Mixer", (5, 8),
              (8 * 12 + MIXER_OWN[0] + 6 * 3 + 3, 5 * 8 * 12 + MIXER_OWN[1] + 5 * 6 * 3),
              dict.fromkeys(range(1, 3), MIXER_OWN)),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_rows_and_other_sum_to_the_totals_at_every_depth(name: str) -> None:
    target, shape, (params, macs), others = MODELS[name]
    result = counted(target, shape)
    assert (result.params, result.macs, result.flops) == (params, macs, 2 * macs)
    assert max(others) > max(tree_depths([m.name for m in result.measured.modules]).values())
    for depth, other in others.items():
        rows = result.by_module(depth)
        assert rows[-1].name == OTHER and (rows[-1].params, rows[-1].macs) == other
        assert sum(r.params for r in rows) == params
        assert sum(r.macs for r in rows) == macs
        assert sum(r.flops for r in rows) == 2 * macs
        if result.measured.fvcore is not None:
            assert sum(r.fvcore or 0 for r in rows) == result.measured.fvcore


@pytest.mark.parametrize("name", sorted(MODELS))
def test_rows_at_a_depth_never_nest(name: str) -> None:
    """No row holds another, so nothing is counted twice; each is at the depth or a leaf."""
    target, shape, _, others = MODELS[name]
    result = counted(target, shape)
    paths = [m.name for m in result.measured.modules]
    depths = tree_depths(paths)
    for depth in others:
        names = [r.name for r in result.by_module(depth, collapse=False)[:-1]]
        assert not any(b.startswith(f"{a}.") for a in names for b in names)
        for row in names:
            leaf = not any(p.startswith(f"{row}.") for p in paths)
            assert depths[row] == depth or (depths[row] < depth and leaf)


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize("top", [None, 1, 3])
def test_order_and_top_keep_the_sums(sort: Sort, top: int | None) -> None:
    target, shape, (params, macs), _ = MODELS["resnet18"]
    rows = counted(target, shape).by_module(2, sort=sort, top=top)
    assert sum(r.params for r in rows) == params and sum(r.macs for r in rows) == macs
    if top is not None:  # top rows, one folded row, (other)
        shown = 6 + 1 + 3 * 2  # conv1, bn1, relu, maxpool, avgpool, fc; layer1.0-1 (x2) as
        # one row (equal blocks); layer2-4 as 2 rows each (the first has a downsample)
        assert len(rows) == top + 2 and rows[top].name == f"({shown - top} more modules)"


def test_vit_rows_are_its_modules_by_hand() -> None:
    result = counted(*MODELS["vit"][:2])
    depth1 = {r.name: (r.params, r.macs) for r in result.by_module(1)}
    assert depth1 == {"patch": VIT_PATCH, "encoder": (2 * VIT_LAYER[0], 2 * VIT_LAYER[1]),
                      "head": VIT_HEAD, "norm": (2 * DIM, 0), OTHER: (VIT_TOKENS, 0)}
    depth2 = {r.name: (r.params, r.macs) for r in result.by_module(2, collapse=False)}
    assert depth2["encoder.layers.0"] == depth2["encoder.layers.1"] == VIT_LAYER
    depth3 = {r.name: (r.params, r.macs) for r in result.by_module(3, collapse=False)}
    assert depth3["encoder.layers.1.self_attn"] == (VIT_ATTN[0] + VIT_OUT_PROJ, VIT_ATTN[1])


def test_resnet18_rows_are_its_stages_by_hand() -> None:
    result = counted(*MODELS["resnet18"][:2])
    macs = {r.name: r.macs for r in result.by_module(1) if r.macs}
    assert macs == RESNET_STAGES
    (layer2,) = [r for r in result.by_module(1) if r.name == "layer2"]
    assert layer2.params == 9 * 64 * 128 + 3 * 9 * 128 * 128 + 64 * 128 + 2 * 5 * 128


def test_lstm_rows_by_hand_and_fvcore_skips_the_recurrent_kernel() -> None:
    result = counted(*MODELS["lstm"][:2])
    rows = {r.name: r for r in result.by_module(1)}
    assert (rows["lstm"].params, rows["lstm"].macs) == LSTM
    assert (rows["fc"].params, rows["fc"].macs) == (128 * 10 + 10, 128 * 10)
    assert rows["lstm"].fvcore == 0 and rows["fc"].fvcore == 128 * 10
