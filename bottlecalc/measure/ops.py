"""What bottlecalc knows about each op, in one record per op (like fvcore's
``_DEFAULT_SUPPORTED_OPS``): adding a kernel is one entry here plus its test.

A record holds, for one op (keyed ``namespace.name``, e.g. ``aten.mm``):

* ``macs`` — its multiply-accumulates from its arguments' shapes (tensors replaced by their
  shapes, the output's as ``out_shape``, FlopCounterMode's calling convention), so it works
  on meta. This is bottlecalc's own op route, written apart from FlopCounterMode's formulas:
  a formula missing or wrong in either shows as a disagreement.
* ``torch`` — how FlopCounterMode counts it: with its own formula (:attr:`Torch.OWN`), not
  at all (:attr:`Torch.NONE`: bottlecalc's formula is given to it, so the complete count
  does not depend on which kernel torch picks), or wrongly (:attr:`Torch.REPLACED`).
* ``fvcore`` — how fvcore differs on it: a MAC op it has no handle for (``gap``, by kind) or
  a per-element count it adds where no MAC is (``extra``, with the module classes whose
  formulas predict it).
* ``no_macs`` — an op that carries no multiply-accumulates even when it reads a parameter
  (an embedding lookup, a norm, a copy). Any op that reads a parameter, or looks like a
  product (:data:`PRODUCT`), and that neither FlopCounterMode nor a record counts is
  *unknown*: reported by name, never counted as 0 (:func:`is_unknown`).
* ``shapes`` — shape-only answers on meta, by overload (:mod:`~bottlecalc.measure.shape_only`).

Torch's fused kernels (the attention fast path, flash attention for CPU, oneDNN's RNN layer)
and the product ops FlopCounterMode has no formula for (``_grouped_mm``, ``_int_mm``,
``addbmm``, int4/int8 weight-packed matmuls, quantized linear and conv) get the MACs of the
math they do. One formula replaces torch's own: ``convolution_backward`` (torch 2.13 counts
a grouped convolution's weight gradient as if it were dense).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from math import prod
from typing import Any

import torch
from torch.utils import flop_counter
from torch.utils.flop_counter import FlopCounterMode

from bottlecalc.measure import shape_only as so

Shape = Sequence[int]
MacFormula = Callable[..., int]
# The dispatch mode that sees each op: torch >= 2.6 dispatches through an inner
# _FlopCounterMode; before, FlopCounterMode itself was it (docs/compatibility.md).
DISPATCH = getattr(flop_counter, "_FlopCounterMode", FlopCounterMode)


class Torch(Enum):
    """How FlopCounterMode counts an op."""

    OWN = "its own formula"
    NONE = "no formula: bottlecalc's is given to it"
    REPLACED = "a wrong formula: bottlecalc's replaces it"


@dataclass(frozen=True)
class Op:
    """Everything bottlecalc knows about one op."""

    macs: MacFormula | None = None
    torch: Torch = Torch.NONE
    no_macs: bool = False
    gap: str | None = None  # the kind of MAC work fvcore has no handle for
    extra: str | None = None  # fvcore's per-element count for an op without MACs
    extra_modules: tuple[str, ...] = ()  # module class prefixes whose formulas predict it
    shapes: tuple[tuple[str, Callable[..., Any]], ...] = ()  # overload -> shape-only answer


# -- formulas: MACs from shapes ----------------------------------------------------------

def _numel(shape: Shape) -> int:
    return prod(shape)


def matmul(a: Shape, b: Shape, *_: Any, **__: Any) -> int:
    """``mm``, ``_int_mm``, ``_scaled_mm``: (n x k) @ (k x m)."""
    return a[0] * a[1] * b[-1]


def add_matmul(_bias: Shape, a: Shape, b: Shape, *_: Any, **__: Any) -> int:
    """``addmm``, ``_addmm_activation``: the product; the bias adds are not MACs."""
    return matmul(a, b)


def batched(a: Shape, b: Shape, *_: Any, **__: Any) -> int:
    """``bmm``: a batch of (n x k) @ (k x m)."""
    return a[0] * a[1] * a[2] * b[-1]


def add_batched(_self: Shape, a: Shape, b: Shape, *_: Any, **__: Any) -> int:
    """``baddbmm`` and ``addbmm`` (whose batch is then summed into one matrix)."""
    return batched(a, b)


def grouped(a: Shape, b: Shape, *_: Any, **__: Any) -> int:
    """``_grouped_mm`` and its scaled kin: groups of products, one per expert. 2-d x 3-d:
    token rows split among the groups (every row meets one group's k x m); 3-d x 3-d: a
    batched product; 2-d x 2-d: the inner dimension split among groups; 3-d x 2-d: the
    columns split. Each is rows x k x m over all groups, whatever the offsets say (the
    offsets' values are not known on meta; every row belongs to a group in MoE routing)."""
    if len(a) == 3 and len(b) == 3:
        return batched(a, b)
    if len(a) == 3:
        return a[1] * a[2] * b[-1]
    return a[0] * a[1] * b[-1]


def linear_like(x: Shape, *_: Any, out_shape: Any = None, **__: Any) -> int:
    """A linear layer in any packing (``fbgemm_linear_*``, ``mkldnn_linear``,
    ``_mixed_dtypes_linear``, ``_weight_int8pack_mm``, ``quantized::linear*``): one MAC per
    output element per input feature."""
    return _numel(_first(out_shape)) * x[-1]


def int4_packed(x: Shape, _w: Any, _group: int, scales: Shape, **_: Any) -> int:
    """``_weight_int4pack_mm(_for_cpu)``: x (m x k) by a packed k x n weight; n is the
    scales' second dimension (k / group, n, 2)."""
    return _numel(x[:-1]) * x[-1] * scales[1]


def dyn_quant_4bit(x: Shape, _w: Any, _block: int, k: int, n: int, **_: Any) -> int:
    return _numel(x[:-1]) * k * n


def conv(x: Shape, w: Shape, *args: Any, out_shape: Any = None, **_: Any) -> int:
    """Every output element sums (C_in / groups) x kernel products (weight C_out x C_in/g x
    kernel); a transposed one (weight C_in x C_out/g x kernel) scatters every input element
    into (C_out / groups) x kernel outputs."""
    transposed = len(args) >= 5 and args[4] is True
    return _numel(x if transposed else _first(out_shape)) * _numel(w[1:])


def plain_conv(_x: Shape, w: Shape, *_: Any, out_shape: Any = None, **__: Any) -> int:
    """Convolution kernels that are never transposed (``cudnn_convolution``,
    ``mkldnn_convolution``, ``_slow_conv2d_forward``)."""
    return _numel(_first(out_shape)) * _numel(w[1:])


def conv_tbc(x: Shape, w: Shape, *_: Any, out_shape: Any = None, **__: Any) -> int:
    """``conv_tbc``: time x batch x channels; weight kernel x C_in x C_out."""
    return _numel(_first(out_shape)) * w[0] * w[1]


def conv_backward(grad_out: Shape, x: Shape, weight: Shape, _bias: Any, _stride: Any,
                  _padding: Any, _dilation: Any, transposed: bool, _output_padding: Any,
                  _groups: int, output_mask: Sequence[bool], **_: Any) -> int:
    """``convolution_backward``: the input gradient and the weight gradient each repeat
    the forward's multiply-accumulates: batch x weight elements x positions, where the
    positions are the output's (the input's for a transposed convolution)."""
    positions = _numel((x if transposed else grad_out)[2:])
    forward = x[0] * _numel(weight) * positions
    return forward * (int(output_mask[0]) + int(output_mask[1]))


def quantized_conv(x: Shape, packed: Any, *_: Any, out_shape: Any = None, **__: Any) -> int:
    """``quantized::conv*d``: the packed weight (C_out x C_in/g x kernel) read from its
    packing, as a convolution."""
    weight, _ = packed.unpack()
    return _numel(_first(out_shape)) * _numel(weight.shape[1:])


def attention(q: Shape, k: Shape, v: Shape, *_: Any, **__: Any) -> int:
    """SDPA kernels on batch x heads x tokens x width: QK^T (L x S x E) and AV (L x S x
    E_v) for every batch and head."""
    return _numel(q[:-1]) * k[-2] * (q[-1] + v[-1])


def attention_blhe(q: Shape, k: Shape, v: Shape, *_: Any, **__: Any) -> int:
    """``_flash_attention_forward`` / ``_efficient_attention_forward``: batch x tokens x
    heads x width."""
    return q[0] * q[1] * q[2] * k[1] * (q[-1] + v[-1])


def native_mha(query: Shape, key: Shape, *_: Any, **__: Any) -> int:
    """``_native_multi_head_attention``: q, k, v projections, QK^T, AV, output projection."""
    b, length, embed = query
    keys = key[1]
    return 2 * b * length * embed * embed + 2 * b * keys * embed * embed \
        + 2 * b * length * keys * embed


def encoder_layer(src: Shape, _embed_dim: int, _heads: int, *args: Any, **_: Any) -> int:
    """``_transformer_encoder_layer_fwd``: self-attention then the feed-forward pair."""
    b, length, embed = src
    ffn = args[11][0]  # ffn_weight_1: (feed-forward width, embed)
    attn = 4 * b * length * embed * embed + 2 * b * length * length * embed
    return attn + 2 * b * length * embed * ffn


def rnn_layer(x: Shape, w_ih: Shape, w_hh: Shape, *_: Any, **__: Any) -> int:
    """``mkldnn_rnn_layer``: one layer, one direction; every step multiplies x and h by
    the gate weights (the time steps and batch are all of ``x`` but its last dimension)."""
    return _numel(x[:-1]) * (_numel(w_ih) + _numel(w_hh))


def trilinear(i1: Shape, i2: Shape, i3: Shape, expand1: Sequence[int], expand2: Sequence[int],
              expand3: Sequence[int], sumdim: Sequence[int], *_: Any, **__: Any) -> int:
    """``_trilinear`` (``nn.Bilinear``): two products, (i1 x i2) summed over the dims i3 lacks,
    then with i3 over the rest, each costing one MAC per element of its broadcast shape."""
    a, b, c = (_expand(s, e) for s, e in ((i1, expand1), (i2, expand2), (i3, expand3)))
    first = [max(x, y) for x, y in zip(a, b, strict=True)]
    summed = {d for d in sumdim if c[d] == 1}
    kept = [1 if d in summed else n for d, n in enumerate(first)]
    return _numel(first) + _numel([max(x, y) for x, y in zip(kept, c, strict=True)])


def _expand(shape: Shape, dims: Sequence[int]) -> list[int]:
    out = list(shape)
    for d in sorted(dims):
        out.insert(d, 1)
    return out


def matrix_vector(*shapes: Any, **_: Any) -> int:
    """``mv`` / ``addmv``: the matrix is the last 2-d tensor; one MAC per element."""
    return _numel([s for s in shapes if isinstance(s, torch.Size) and len(s) == 2][-1])


def vector_dot(a: Shape, *_: Any, **__: Any) -> int:
    return _numel(a)


def outer_update(_self: Shape, a: Shape, b: Shape, *_: Any, **__: Any) -> int:
    """``addr``: a rank-1 update, one MAC per element of the result."""
    return _numel(a) * _numel(b)


def _first(shape: Any) -> Shape:
    """The first output's shape (ops with several outputs give a tuple of shapes)."""
    return shape if isinstance(shape, torch.Size) else shape[0]


# -- the registry --------------------------------------------------------------------------

def _own(formula: MacFormula, **kw: Any) -> Op:
    return Op(formula, Torch.OWN, **kw)


def _no_macs(answer: Callable[..., Any], overload: str = "default") -> Op:
    """An op without MACs that has a shape-only answer."""
    return Op(no_macs=True, shapes=((overload, answer),))


ATTENTION = "attention"
RECURRENT = "recurrent layers"
PRODUCTS = "matrix products"

OPS: dict[str, Op] = {
    # products FlopCounterMode counts itself: bottlecalc's formulas check it
    "aten.mm": _own(matmul, shapes=(("default", so.matrix_product),)),
    "aten.addmm": _own(add_matmul, shapes=(("default", so.addmm),)),
    "aten.bmm": _own(batched, shapes=(("default", so.matrix_product),)),
    "aten.baddbmm": _own(add_batched, gap=PRODUCTS),
    "aten._scaled_mm": _own(matmul, gap=PRODUCTS),
    "aten.convolution": _own(conv, shapes=(("default", so.conv),)),
    **dict.fromkeys(("aten._convolution", "aten.convolution_overrideable"), _own(conv)),
    **dict.fromkeys(("aten.cudnn_convolution", "aten._slow_conv2d_forward"), _own(plain_conv)),
    "aten.convolution_backward": Op(conv_backward, Torch.REPLACED,
                                    shapes=(("default", so.conv_backward),)),
    **dict.fromkeys(("aten._scaled_dot_product_efficient_attention",
                     "aten._scaled_dot_product_flash_attention",
                     "aten._scaled_dot_product_cudnn_attention"), _own(attention, gap=ATTENTION)),
    **dict.fromkeys(("aten._flash_attention_forward", "aten._efficient_attention_forward"),
                    _own(attention_blhe, gap=ATTENTION)),
    # products and fused kernels FlopCounterMode has no formula for
    "aten._grouped_mm": Op(grouped, gap=PRODUCTS, shapes=(("default", so.grouped_mm),)),
    "aten._scaled_grouped_mm": Op(grouped, gap=PRODUCTS),
    "aten._scaled_grouped_mm_v2": Op(grouped, gap=PRODUCTS),
    "aten._int_mm": Op(matmul, gap=PRODUCTS),
    "aten._scaled_mm_v2": Op(matmul, gap=PRODUCTS),
    "aten.addbmm": Op(add_batched, gap=PRODUCTS),
    "aten._addmm_activation": Op(add_matmul, gap=PRODUCTS),
    **dict.fromkeys(("aten.mv", "aten.addmv"), Op(matrix_vector, gap=PRODUCTS)),
    **dict.fromkeys(("aten.dot", "aten.vdot"), Op(vector_dot, gap=PRODUCTS)),
    "aten.addr": Op(outer_update, gap=PRODUCTS),
    "aten.conv_tbc": Op(conv_tbc, gap=PRODUCTS),
    "aten._weight_int4pack_mm": Op(int4_packed, gap=PRODUCTS),
    "aten._weight_int4pack_mm_for_cpu": Op(int4_packed, gap=PRODUCTS),
    "aten._dyn_quant_matmul_4bit": Op(dyn_quant_4bit, gap=PRODUCTS),
    **dict.fromkeys(("aten._weight_int8pack_mm", "aten.fbgemm_linear_int8_weight",
                     "aten.fbgemm_linear_fp16_weight", "aten.mkldnn_linear",
                     "aten._mixed_dtypes_linear", "quantized.linear_dynamic",
                     "quantized.linear_relu_dynamic", "quantized.linear_dynamic_fp16",
                     "quantized.linear", "quantized.linear_relu"), Op(linear_like, gap=PRODUCTS)),
    **dict.fromkeys(("quantized.conv1d", "quantized.conv2d", "quantized.conv3d",
                     "quantized.conv1d_relu", "quantized.conv2d_relu", "quantized.conv3d_relu"),
                    Op(quantized_conv, gap=PRODUCTS)),
    "aten.mkldnn_convolution": Op(plain_conv, gap=PRODUCTS),
    "aten._native_multi_head_attention": Op(native_mha, gap=ATTENTION),
    "aten._transformer_encoder_layer_fwd": Op(encoder_layer, gap=ATTENTION),
    "aten._scaled_dot_product_flash_attention_for_cpu": Op(attention, gap=ATTENTION),
    "aten._scaled_dot_product_fused_attention_overrideable": Op(attention, gap=ATTENTION),
    "aten.mkldnn_rnn_layer": Op(rnn_layer, gap=RECURRENT),
    "aten._trilinear": Op(trilinear, gap="bilinear maps"),
    # what fvcore sees in its traces (composite ops torch lowers before dispatch)
    "aten.scaled_dot_product_attention": Op(gap=ATTENTION),
    **dict.fromkeys(("aten.lstm", "aten.gru", "aten.rnn_tanh", "aten.rnn_relu",
                     "aten.lstm_cell", "aten.gru_cell", "aten.rnn_tanh_cell",
                     "aten.rnn_relu_cell"), Op(gap=RECURRENT)),
    "aten.bilinear": Op(gap="bilinear maps"),
    "aten.tensordot": Op(gap=PRODUCTS),
    # no multiply-accumulates; fvcore adds a per-element count for some
    "aten.batch_norm": Op(no_macs=True, extra="BatchNorm: fvcore counts 2 per element in eval "
                          "mode, 1 without affine", extra_modules=("BatchNorm", "SyncBatchNorm")),
    "aten.layer_norm": Op(no_macs=True, extra="LayerNorm: fvcore counts 5 per element, 4 "
                          "without affine", extra_modules=("LayerNorm",)),
    "aten.group_norm": Op(no_macs=True, extra="GroupNorm: fvcore counts 5 per element, 4 "
                          "without affine", extra_modules=("GroupNorm",)),
    "aten.instance_norm": Op(no_macs=True, extra="InstanceNorm: fvcore counts 5 per element, "
                             "4 without affine", extra_modules=("InstanceNorm",)),
    "aten.adaptive_avg_pool2d": Op(no_macs=True, extra="adaptive average pooling: fvcore "
                                   "counts 1 per input element",
                                   extra_modules=("AdaptiveAvgPool2d",)),
    "aten.upsample_nearest2d": Op(no_macs=True, extra="nearest upsampling: fvcore counts 1 per "
                                  "output element", extra_modules=("Upsample",)),
    "aten.upsample_bilinear2d": Op(no_macs=True, extra="bilinear upsampling: fvcore counts 4 "
                                   "per output element", extra_modules=("Upsample",)),
    "aten.grid_sampler": Op(no_macs=True, extra="grid sampling: fvcore counts 4 per output "
                            "element"),
    "aten._native_batch_norm_legit_no_training": _no_macs(so.bn_eval),
    "aten.native_layer_norm": _no_macs(so.layer_norm),
    "aten.native_group_norm": _no_macs(so.group_norm),
    "aten.embedding": _no_macs(so.embedding),
    "aten._to_copy": _no_macs(so.to_copy),
    "aten.cat": _no_macs(so.cat),
    "aten.stack": _no_macs(so.stack),
    "aten.mean": _no_macs(so.mean, "dim"),
    "aten.sum": Op(no_macs=True, shapes=(("default", so.sum_), ("dim_IntList", so.sum_))),
    "aten._softmax": _no_macs(so.softmax),
    "aten._log_softmax": _no_macs(so.softmax),
    "aten._safe_softmax": _no_macs(so.safe_softmax),
    "aten.native_dropout": _no_macs(so.dropout),
    "aten.max_pool2d_with_indices": _no_macs(so.max_pool),
    "aten.max_pool2d_with_indices_backward": _no_macs(so.pool_backward),
    "aten.native_batch_norm_backward": _no_macs(so.bn_backward),
    **dict.fromkeys(("aten.ones_like", "aten.zeros_like", "aten.empty_like", "aten.clone"),
                    _no_macs(so.filled_like)),
    **dict.fromkeys(("aten.normal_", "aten.uniform_", "aten.zero_"), _no_macs(so.itself)),
    "aten.fill_": _no_macs(so.itself, "Scalar"),
}

# Ops that may read a parameter and carry no multiply-accumulates, by name (besides the
# records above marked no_macs, every elementwise op, and views).
NO_MACS = re.compile(
    r"^aten\.(_?embedding_bag|index\w*|gather|take\w*|narrow\w*|select\w*|slice\w*|"
    r"split\w*|chunk|unbind\w*|repeat\w*|expand\w*|copy_?|contiguous|detach|lift_fresh\w*|"
    r"_?unsafe_view|view\w*|reshape|flatten|permute|transpose_?|t_?|squeeze_?|unsqueeze_?|"
    r"new_\w+|empty\w*|full\w*|zeros\w*|ones\w*|arange|masked_\w+|where|scatter\w*|"
    r"put_?|_?native_batch_norm\w*|batch_norm\w*|_batch_norm\w*|native_\w*norm\w*|"
    r"_fused_rms_norm|rms_norm|_weight_norm\w*|norm|linalg_vector_norm|var\w*|std\w*|"
    r"amax|amin|max\w*|min\w*|argmax|argmin|prod|cumsum|cumprod|logsumexp|sort|topk|"
    r"constant_pad_nd|\w+_pad\dd|upsample_\w+|_?adaptive_\w+|avg_pool\w*|max_pool\w*|"
    r"roll|flip|tril\w*|triu\w*|clamp\w*|_prelu_kernel|prelu|lerp\w*|histc|bincount|"
    r"bucketize|searchsorted|nonzero\w*|unique\w*|_unique\w*|one_hot|grid_sampler\w*|"
    r"im2col|col2im|pixel_\w+|channel_shuffle|_convert_weight_to_int4pack\w*|"
    r"quantize_per_\w+|dequantize|_make_per_\w+|q_\w+|int_repr|set_|resize_\w*|"
    r"_local_scalar_dense|item|equal|allclose|is_nonzero|alias\w*|_to_dense|to_dense|"
    r"_assert\w*|sym_\w+|_functional_\w+)$")
# Names of ops that multiply and add (a distance is a product; an FFT multiplies by the
# twiddle factors): with no formula they are unknown, never 0, parameter or not.
PRODUCT = re.compile(r"mm|conv|matmul|einsum|linear|attention|rnn|lstm|gru|bilinear|dot|"
                     r"addmv|\.mv$|_tbc|cdist|fft|stft")


@functools.cache
def name_of(func: Any) -> str:
    """``aten.mm`` for any overload of ``torch.ops.aten.mm``."""
    return str(func._overloadpacket)


def lookup(name: str) -> Op:
    """The record of an op by dispatch name (``aten.mm``) or fvcore's (``aten::mm``); an
    op without one has an empty record (no formula, no difference known in fvcore)."""
    return OPS.get(name.replace("::", "."), Op())


@functools.cache
def allocates(func: Any) -> bool:
    """Whether an op writes new tensors: not a view (``t``, ``expand``) nor an in-place op,
    whose outputs alias an input (an alias annotation on the return in its schema)."""
    return all(ret.alias_info is None for ret in func._schema.returns)


@functools.cache
def carries_no_macs(func: Any) -> bool:
    """Known to do no multiply-accumulate: a record says so, an elementwise op, a view, or a
    name in :data:`NO_MACS`."""
    name = name_of(func)
    op = OPS.get(name)
    if op is not None and op.no_macs:
        return True
    if torch.Tag.pointwise in func.tags or not allocates(func):
        return True
    return bool(NO_MACS.match(name))


def is_unknown(func: Any, *, reads_parameter: bool) -> bool:
    """An op whose MACs no formula gives (call only for ops FlopCounterMode did not count):
    it reads a parameter or looks like a product, and is not known to carry no MACs."""
    op = OPS.get(name_of(func))
    if op is not None and op.macs is not None:
        return False
    if carries_no_macs(func):
        return False
    return reads_parameter or bool(PRODUCT.search(name_of(func).split(".", 1)[-1]))


def op_macs(func: Any, args: Any, kwargs: Mapping[str, Any], out: Any) -> int | None:
    """bottlecalc's own count of one op call, or None when no record has a formula."""
    op = OPS.get(name_of(func))
    if op is None or op.macs is None:
        return None
    shaped_args, shaped_kwargs, out_shape = torch.utils._pytree.tree_map(
        _shape, (args, dict(kwargs), out))
    return int(op.macs(*shaped_args, out_shape=out_shape, **shaped_kwargs))


def _shape(value: Any) -> Any:
    return value.shape if isinstance(value, torch.Tensor) else value


def _packet(name: str) -> Any | None:
    namespace, _, op = name.partition(".")
    space = getattr(torch.ops, namespace, None)
    return getattr(space, op, None) if space is not None and hasattr(space, op) else None


_EVALUATING = [0]  # FlopCounterMode formulas running now


def evaluating() -> bool:
    """Whether FlopCounterMode is running one of these formulas (which may dispatch ops of
    their own, e.g. to unpack a quantized weight: they are not the model's)."""
    return _EVALUATING[0] > 0


def _twice(formula: MacFormula) -> MacFormula:
    """FlopCounterMode counts 2 FLOPs per MAC."""
    def flops(*args: Any, **kwargs: Any) -> int:
        _EVALUATING[0] += 1
        try:
            return 2 * formula(*args, **kwargs)
        finally:
            _EVALUATING[0] -= 1
    return flops


def custom_mapping() -> dict[Any, MacFormula]:
    """bottlecalc's formulas for the ops FlopCounterMode does not count, or counts wrongly,
    keyed as FlopCounterMode wants them (ops this torch does not have skipped)."""
    return {packet: _twice(op.macs) for name, op in OPS.items()
            if op.macs is not None and op.torch is not Torch.OWN
            and (packet := _packet(name)) is not None}


def shape_only_table() -> dict[Any, Callable[..., Any]]:
    """The shape-only answers, keyed by op overload (overloads this torch lacks skipped)."""
    table = {}
    for name, op in OPS.items():
        packet = _packet(name) if op.shapes else None
        for overload, answer in op.shapes if packet is not None else ():
            if hasattr(packet, overload):
                table[getattr(packet, overload)] = answer
    return table
