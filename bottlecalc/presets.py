"""The ResNet family as torchvision defines it: stage tables, data only. No torch here.

Each entry mirrors a torchvision constructor (``torchvision.models.resnet``): the block
kind, blocks per stage, and the ResNeXt / Wide ResNet width arguments (``groups``,
``width_per_group``). Every count is derived from these by :mod:`bottlecalc.analytic`.
"""

from __future__ import annotations

from dataclasses import replace

from bottlecalc.errors import SpecError
from bottlecalc.spec import BlockKind, NetworkSpec, StrideOn

_B, _N = BlockKind.BASIC, BlockKind.BOTTLENECK


PRESETS: dict[str, NetworkSpec] = {spec.name: spec for spec in (
    NetworkSpec("resnet18", _B, (2, 2, 2, 2)),
    NetworkSpec("resnet34", _B, (3, 4, 6, 3)),
    NetworkSpec("resnet50", _N, (3, 4, 6, 3)),
    NetworkSpec("resnet101", _N, (3, 4, 23, 3)),
    NetworkSpec("resnet152", _N, (3, 8, 36, 3)),
    NetworkSpec("resnext50_32x4d", _N, (3, 4, 6, 3), groups=32, width_per_group=4),
    NetworkSpec("resnext101_32x8d", _N, (3, 4, 23, 3), groups=32, width_per_group=8),
    NetworkSpec("resnext101_64x4d", _N, (3, 4, 23, 3), groups=64, width_per_group=4),
    # Wide ResNet-50-2: torchvision passes width_per_group = 64 * 2.
    NetworkSpec("wide_resnet50_2", _N, (3, 4, 6, 3), width_per_group=128),
    NetworkSpec("wide_resnet101_2", _N, (3, 4, 23, 3), width_per_group=128),
)}


def suggest(name: str, choices: list[str]) -> str:
    """'; did you mean 'resnet50'?' for the closest choice, or '' when nothing is close."""
    import difflib  # only for a name that is not known: it costs every start-up otherwise

    close = difflib.get_close_matches(name, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; choose from {', '.join(choices)}"


def get_preset(name: str, *, variant: StrideOn = StrideOn.CONV3X3,
               num_classes: int = 1000) -> NetworkSpec:
    """The named preset with the stride placement and classifier size asked for."""
    key = name.strip().lower()
    if key not in PRESETS:
        raise SpecError(f"unknown network {name!r}{suggest(key, list(PRESETS))}")
    return replace(PRESETS[key], stride_on=variant, num_classes=num_classes)
