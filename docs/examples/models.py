"""A file of models, named ``models.py:<callable>`` in the docs (a path, not a package):
``build``, ``vit``, ``encoder``, and the ``mypkg`` models under the docs' shorter names.

Run the docs' commands from this directory (docs/examples/).
"""

from __future__ import annotations

import torch
from mypkg.models import build_captioner as captioner  # noqa: F401  (named in the docs)
from mypkg.models import build_detector as detector  # noqa: F401
from mypkg.models import build_net, example_batch  # noqa: F401
from mypkg.models import build_tagger as tagger  # noqa: F401
from torch import nn


def build() -> nn.Module:
    """Your model: a small classifier for any input size (global pooling before the head)."""
    return build_net()


class ViT(nn.Module):
    """A small vision transformer: 16x16 patches, a class token, position embeddings,
    two encoder layers of 4 heads, a linear head (input 1x3x224x224: 197 tokens)."""

    def __init__(self, size: int = 224, patch: int = 16, dim: int = 64, depth: int = 2,
                 classes: int = 10) -> None:
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.zeros(1, (size // patch) ** 2 + 1, dim))
        layer = nn.TransformerEncoderLayer(dim, 4, 2 * dim, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.head = nn.Linear(dim, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.encoder(x)[:, 0])  # type: ignore[no-any-return]


def vit() -> nn.Module:
    return ViT()


class Encoder(nn.Module):
    """A text encoder for token ids (int64): embeddings and two transformer layers."""

    def __init__(self, vocab: int = 1000, dim: int = 64) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        layer = nn.TransformerEncoderLayer(dim, 4, 2 * dim, batch_first=True)
        self.layers = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.layers(self.embed(ids))  # type: ignore[no-any-return]


def encoder() -> nn.Module:
    return Encoder()


def gpt2() -> nn.Module:
    """A small GPT-2 from transformers (2 layers, 128 wide, 4 heads; vocabulary 1000) for
    docs/sequence-models.md's commands: a causal language model returning its KV cache."""
    from transformers import GPT2Config, GPT2LMHeadModel

    return GPT2LMHeadModel(GPT2Config(n_layer=2, n_embd=128, n_head=4, vocab_size=1000,
                                      n_positions=8192, bos_token_id=999, eos_token_id=999))


gpt = gpt2  # docs/network.md's name for it


def llama() -> nn.Module:
    """A small Llama from transformers (2 layers, 128 wide, 4 heads sharing 2 key/value
    heads: grouped-query attention; vocabulary 1000)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    return LlamaForCausalLM(LlamaConfig(num_hidden_layers=2, hidden_size=128,
                                        intermediate_size=256, num_attention_heads=4,
                                        num_key_value_heads=2, vocab_size=1000,
                                        max_position_embeddings=8192))
