"""``bottlecalc.count(model, x, seq=[...])`` (issue 18.1): the count at the given input, and
the counts at every length with the exact polynomial, from a formula written here for the
GPT-2-shaped decoder of tests/fixtures/decoders.py (see tests/torch/test_sequence.py)."""

from __future__ import annotations

import pytest

import bottlecalc
from bottlecalc.errors import SpecError
from tests.torch.test_sequence import LENGTHS, SHAPES, build, ids, linear_per_token


def test_count_with_seq_fits_the_hand_polynomial() -> None:
    layers, d = SHAPES["gpt2"][:2]
    batch, length = 2, 8
    counted = bottlecalc.count(build("gpt2"), ids(batch, length), seq=LENGTHS, fvcore=False)
    attention = 2 * layers * length * length * d  # QK^T and AV, per sequence
    assert counted.macs == batch * (length * linear_per_token("gpt2") + attention)
    assert counted.sequence is not None and counted.sequence.scaling is not None
    dense = counted.sequence.scaling.dense
    assert dense.polynomial is not None
    assert dense.polynomial.coefficients == (0, batch * linear_per_token("gpt2"),
                                             batch * 2 * layers * d)
    assert dense.verified_at == LENGTHS[3:]
    assert counted.sequence.params == counted.params


def test_count_without_seq_has_no_sequence() -> None:
    assert bottlecalc.count(build("gpt2"), ids(1, 4), fvcore=False).sequence is None


@pytest.mark.parametrize("seq", ["128,512", 128, [0, 4, 8], [4, 4, 8]])
def test_bad_lengths_are_refused_before_counting(seq: object) -> None:
    with pytest.raises(SpecError, match="seq"):
        bottlecalc.count(build("gpt2"), ids(1, 4), seq=seq)  # type: ignore[arg-type]


def test_sequence_reports_give_trainable_beside_total_params() -> None:
    model = build("gpt2", device="cpu")
    model.blocks.requires_grad_(False)
    want = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert 0 < want < sum(p.numel() for p in model.parameters())
    found = bottlecalc.scale(model, ids(1, 8), seq=(8, 16), active=False)
    assert found.trainable == want
    assert bottlecalc.decode(model, ids(1, 8), context=4).trainable == want
