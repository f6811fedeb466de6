"""``models/net.py:build`` in the docs: a project's model kept in a models/ directory."""

from __future__ import annotations

from torch import nn


def build() -> nn.Module:
    """Two convolutions, global average pooling and a linear head (any input size)."""
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )
