"""The module-formula route: closed-form counts from a module's attributes and the shapes it
received, for models bottlecalc did not define.

Each formula gives the multiply-accumulates the module performs (the complete-count
convention: convolutions, linear and bilinear maps, attention's QK^T and AV, recurrent
gate products; nothing for normalisation, pooling or elementwise work) and, where it can
be known, what fvcore's convention would count for it (BatchNorm 2 per element, LayerNorm
5, adaptive average pooling 1 per input element...). A module of a type listed here is a
*covered* module; work done in any other module is reported as not covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import prod
from typing import Any

import torch
from torch import nn


@dataclass(frozen=True)
class Formula:
    """One call of a covered module: its MACs, and fvcore's count where predictable."""

    kind: str  # the module's class name
    macs: int
    fvcore: int | None  # None: depends on which kernel fvcore sees (attention, cells)

    def __add__(self, other: Formula) -> Formula:
        """Two calls of one module (a shared module, or one called in a loop)."""
        both = None if self.fvcore is None or other.fvcore is None else self.fvcore + other.fvcore
        return Formula(self.kind, self.macs + other.macs, both)


def _tensors(args: tuple[Any, ...], kwargs: dict[str, Any], *names: str) -> list[Any]:
    """The module's inputs by position, or by keyword where it was called so."""
    values = list(args)
    for name in names[len(values):]:
        values.append(kwargs.get(name))
    return values


def conv(m: nn.modules.conv._ConvNd, x: torch.Tensor, y: torch.Tensor) -> int:
    """Every output element of a convolution sums (C_in / groups) x kernel products; a
    transposed one scatters every input element into (C_out / groups) x kernel outputs."""
    kernel = prod(m.kernel_size)
    if m.transposed:
        return x.numel() * (m.out_channels // m.groups) * kernel
    return y.numel() * (m.in_channels // m.groups) * kernel


def linear(m: nn.Linear, x: torch.Tensor, _y: torch.Tensor) -> int:
    return x.numel() // m.in_features * m.in_features * m.out_features


def bilinear(m: nn.Bilinear, x1: torch.Tensor) -> int:
    """torch computes (x1 W) then (. x2): out x in1 x in2, then out x in2 per sample."""
    rows = x1.numel() // m.in1_features
    return rows * m.out_features * m.in2_features * (m.in1_features + 1)


def attention(m: nn.MultiheadAttention, q: torch.Tensor, k: torch.Tensor) -> int:
    """Projections of q, k, v and the output, then QK^T and AV over all heads (a learned
    ``bias_k`` or ``add_zero_attn`` adds one key after the projections)."""
    seq = 1 if m.batch_first and q.dim() == 3 else 0
    length, keys = q.shape[seq], k.shape[seq]
    batch = q.numel() // (length * m.embed_dim)
    projections = 2 * length * m.embed_dim**2 + keys * m.embed_dim * (m.kdim + m.vdim)
    keys += int(m.bias_k is not None) + int(m.add_zero_attn)
    return batch * (projections + 2 * length * keys * m.embed_dim)


GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def recurrent(m: nn.RNNBase, x: Any) -> int:
    """Every layer and direction multiplies each step's input and hidden state by its gate
    weights (and an LSTM's hidden state by its projection)."""
    steps = int(x.batch_sizes.sum()) if isinstance(x, nn.utils.rnn.PackedSequence) \
        else x.numel() // m.input_size
    hidden = m.proj_size or m.hidden_size
    dirs = 2 if m.bidirectional else 1
    per_step = 0
    for layer in range(m.num_layers):
        width = m.input_size if layer == 0 else hidden * dirs
        gates = GATES[m.mode] * m.hidden_size * (width + hidden)
        per_step += dirs * (gates + m.proj_size * m.hidden_size)
    return steps * per_step


def cell(m: nn.RNNCellBase, x: torch.Tensor) -> int:
    gates = {nn.LSTMCell: 4, nn.GRUCell: 3}.get(type(m), 1)
    rows = x.numel() // m.input_size
    return rows * gates * m.hidden_size * (m.input_size + m.hidden_size)


def batch_norm(m: nn.modules.batchnorm._BatchNorm, x: torch.Tensor) -> int:
    """fvcore: 2 per element in eval mode (1 without affine); 5 (4) when it normalises by
    the batch's own statistics."""
    if m.training or not m.track_running_stats:
        return x.numel() * (5 if m.affine else 4)
    return x.numel() * (2 if m.affine else 1)


def norm(m: nn.Module, x: torch.Tensor) -> int:
    """fvcore's LayerNorm, GroupNorm, InstanceNorm: 5 per element (4 without affine)."""
    affine = getattr(m, "elementwise_affine", getattr(m, "affine", False))
    return x.numel() * (5 if affine else 4)


def upsample(m: nn.Upsample, y: torch.Tensor) -> int:
    """fvcore counts 2-d nearest (1 per output element) and bilinear (4) upsampling only."""
    if y.dim() != 4:
        return 0
    return y.numel() * {"nearest": 1, "bilinear": 4}.get(m.mode, 0)


Counts = tuple[int, int | None]  # (MACs, fvcore's count or None where unpredictable)
Rule = Callable[[Any, list[Any], Any], Counts]


def _same(count: Callable[..., int]) -> Rule:
    """MACs, which fvcore counts the same (convolutions, linear layers)."""
    def rule(m: Any, inputs: list[Any], out: Any) -> Counts:
        macs = count(m, inputs[0], out)
        return macs, macs
    return rule


def _unseen(count: Callable[..., int]) -> Rule:
    """MACs that fvcore has no handle for (recurrent layers, bilinear): it counts 0."""
    return lambda m, inputs, out: (count(m, inputs[0]), 0)


def _fvcore_only(count: Callable[..., int], *, of_output: bool = False) -> Rule:
    """No MACs; fvcore's per-element count (normalisation, pooling, upsampling)."""
    return lambda m, inputs, out: (0, count(m, out if of_output else inputs[0]))


RULES: tuple[tuple[type | tuple[type, ...], tuple[str, ...], Rule], ...] = (
    (nn.modules.conv._ConvNd, ("input",), _same(conv)),
    (nn.Linear, ("input",), _same(linear)),
    (nn.Bilinear, ("input1",), _unseen(bilinear)),
    (nn.MultiheadAttention, ("query", "key"),
     lambda m, inputs, out: (attention(m, inputs[0], inputs[1]), None)),
    (nn.RNNBase, ("input",), _unseen(recurrent)),
    (nn.RNNCellBase, ("input",), lambda m, inputs, out: (cell(m, inputs[0]), None)),
    ((nn.Embedding, nn.EmbeddingBag), (), lambda m, inputs, out: (0, 0)),
    (nn.modules.batchnorm._BatchNorm, ("input",), _fvcore_only(batch_norm)),
    ((nn.LayerNorm, nn.GroupNorm, nn.modules.instancenorm._InstanceNorm), ("input",),
     _fvcore_only(norm)),
    (nn.AdaptiveAvgPool2d, ("input",), _fvcore_only(lambda m, x: x.numel())),
    (nn.Upsample, (), _fvcore_only(upsample, of_output=True)),
)


def covered(module: nn.Module) -> bool:
    """True for a module of a type this route has a formula for."""
    return any(isinstance(module, kind) for kind, _, _ in RULES)


def formula(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any],
            out: Any) -> Formula:
    """The closed-form counts of one call of a covered module."""
    names, rule = next((n, r) for kind, n, r in RULES if isinstance(module, kind))
    macs, fvcore = rule(module, _tensors(args, kwargs, *names), out)
    return Formula(type(module).__name__, macs, fvcore)
