"""FlopCounterMode formulas for the kernels torch's own registry does not count.

On CPU tensors torch may run fused kernels instead of the math path: the attention fast
path (``_native_multi_head_attention``, ``_transformer_encoder_layer_fwd``), flash
attention for CPU, oneDNN's LSTM/GRU layer (``mkldnn_rnn_layer``). FlopCounterMode's
registry has no formula for them, so it counts 0 there. These formulas give each the
multiply-accumulates of the math path it replaces (2 FLOPs per MAC, FlopCounterMode's
unit), so the count does not depend on which kernel torch picks. ``bilinear``'s
``_trilinear`` and the vector products are here for the same reason.

One formula replaces torch's own: ``convolution_backward``. torch 2.13 counts a grouped
convolution's weight gradient as if the convolution were dense (every input channel
against every output channel: ``groups`` times too many, 32x for a ResNeXt 3x3, C times
for a depthwise conv); each gradient of a convolution is its forward products again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod
from typing import Any

import torch
from torch.utils import flop_counter
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

Shape = Sequence[int]
# The dispatch mode that sees each op: torch >= 2.6 dispatches through an inner
# _FlopCounterMode; before, FlopCounterMode itself was it (docs/compatibility.md).
DISPATCH = getattr(flop_counter, "_FlopCounterMode", FlopCounterMode)


def _attention(batch: int, queries: int, keys: int, embed: int) -> int:
    """MACs of QK^T and AV over all heads: each is batch x L x S x E."""
    return 2 * batch * queries * keys * embed


def native_mha(query: Shape, key: Shape, value: Shape, *_: Any, **__: Any) -> int:
    """``_native_multi_head_attention``: q, k, v projections, QK^T, AV, output projection."""
    b, length, embed = query
    keys = key[1]
    macs = 2 * b * length * embed * embed + 2 * b * keys * embed * embed
    return 2 * (macs + _attention(b, length, keys, embed))


def encoder_layer(src: Shape, embed_dim: int, num_heads: int, *args: Any, **_: Any) -> int:
    """``_transformer_encoder_layer_fwd``: self-attention then the feed-forward pair."""
    b, length, embed = src
    ffn = args[11][0]  # ffn_weight_1: (feed-forward width, embed)
    macs = 4 * b * length * embed * embed + _attention(b, length, length, embed)
    return 2 * (macs + 2 * b * length * embed * ffn)


def rnn_layer(x: Shape, w_ih: Shape, w_hh: Shape, *_: Any, **__: Any) -> int:
    """``mkldnn_rnn_layer``: one layer, one direction; every step multiplies x and h by
    the gate weights (the time steps and batch are all of ``x`` but its last dimension)."""
    return 2 * prod(x[:-1]) * (prod(w_ih) + prod(w_hh))


def flash_cpu(query: Shape, key: Shape, value: Shape, *_: Any, **__: Any) -> int:
    """``_scaled_dot_product_flash_attention_for_cpu``: QK^T and AV, as torch counts SDPA."""
    return int(sdpa_flop_count(query, key, value))


def trilinear(i1: Shape, i2: Shape, i3: Shape, expand1: Sequence[int], expand2: Sequence[int],
              expand3: Sequence[int], sumdim: Sequence[int], *_: Any, **__: Any) -> int:
    """``_trilinear`` (``nn.Bilinear``): two products, (i1 x i2) summed over the dims i3 lacks,
    then with i3 over the rest, each costing one MAC per element of its broadcast shape."""
    a, b, c = (_expand(s, e) for s, e in ((i1, expand1), (i2, expand2), (i3, expand3)))
    first = [max(x, y) for x, y in zip(a, b, strict=True)]
    summed = {d for d in sumdim if c[d] == 1}
    kept = [1 if d in summed else n for d, n in enumerate(first)]
    return 2 * (prod(first) + prod(max(x, y) for x, y in zip(kept, c, strict=True)))


def _expand(shape: Shape, dims: Sequence[int]) -> list[int]:
    out = list(shape)
    for d in sorted(dims):
        out.insert(d, 1)
    return out


def matrix_vector(*shapes: Any, **_: Any) -> int:
    """``mv`` / ``addmv``: the matrix is the last but one tensor; one MAC per element."""
    matrix = [s for s in shapes if isinstance(s, torch.Size) and len(s) == 2][-1]
    return 2 * prod(matrix)


def vector_dot(a: Shape, b: Shape, **_: Any) -> int:
    return 2 * prod(a)


def add_bmm(_self: Shape, b1: Shape, b2: Shape, **_: Any) -> int:
    """``addbmm``: the batched products, summed into one matrix."""
    batch, n, m = b1
    return 2 * batch * n * m * b2[-1]


def addmm_activation(_self: Shape, a: Shape, b: Shape, **_: Any) -> int:
    """``_addmm_activation``: a linear layer's product with its activation fused in."""
    return 2 * a[0] * a[1] * b[1]


def conv_backward(grad_out: Shape, x: Shape, weight: Shape, _bias: Any, _stride: Any,
                  _padding: Any, _dilation: Any, transposed: bool, _output_padding: Any,
                  _groups: int, output_mask: Sequence[bool], **_: Any) -> int:
    """``convolution_backward``: the input gradient and the weight gradient each repeat
    the forward's multiply-accumulates: batch x weight elements x positions, where the
    positions are the output's (the input's for a transposed convolution)."""
    positions = prod((x if transposed else grad_out)[2:])
    forward = 2 * x[0] * prod(weight) * positions
    return forward * (int(output_mask[0]) + int(output_mask[1]))


FORMULAS: dict[str, Callable[..., int]] = {
    "_native_multi_head_attention": native_mha,
    "_transformer_encoder_layer_fwd": encoder_layer,
    "mkldnn_rnn_layer": rnn_layer,
    "_scaled_dot_product_flash_attention_for_cpu": flash_cpu,
    "_trilinear": trilinear,
    "mv": matrix_vector,
    "addmv": matrix_vector,
    "dot": vector_dot,
    "vdot": vector_dot,
    "addbmm": add_bmm,
    "_addmm_activation": addmm_activation,
    "convolution_backward": conv_backward,
}


def custom_mapping() -> dict[Any, Callable[..., int]]:
    """The formulas keyed as FlopCounterMode wants them (ops this torch does not have skipped)."""
    aten = torch.ops.aten
    return {getattr(aten, name): formula for name, formula in FORMULAS.items()
            if hasattr(aten, name)}
