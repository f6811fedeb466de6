"""Users' inputs: never changed, recorded in full, read on meta where bottlecalc knows them.

The models (tests/fixtures/user_inputs.py) reproduce the libraries' patterns with torch.nn:
a KV cache that grows in place, ``.item()`` on an attention mask, strides computed with a
dummy forward in ``__init__``. Every expected count is written here from the shapes:
a Linear(i, o) on n rows is n*i*o MACs; QK^T over L cached keys is n*D*L, and AV as much.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch import nn

import bottlecalc
from bottlecalc.errors import MeasureError, SpecError
from bottlecalc.measure.known import KnownValues
from bottlecalc.measure.subject import Inputs
from tests.fixtures import user_inputs

FIXTURE = Path(__file__).parent.parent / "fixtures" / "user_inputs.py"
D = 8
CACHED = 127


fx = user_inputs


def decoder_macs(tokens: int, cached: int) -> int:
    """q, k, v projections on the new tokens; QK^T and AV over the cache and them."""
    keys = cached + tokens
    return 3 * tokens * D * D + 2 * tokens * D * keys


def cache(length: int = CACHED) -> object:
    torch.manual_seed(0)
    return fx.Cache(torch.randn(1, length, D), torch.randn(1, length, D))


def test_the_formula_is_the_model() -> None:
    """The hand formula against the model run by hand (FlopCounterMode on real tensors)."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        fx.Decoder()(torch.zeros(1, 2, dtype=torch.long), cache())
    assert counter.get_total_flops() == 2 * decoder_macs(2, CACHED)


@pytest.mark.parametrize("read_weights", [False, True], ids=["meta", "cpu"])
def test_a_cache_is_left_as_it_was(read_weights: bool) -> None:
    kv = cache()
    keys, values = kv.layers[0].keys.clone(), kv.layers[0].values.clone()
    ids = torch.zeros(1, 2, dtype=torch.long)
    found = bottlecalc.count(fx.Decoder(read_weights), ids, kwargs={"cache": kv})
    assert kv.length() == CACHED
    assert torch.equal(kv.layers[0].keys, keys)
    assert torch.equal(kv.layers[0].values, values)
    assert found.macs == decoder_macs(2, CACHED)


def test_the_data_dependence_probe_compares_like_with_like() -> None:
    """On the CPU the forward runs twice; the second sees a fresh 127-token cache, so the
    count does not change and no false 'depends on input values' warning follows."""
    found = bottlecalc.count(fx.Decoder(read_weights=True), torch.zeros(1, 2, dtype=torch.long),
                             kwargs={"cache": cache()})
    assert any(n.startswith("counted on the CPU") for n in found.notes)
    assert not any("depends on input values" in w for w in found.warnings)


def test_the_inputs_list_records_keywords_and_caches() -> None:
    found = bottlecalc.count(fx.Decoder(), torch.zeros(1, 2, dtype=torch.long),
                             kwargs={"cache": cache()})
    listed = {name: (t.shape, t.dtype) for name, t in found.inputs}
    assert listed == {"0": ((1, 2), "int64"),
                      "cache.layers[0].keys": ((1, CACHED, D), "float32"),
                      "cache.layers[0].values": ((1, CACHED, D), "float32")}
    document = found.to_dict()["networks"][0]["inputs"]
    assert document[1] == {"name": "cache.layers[0].keys", "shape": [1, CACHED, D],
                           "dtype": "float32"}


def test_a_tensor_input_changed_in_place_is_left_as_it_was() -> None:
    class Doubler(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x.mul_(2)  # in place, on the caller's tensor if it were given as it is
            return self.fc(x)

    x = torch.ones(1, 4)
    bottlecalc.count(Doubler(), x)
    assert torch.equal(x, torch.ones(1, 4))


def test_fvcore_is_skipped_with_a_note_when_the_output_holds_a_cache() -> None:
    found = bottlecalc.count(fx.Decoder(), torch.zeros(1, 2, dtype=torch.long),
                             kwargs={"cache": cache()})
    assert found.routes.fvcore is None
    assert ("fvcore not run: the forward's output holds an object of type Cache, which "
            "torch.jit cannot trace; FlopCounterMode measured on the meta device") in found.notes
    assert not any("could not trace" in n for n in found.notes)


def test_fvcore_false_stays() -> None:
    found = bottlecalc.count(nn.Linear(16, 4), torch.zeros(2, 16), fvcore=False)
    assert found.routes.fvcore is None
    assert found.macs == 2 * 16 * 4


# --- values read on meta -------------------------------------------------------------------

def test_a_mask_read_with_item_is_answered_on_meta_from_the_zeros_bottlecalc_made() -> None:
    """input_shape makes zeros: the mask's .any() and .item() are known, so the forward
    runs on meta (zeros: the mask branch runs, the extra Linear does not)."""
    found = bottlecalc.count(fx.Masked(), input_shape=["1,16:int64"],
                             kwargs={"attention_mask": torch.zeros(1, 16, dtype=torch.long)})
    assert found.result.measured.torch_device == "meta"
    assert found.macs == 16 * D * D
    assert any(".item()/bool() x2" in n and "known values" in n for n in found.notes)


def test_a_mask_given_by_the_user_is_read_as_given() -> None:
    ones = torch.ones(1, 16, dtype=torch.long)
    found = bottlecalc.count(fx.Masked(), torch.zeros(1, 16, dtype=torch.long),
                             kwargs={"attention_mask": ones})
    assert found.result.measured.torch_device == "meta"
    assert found.macs == 2 * 16 * D * D  # sum > 0: the extra Linear runs too


def test_a_training_step_reads_the_known_values_too() -> None:
    """Both Linears run (the mask attends): forward 2 x 2*16*8*8 FLOPs; backward a weight
    gradient for each and an input gradient for each (the embedding before them trains):
    twice the forward again."""
    ones = torch.ones(1, 16, dtype=torch.long)
    found = bottlecalc.count(fx.Masked(), torch.zeros(1, 16, dtype=torch.long),
                             kwargs={"attention_mask": ones}, pass_="train", fvcore=False)
    forward = 2 * (2 * 16 * D * D)
    assert found.train_flops == 3 * forward


def test_a_count_that_depends_on_the_known_values_is_flagged() -> None:
    found = bottlecalc.count(fx.Masked(), torch.zeros(1, 16, dtype=torch.long),
                             kwargs={"attention_mask": torch.zeros(1, 16, dtype=torch.long)})
    assert any("depends on input values" in w for w in found.warnings)


def test_an_unknown_write_into_a_known_tensor_forgets_it() -> None:
    """mask += a parameter (no value on meta): the mask is no longer known, so the read
    fails on meta and the model is counted on the CPU, never guessed."""
    found = bottlecalc.count(fx.Poisoned(), torch.zeros(1, D),
                             kwargs={"attention_mask": torch.ones(1, D)})
    assert found.result.measured.torch_device == "cpu"
    assert any(n.startswith("counted on the CPU") for n in found.notes)
    assert found.macs == D * D


def test_random_and_uninitialised_values_are_never_known() -> None:
    meta = torch.empty(3, device="meta")
    with KnownValues([(meta, torch.zeros(3))]), pytest.raises(Exception, match="meta"):
        torch.rand(1, device="meta").item()
    with KnownValues([(meta, torch.zeros(3))]), pytest.raises(Exception, match="meta"):
        torch.empty(1, device="meta").item()
    with KnownValues([(meta, torch.zeros(3))]):
        assert (meta + 2).sum().item() == 6
        assert torch.arange(4, device="meta").sum().item() == 6


def test_strides_computed_in_init_build_and_count_on_meta() -> None:
    from bottlecalc.measure.pipeline import Plan, measure
    from bottlecalc.measure.subject import Subject, zeros_of
    from bottlecalc.spec import TensorSpec

    model = fx.strided()  # stride 4 (two stride-2 convs), and the bias computed from it
    assert model.head.bias[0].item() == pytest.approx(math.log(8 / (640 / 4) ** 2))

    feed = (TensorSpec((1, 3, 32, 32)),)
    subject = Subject(name="strided", make=lambda device: _on(device), inputs=zeros_of(feed),
                      feed=feed)
    found = measure(subject, Plan(complete=True, fvcore=False))
    assert found.torch_device == "meta"
    # the strides are a tensor made from numbers on meta: its value is known to the build
    assert not any("CPU" in note for note in found.notes)
    # 3x3 convs to 16x16 and 8x8 (bias), then the 1x1 head on 8x8
    assert found.macs == 16 * 16 * D * 3 * 9 + 8 * 8 * D * D * 9 + 8 * 8 * 4 * D


def _on(device: str, kind: type[nn.Module] = fx.Strided) -> nn.Module:
    with torch.device(device):
        return kind()


def test_a_model_built_on_the_cpu_is_refused_when_its_activations_would_not_fit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its weights are already built; the refusal counts the activations and inputs only:
    5 fp32 tensors of the largest output reached on the meta copy (1x8x16x16), and the
    1x3x32x32 input."""
    from bottlecalc.measure.pipeline import Plan, measure
    from bottlecalc.measure.subject import Subject, zeros_of
    from bottlecalc.spec import TensorSpec

    monkeypatch.setattr("bottlecalc.measure.timing.available_bytes", lambda device: 1000)
    feed = (TensorSpec((1, 3, 32, 32)),)
    subject = Subject(name="reader", make=lambda device: _on(device, fx.StridedReader),
                      inputs=zeros_of(feed), feed=feed)
    with pytest.raises(SpecError) as caught:
        measure(subject, Plan(complete=True, fvcore=False))
    need = 4 * 3 * 32 * 32  # nothing reached before the weights are read
    assert f"would take at least {need / 2**30:,.1f} GiB where 0.0 GiB are free" \
        in str(caught.value)


# --- what does not fit, and dtypes torch refuses to mix -----------------------------------

def test_a_fallback_that_would_not_fit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bottlecalc.measure.timing.available_bytes", lambda device: 1000)
    with torch.device("meta"):
        model = fx.Decoder(read_weights=True)
    weights = 4 * (fx.VOCAB * D + 3 * D * D)  # the embedding and three projections
    with pytest.raises(SpecError) as caught:
        bottlecalc.count(model, torch.zeros(1, 2, dtype=torch.long))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("Decoder cannot run on the meta device (")
    assert "cannot be called on meta tensors" in message
    assert f"({weights / 2**30:,.1f} GiB of weights)" in message
    assert "0.0 GiB are free" in message


def test_a_fallback_that_fits_says_why() -> None:
    found = bottlecalc.count(fx.Decoder(read_weights=True), torch.zeros(1, 2, dtype=torch.long))
    [note] = [n for n in found.notes if n.startswith("counted on the CPU")]
    assert "the forward failed on the meta device (" in note
    assert found.macs == decoder_macs(2, 0)


@pytest.mark.parametrize(("model", "given", "want"), [
    (fx.half_linear, torch.float32, "float16"),
    (fx.half_linear, torch.float64, "float16"),
    (fx.linear, torch.float64, "float32"),
])
def test_a_floating_input_in_another_dtype_than_the_weights_is_refused(
        model: object, given: torch.dtype, want: str) -> None:
    name = str(given).removeprefix("torch.")
    with pytest.raises(SpecError) as caught:
        bottlecalc.count(model(), torch.zeros(2, 16, dtype=given))  # type: ignore[operator]
    assert str(caught.value) == (
        f"input 0 (2x16{'' if name == 'float32' else ':' + name}) is {name} but the Linear it "
        f"reaches has {want} weights, which torch refuses to mix: give the input as {want} "
        f"(--input 2,16:{want})")


def test_the_same_model_in_its_own_dtype_is_counted() -> None:
    found = bottlecalc.count(fx.half_linear(), torch.zeros(2, 16, dtype=torch.float16),
                             fvcore=False)
    assert found.macs == 2 * 16 * 4


def test_inputs_that_cannot_be_copied_are_one_clear_error() -> None:
    class Uncopyable:
        def __deepcopy__(self, memo: object) -> None:
            raise TypeError("no copies")

    with pytest.raises(MeasureError, match="cannot be copied"):
        Inputs((torch.zeros(1),), {"state": Uncopyable()}).to("meta")


# --- the library itself, where it installs -------------------------------------------------

def test_a_transformers_cache_and_mask_on_meta() -> None:
    """A tiny Llama from its config: its DynamicCache keeps its 127 tokens, and the count is
    made on meta with the mask given; per layer q and o 2*64*64, k and v 2*64*32 (2 KV
    heads of 16), QK^T and AV 2 x 4 heads x 2 tokens x 129 keys x 16, the MLP 3*2*64*128;
    the LM head 2*64*1000."""
    transformers = pytest.importorskip("transformers")
    import inspect

    config = transformers.LlamaConfig(vocab_size=1000, hidden_size=64, intermediate_size=128,
                                      num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2)
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(config)
    with torch.no_grad():
        kv = model(torch.zeros(1, CACHED, dtype=torch.long), use_cache=True).past_key_values
    name = "cache" if "cache" in inspect.signature(model.forward).parameters \
        else "past_key_values"
    mask = torch.ones(1, CACHED + 2, dtype=torch.long)
    found = bottlecalc.count(model, torch.zeros(1, 2, dtype=torch.long),
                             kwargs={name: kv, "attention_mask": mask})
    assert kv.get_seq_length() == CACHED
    layer = 2 * 2 * 64 * 64 + 2 * 2 * 64 * 32 + 2 * 4 * 2 * (CACHED + 2) * 16 + 3 * 2 * 64 * 128
    assert found.macs == 2 * layer + 2 * 64 * 1000
    assert found.result.measured.torch_device == "meta"
    assert any("DynamicCache" in n and n.startswith("fvcore not run") for n in found.notes)


def test_keyword_shapes_in_the_api() -> None:
    found = bottlecalc.count(fx.Masked(), input_shape=["input_ids=1,16:int64",
                                                       "attention_mask=1,16:int64"])
    assert [name for name, _ in found.inputs] == ["input_ids", "attention_mask"]
    assert found.macs == 16 * D * D


def test_a_keyword_the_forward_does_not_take_names_its_signature() -> None:
    with pytest.raises(SpecError, match=r"keyword input 'mask' is not a parameter of "
                                        r"Masked\.forward\(input_ids"):
        bottlecalc.count(fx.Masked(), torch.zeros(1, 4, dtype=torch.long),
                         kwargs={"mask": torch.ones(1, 4)})
    with pytest.raises(SpecError, match="'input_ids' given in both input_shape and kwargs"):
        bottlecalc.count(fx.Masked(), input_shape=["input_ids=1,16:int64"],
                         kwargs={"input_ids": torch.ones(1, 4)})


def test_a_real_tensor_is_never_written_by_computing_known_values() -> None:
    """A real tensor written with a meta value (torch leaves it as it is): computing the op
    on the values would add them into it, so it is not computed."""
    real = torch.zeros(3)
    meta = torch.ones(3, device="meta")
    with KnownValues([(meta, torch.ones(3))]):
        real.add_(meta)
    assert torch.equal(real, torch.zeros(3))
