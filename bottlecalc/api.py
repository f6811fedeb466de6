"""Library entry points: specs in, :mod:`bottlecalc.results` out.

The analytic route always runs; the torch-side routes (instantiated, fvcore,
FlopCounterMode) run when ``measure=True`` and import torch only then.
"""

from __future__ import annotations

from bottlecalc.analytic import block_layers, count, network_layers
from bottlecalc.results import BlockResult, CompareResult, Measured, NetworkResult
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, NetworkSpec


def projection_note(spec: BlockSpec) -> str | None:
    """Why a block got a projection shortcut (the article's sample lacks one and crashes)."""
    if not spec.needs_projection:
        return None
    reasons = []
    if spec.in_channels != spec.out_channels:
        reasons.append(f"in {spec.in_channels} != out {spec.out_channels}")
    if spec.stride != 1:
        reasons.append(f"stride {spec.stride}")
    return (
        f"{spec.kind}: projection shortcut (1x1 conv{' + BN' if spec.bn else ''}, "
        f"stride {spec.stride}) added because {' and '.join(reasons)}: an identity "
        "shortcut could not be added to the output (the article's sample crashes here)"
    )


def block_result(
    spec: BlockSpec, shape: InputShape, *, measure: bool = True, cross_check: bool = False
) -> BlockResult:
    layers = block_layers(spec, shape)
    measured = Measured()
    if measure:
        from bottlecalc.measure import measure_block

        measured = measure_block(spec, shape, count(layers), cross_check=cross_check)
    return BlockResult(spec=spec, shape=shape, layers=layers, measured=measured)


def compare_blocks(
    specs: tuple[BlockSpec, ...],
    shape: InputShape,
    *,
    measure: bool = True,
    cross_check: bool = False,
) -> CompareResult:
    """Count each block by every route; the first block is the reference for ratios."""
    blocks = tuple(
        block_result(spec, shape, measure=measure, cross_check=cross_check) for spec in specs
    )
    notes = [note for spec in specs if (note := projection_note(spec))]
    groups = max(spec.groups for spec in specs)
    if groups > 1 and any(spec.kind is BlockKind.BASIC for spec in specs):
        notes.append(f"groups {groups} apply to the bottleneck's 3x3 conv only (ResNeXt); "
                     "the basic block's convs are dense")
    for block in blocks:
        notes.extend(f"{block.spec.kind}: {note}" for note in block.measured.notes)
    return CompareResult(
        blocks=blocks, shape=shape, measured=measure, cross_checked=cross_check,
        notes=tuple(notes),
    )


def network_result(
    spec: NetworkSpec, shape: InputShape, *, measure: bool = True, cross_check: bool = False
) -> NetworkResult:
    """Count a whole network analytically and, when ``measure``, by every torch route."""
    layers = network_layers(spec, shape)
    measured = Measured()
    if measure:
        from bottlecalc.measure import measure_network

        measured = measure_network(spec, shape, count(layers), cross_check=cross_check)
    return NetworkResult(name=spec.name, spec=spec, shape=shape, layers=layers,
                         measured=measured)
