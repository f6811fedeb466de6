"""Sequence models counted on meta (bottlecalc.scale, bottlecalc.decode): every expected
figure is a formula written here from the decoder's shapes (tests/fixtures/decoders.py).

Per token and layer: the q and output projections d*d each, keys and values 2*d*kv*hd, the
MLP 2*d*ffn (GPT-2) or 3*d*ffn (SwiGLU); the head d*vocab. Attention per layer: QK^T and AV,
T*T*d each (grouped-query attention repeats the keys: still d per query-key pair). Norms,
softmax and embedding lookups carry no MACs.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import bottlecalc
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.report.scaling.words import reason
from tests.fixtures import decoders

LENGTHS = (16, 48, 128, 200, 333)


DEC = decoders
SHAPES = {  # layers, d, heads, kv heads, ffn, vocab, SwiGLU
    "gpt2": (2, 64, 4, 4, 256, 1000, False),
    "llama": (2, 64, 8, 2, 176, 1000, True),
}


def build(kind: str, device: str = "meta") -> nn.Module:
    layers, d, heads, kv, ffn, vocab, llama = SHAPES[kind]
    with torch.device(device):
        return DEC.Decoder(layers=layers, d=d, heads=heads, kv_heads=kv, vocab=vocab, ffn=ffn,
                           n_ctx=0 if llama else 1024, llama=llama)


def linear_per_token(kind: str) -> int:
    layers, d, heads, kv, ffn, vocab, llama = SHAPES[kind]
    hd = d // heads
    mlp = (3 if llama else 2) * d * ffn
    return layers * (2 * d * d + 2 * d * kv * hd + mlp) + d * vocab


def ids(batch: int, length: int) -> torch.Tensor:
    return torch.zeros(batch, length, dtype=torch.long, device="meta")


@pytest.mark.parametrize("kind", sorted(SHAPES))
@pytest.mark.parametrize("batch", [1, 3])
def test_the_polynomial_is_the_hand_formula(kind: str, batch: int) -> None:
    layers, d = SHAPES[kind][:2]
    found = bottlecalc.scale(build(kind), ids(batch, 8), seq=LENGTHS, active=False)
    assert found.scaling is not None
    dense = found.scaling.dense
    assert dense.polynomial is not None
    # linear layers in b, attention (2*T*T*d per layer) in c, nothing in a
    assert dense.polynomial.coefficients == (0, batch * linear_per_token(kind),
                                             batch * 2 * layers * d)
    assert dense.verified_at == LENGTHS[3:]
    causal = found.scaling.causal.polynomial
    assert causal is not None  # T*(T+1)/2 of the T*T pairs: half of c moves into b
    assert causal.coefficients == (0, batch * (linear_per_token(kind) + layers * d),
                                   batch * layers * d)


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_each_length_gives_params_macs_per_token_and_attention(kind: str) -> None:
    layers, d = SHAPES[kind][:2]
    model = build(kind)
    found = bottlecalc.scale(model, ids(2, 8), seq=LENGTHS, active=False)
    assert found.params == sum(p.numel() for p in model.parameters())
    assert found.scaling is not None and found.scaling.resized == ("input_ids",)
    for point, t in zip(found.scaling.points, LENGTHS, strict=True):
        attention = 2 * 2 * layers * t * t * d
        assert point.tokens == 2 * t
        assert point.attention == attention
        assert point.macs == 2 * t * linear_per_token(kind) + attention
        assert point.causal == point.macs - attention + 2 * layers * d * t * (t + 1)
        assert point.per_token == Fraction(point.macs, 2 * t)


@pytest.mark.parametrize("kind", sorted(SHAPES))
@pytest.mark.parametrize("context", [1, 100, 777])
def test_a_decoding_step_is_the_hand_formula(kind: str, context: int) -> None:
    layers, d, heads, kv = SHAPES[kind][:4]
    found = bottlecalc.decode(build(kind), ids(1, 8), context=context)
    step = found.decode
    assert step is not None
    attention = layers * 2 * d * (context + 1)  # one query against N cached keys and its own
    assert step.macs == linear_per_token(kind) + attention
    assert step.per_token == step.macs
    assert step.attention == attention
    assert step.kv_bytes == 2 * layers * kv * (d // heads) * context * 4
    assert step.kv_bytes_per_token == 2 * layers * kv * (d // heads) * 4
    assert step.prefill_macs == context * linear_per_token(kind) + layers * 2 * context**2 * d


def test_kv_bytes_follow_the_cache_dtype_and_batch() -> None:
    layers, d, heads, kv = SHAPES["llama"][:4]
    model = build("llama").to(torch.bfloat16)
    step = bottlecalc.decode(model, ids(4, 8), context=50).decode
    assert step is not None
    assert step.batch == 4
    assert step.kv_bytes == 2 * layers * kv * (d // heads) * 50 * 4 * 2  # batch 4, 2 bytes
    assert step.per_token == linear_per_token("llama") + layers * 2 * d * 51


def test_a_model_on_the_cpu_is_left_as_it_was() -> None:
    model = build("gpt2", device="cpu").train()
    before = {n: p.clone() for n, p in model.state_dict().items()}
    x = torch.zeros(1, 8, dtype=torch.long)
    bottlecalc.scale(model, x, seq=(4, 8, 12, 16))
    bottlecalc.decode(model, x, context=10)
    assert model.training
    assert all(p.device.type == "cpu" for p in model.parameters())
    assert all(torch.equal(before[n], t) for n, t in model.state_dict().items())
    assert tuple(x.shape) == (1, 8)


def test_a_cache_given_as_input_is_never_grown() -> None:
    model = build("gpt2")
    with torch.no_grad():
        _, past = model(ids(1, 5))
    shapes = [tuple(t.shape) for kv in past for t in kv]
    found = bottlecalc.scale(model, ids(1, 1), kwargs={"past_key_values": past}, seq=(1, 2, 3))
    assert [tuple(t.shape) for kv in past for t in kv] == shapes
    assert found.scaling is not None


class Cubic(nn.Module):
    """(x x^T)(x x^T) x: T^3 products between activations, not a polynomial of degree 2."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gram = x @ x.transpose(-1, -2)
        return (gram @ gram) @ x


def test_a_cost_in_t_cubed_is_reported_not_polynomial() -> None:
    found = bottlecalc.scale(Cubic(), torch.zeros(1, 4, 8), seq=(2, 3, 5, 7), seq_dim=1,
                             active=False)
    assert found.scaling is not None
    for point in found.scaling.points:
        t = point.length
        assert point.macs == point.attention == t * t * 8 + t**3 + t * t * 8
    assert found.scaling.dense.polynomial is None
    assert reason(found.scaling.dense).startswith("not a polynomial of degree <= 2 in T")


class MaskedAttention(nn.Module):
    """Causal by an explicit mask: its values are unknown on meta, so it is counted dense."""

    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Linear(16, 16)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        q = self.proj(x)
        return F.scaled_dot_product_attention(q, q, q, attn_mask=mask)


def test_an_explicit_mask_is_counted_dense() -> None:
    x, mask = torch.zeros(1, 8, 16), torch.zeros(8, 8, dtype=torch.bool)
    found = bottlecalc.scale(MaskedAttention(), x, kwargs={"mask": mask}, seq=(8,), seq_dim=1,
                             active=False)
    assert found.scaling is not None
    point = found.scaling.points[0]
    assert found.scaling.resized == ("x", "mask")  # every input with a dimension 1
    assert point.causal_skipped == 0
    assert point.attention == 2 * 8 * 8 * 16


def test_moe_active_parameters_are_router_shared_parts_and_k_experts() -> None:
    d, heads, vocab, ffn, experts, k = 32, 4, 100, 64, 8, 2
    with torch.device("meta"):
        model = DEC.MoE(d=d, heads=heads, vocab=vocab, ffn=ffn, experts=experts, k=k)
    found = bottlecalc.scale(model, ids(1, 4), seq=(3, 7, 10, 16))
    assert found.active is not None and found.scaling is not None
    shared = vocab * d + 4 * d * d + d * vocab  # embedding, attention, head
    expert = 3 * d * ffn
    assert found.active.params == shared + d * experts + experts * expert
    assert found.active.active == shared + d * experts + k * expert
    # one token: projections, attention over itself (2*d), router, k experts, head
    per_token = 4 * d * d + d * experts + k * expert + d * vocab
    assert found.active.macs == per_token + 2 * d
    # T tokens: each routed to k experts, whichever they are; attention 2*T*T*d (not causal)
    poly = found.scaling.dense.polynomial
    assert poly is not None and poly.coefficients == (0, per_token, 2 * d)
    assert found.scaling.dense.verified
    assert any("counted on a zero-filled CPU copy" in n for n in found.notes)


def test_inputs_without_a_known_name_need_seq_dim() -> None:
    with pytest.raises(SpecError, match="give --seq-dim N"):
        bottlecalc.scale(Cubic(), torch.zeros(1, 4, 8), seq=(2, 3))


def test_a_model_that_returns_no_cache_cannot_decode() -> None:
    with pytest.raises(SpecError, match="returned no cache"):
        bottlecalc.decode(Cubic(), torch.zeros(1, 4, 8), context=4, seq_dim=1)


def test_a_forward_too_big_for_the_cpu_fails_on_meta_by_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bottlecalc.measure import sequence

    monkeypatch.setattr(sequence, "CPU_MAX_WORK", 0)
    with torch.device("meta"):
        model = DEC.MoE(d=32, heads=4, vocab=100, ffn=64, experts=8, k=2)
    with pytest.raises(MeasureError, match="forward at T=4 of MoE failed on the meta device"):
        bottlecalc.scale(model, ids(1, 4), seq=(4,), active=False)


@pytest.mark.parametrize("bad", [{"seq": ()}, {"seq": (0, 1)}, {"seq": (2, 2)},
                                 {"seq": (1,), "seq_dim": -1}])
def test_bad_arguments_are_spec_errors(bad: dict[str, object]) -> None:
    with pytest.raises(SpecError):
        bottlecalc.scale(build("gpt2"), ids(1, 4), **bad)  # type: ignore[arg-type]


class GroupedExperts(nn.Module):
    """Experts through an op FlopCounterMode may have no formula for (``_grouped_mm``)."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.zeros(4, 16, 16))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        offsets = torch.tensor([2, 4, 6, 8], dtype=torch.int32, device=x.device)
        return torch._grouped_mm(x.reshape(-1, 16), self.w, offs=offsets)


def test_a_product_without_a_formula_is_unknown_not_zero(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """bottlecalc's registry has a formula for _grouped_mm; taken away (as in a torch and a
    bottlecalc that know none), the product is refused by name, never counted as 0."""
    from torch.utils.flop_counter import FlopCounterMode

    from bottlecalc.measure import forward, ops

    if torch.ops.aten._grouped_mm in FlopCounterMode().flop_registry:
        pytest.skip("this torch has its own formula for _grouped_mm")
    mapping = {op: f for op, f in ops.custom_mapping().items()
               if op is not torch.ops.aten._grouped_mm}
    monkeypatch.setattr(forward, "custom_mapping", lambda: mapping)
    monkeypatch.delitem(ops.OPS, "aten._grouped_mm")  # the one registry decides: no record
    with pytest.raises(MeasureError, match=r"no formula for aten._grouped_mm"):
        bottlecalc.scale(GroupedExperts(), torch.zeros(1, 8, 16), seq=(8,), seq_dim=1,
                         active=False)


def test_grouped_experts_given_rows_are_read() -> None:
    """_grouped_mm has a formula (bottlecalc's registry: a MAC per row, K and N). Its
    offsets here are fixed ([2, 4, 6, 8]): every expert gets rows, so every expert's
    weights are read, and no note is needed (the group sizes were real)."""
    from bottlecalc.measure.sequence import GROUPED

    found = bottlecalc.scale(GroupedExperts(), torch.zeros(1, 8, 16), seq=(8,), seq_dim=1)
    assert found.scaling is not None and found.active is not None
    assert found.scaling.points[0].macs == 8 * 16 * 16
    assert found.active.active == found.active.params == 4 * 16 * 16
    assert GROUPED not in found.notes


def test_a_grouped_moe_reads_only_the_experts_a_token_is_routed_to() -> None:
    """Mixtral's default experts (``_grouped_mm``, offsets from the router): one token is
    routed to TOP of EXPERTS experts, so it reads the router and TOP experts' gate_up and
    down weights: DIM x EXPERTS + TOP x (DIM x 2 HIDDEN + HIDDEN x DIM), its MACs too."""
    from tests.fixtures.experts import DIM, EXPERTS, HIDDEN, TOP, grouped_experts

    found = bottlecalc.scale(grouped_experts(), torch.zeros(1, 4, DIM, dtype=torch.bfloat16),
                             seq=(4,), seq_dim=1)
    per_expert = DIM * 2 * HIDDEN + HIDDEN * DIM
    assert found.active is not None
    assert found.active.params == DIM * EXPERTS + EXPERTS * per_expert
    assert found.active.active == DIM * EXPERTS + TOP * per_expert
    assert found.active.macs == DIM * EXPERTS + TOP * per_expert


def test_a_grouped_moe_too_big_for_a_cpu_copy_says_every_expert_is_counted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no CPU copy may be made, the group sizes stay unknown on meta: every expert
    is counted as read, and the note says so (never a silently low figure)."""
    from bottlecalc.measure import sequence
    from tests.fixtures.experts import DIM, EXPERTS, HIDDEN, grouped_experts

    monkeypatch.setattr(sequence, "CPU_MAX_WORK", 0)
    found = bottlecalc.scale(grouped_experts(), torch.zeros(1, 4, DIM, dtype=torch.bfloat16),
                             seq=(4,), seq_dim=1)
    assert found.active is not None
    assert found.active.active == DIM * EXPERTS + EXPERTS * (DIM * 2 * HIDDEN + HIDDEN * DIM)
    assert sequence.GROUPED in found.notes


@pytest.mark.parametrize("implementation", ["eager", "batched_mm", "grouped_mm"])
def test_transformers_mixtral_active_parameters_agree_for_every_experts_implementation(
        implementation: str) -> None:
    """One token of a small Mixtral reads its embedding row's table (conventionally whole),
    attention, the router, its top-k experts, the norms and the head, whichever way
    transformers runs the experts."""
    transformers = pytest.importorskip("transformers")
    vocab, dim, hidden, experts, top, kv = 100, 32, 64, 4, 2, 2
    config = transformers.MixtralConfig(
        vocab_size=vocab, hidden_size=dim, intermediate_size=hidden, num_hidden_layers=1,
        num_attention_heads=4, num_key_value_heads=kv, num_local_experts=experts,
        num_experts_per_tok=top, max_position_embeddings=64)
    config._experts_implementation = implementation
    model = transformers.MixtralForCausalLM(config)
    found = bottlecalc.scale(model, torch.zeros(1, 8, dtype=torch.long), seq=(8,))
    attention = dim * dim + 2 * dim * (dim // 4 * kv) + dim * dim  # q, k, v, o
    active = vocab * dim + attention + dim * experts + top * 3 * dim * hidden + 3 * dim \
        + vocab * dim
    assert found.active is not None
    assert found.active.active == active
