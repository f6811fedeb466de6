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
