"""The models the docs' examples name (docs/ci.md, docs/cli.md, docs/network.md): small
stand-ins for a backbone, a detector, a tagger and a captioner, from torch.nn only.

Every factory takes no arguments and returns an ``nn.Module``; ``example_batch`` returns
the example inputs as a dict (keyword arguments of ``forward``).
"""

from __future__ import annotations

from itertools import pairwise

import torch
from torch import nn


def conv_bn(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    """3x3 convolution, BatchNorm, SiLU: the unit every model here is made of."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout),
                         nn.SiLU())


def build_net(classes: int = 10) -> nn.Module:
    """A small classifier: four stride-2 stages, global average pooling, a linear head."""
    widths = [3, 16, 32, 64, 128]
    stages = [conv_bn(a, b, 2) for a, b in pairwise(widths)]
    return nn.Sequential(*stages, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(widths[-1], classes))


class Detector(nn.Module):
    """A stride-32 detector (five stride-2 stages, like YOLO's backbone) with a 1x1 head
    giving, at every cell, 80 class scores and 4 box coordinates."""

    def __init__(self, classes: int = 80) -> None:
        super().__init__()
        widths = [3, 16, 32, 64, 128, 256]
        self.backbone = nn.Sequential(*[conv_bn(a, b, 2) for a, b in
                                        pairwise(widths)])
        self.head = nn.Conv2d(widths[-1], classes + 4, 1)
        self.stride = 32  # an input side must be a multiple of it

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(images))  # type: ignore[no-any-return]


def build_detector() -> nn.Module:
    return Detector()


class Tagger(nn.Module):
    """A token tagger: embeddings, one transformer encoder layer, a tag per token. It takes
    token ids and a padding mask (1 where a token is padding), both int64."""

    def __init__(self, vocab: int = 1000, dim: int = 64, tags: int = 10) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        layer = nn.TransformerEncoderLayer(dim, 4, 2 * dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.tags = nn.Linear(dim, tags)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(self.embed(input_ids), src_key_padding_mask=attention_mask.bool())
        return self.tags(hidden)  # type: ignore[no-any-return]


def build_tagger() -> nn.Module:
    return Tagger()


class Captioner(nn.Module):
    """Image to caption logits: a convolutional encoder, pooled, then a word distribution
    for each of 16 caption positions."""

    def __init__(self, vocab: int = 1000, words: int = 16) -> None:
        super().__init__()
        self.encoder = nn.Sequential(conv_bn(3, 16, 2), conv_bn(16, 32, 2), conv_bn(32, 64, 2),
                                     nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.words = words
        self.decoder = nn.Linear(64, words * vocab)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        logits = self.decoder(self.encoder(images))
        return logits.view(images.shape[0], self.words, -1)  # type: ignore[no-any-return]


def build_captioner() -> nn.Module:
    return Captioner()


def example_batch() -> dict[str, torch.Tensor]:
    """What a data loader would give the model: a batch of one 224x224 image."""
    return {"images": torch.zeros(1, 3, 224, 224)}


def build_decoder() -> nn.Module:
    """A causal language model that returns its KV cache (docs/ci.md's "chat" budget): the
    small transformers Llama of models.py (needs transformers)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    return LlamaForCausalLM(LlamaConfig(num_hidden_layers=2, hidden_size=128,
                                        intermediate_size=256, num_attention_heads=4,
                                        num_key_value_heads=2, vocab_size=1000,
                                        max_position_embeddings=8192))
