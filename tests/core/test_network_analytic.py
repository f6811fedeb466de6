"""Whole networks, analytically: published figures, torchvision's module paths, stage sums.

Every expected number here comes from outside bottlecalc: torchvision's model docs
(parameters and "GFLOPS"), the ResNet paper's Table 1, or a formula written in the test.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from bottlecalc.analytic import DType, Op, count, network_layers, traffic
from bottlecalc.breakdown import Depth, ModelResult, ModuleRow, NetworkReport, layer_rows
from bottlecalc.errors import SpecError
from bottlecalc.presets import PRESETS, get_preset
from bottlecalc.results import Measured, analytic_result
from bottlecalc.spec import BlockKind, InputShape, NetworkSpec, StrideOn

IMAGENET = InputShape(224, 224)

# torchvision.models docs: (num_params, GFLOPS as printed). Their "GFLOPS" are
# conv + linear multiply-accumulates / 1e9, at 224x224.
TORCHVISION = {
    "resnet18": (11_689_512, "1.814"),
    "resnet34": (21_797_672, "3.664"),
    "resnet50": (25_557_032, "4.089"),
    "resnet101": (44_549_160, "7.801"),
    "resnet152": (60_192_808, "11.514"),
    "resnext50_32x4d": (25_028_904, "4.23"),
    "resnext101_32x8d": (88_791_336, "16.41"),
    "resnext101_64x4d": (83_455_272, "15.46"),
    "wide_resnet50_2": (68_883_240, "11.398"),
    "wide_resnet101_2": (126_886_696, "22.75"),
}

# He et al. 2016, Table 1: multiply-adds (x 10^9), stride on the first 1x1 (v1).
PAPER = {"resnet18": 1.8, "resnet34": 3.6, "resnet50": 3.8, "resnet101": 7.6, "resnet152": 11.3}


def gmacs(name: str, variant: StrideOn = StrideOn.CONV3X3) -> float:
    return count(network_layers(get_preset(name, variant=variant), IMAGENET)).macs / 1e9


def test_every_torchvision_resnet_is_a_preset() -> None:
    assert sorted(PRESETS) == sorted(TORCHVISION)


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_parameters_match_torchvision(name: str) -> None:
    params, _ = TORCHVISION[name]
    for variant in StrideOn:
        assert count(network_layers(get_preset(name, variant=variant), IMAGENET)).total == params


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_gflops_match_torchvision_at_published_precision(name: str) -> None:
    _, published = TORCHVISION[name]
    digits = len(published.split(".")[1])
    assert f"{gmacs(name):.{digits}f}" == published


@pytest.mark.parametrize("name", sorted(PAPER))
def test_v1_is_within_a_tenth_of_the_paper(name: str) -> None:
    assert abs(gmacs(name, StrideOn.CONV1X1) - PAPER[name]) < 0.1


def test_stride_placement_moves_macs_not_parameters_in_bottlenecks_only() -> None:
    assert gmacs("resnet18", StrideOn.CONV1X1) == gmacs("resnet18")
    # resnet50 v1.5 - v1, by hand: only the first block of stages 2-4 differs. With the
    # stride on the 3x3 (v1.5) the 1x1 reduce runs at full resolution and the 3x3 at half;
    # on the 1x1 (v1) both run at half. Difference = the 1x1 at full minus at half size.
    extra = 0
    for planes, cin, h in ((128, 256, 56), (256, 512, 28), (512, 1024, 14)):
        one_by_one = cin * planes
        three_by_three = 9 * planes * planes
        v15 = one_by_one * h * h + three_by_three * (h // 2) ** 2
        v1 = (one_by_one + three_by_three) * (h // 2) ** 2
        extra += v15 - v1
    diff = gmacs("resnet50") - gmacs("resnet50", StrideOn.CONV1X1)
    assert round(diff * 1e9) == extra


def torchvision_paths(layers: tuple[int, ...], convs: int) -> list[str]:
    """Module paths of torchvision's conv/bn/fc modules, written out from its source."""
    paths = ["conv1", "bn1"]
    for stage, depth in enumerate(layers, start=1):
        for j in range(depth):
            for k in range(1, convs + 1):
                paths += [f"layer{stage}.{j}.conv{k}", f"layer{stage}.{j}.bn{k}"]
            if j == 0 and (stage > 1 or convs == 3):
                paths += [f"layer{stage}.0.downsample.0", f"layer{stage}.0.downsample.1"]
    return [*paths, "fc"]


@pytest.mark.parametrize(("name", "convs"), [("resnet18", 2), ("resnet50", 3)])
def test_layer_names_are_torchvision_module_paths(name: str, convs: int) -> None:
    spec = get_preset(name)
    rows = network_layers(spec, IMAGENET)
    weighted = [r.name for r in rows if r.op in (Op.CONV, Op.BN, Op.LINEAR)]
    assert sorted(weighted) == sorted(torchvision_paths(spec.layers, convs))
    assert [r.name for r in rows[:4]] == ["conv1", "bn1", "relu", "maxpool"]
    assert [r.name for r in rows[-2:]] == ["avgpool", "fc"]


def test_resnet18_shapes_and_stem_by_hand() -> None:
    rows = {r.name: r for r in network_layers(get_preset("resnet18"), InputShape(224, 224))}
    assert rows["conv1"].out_shape == (1, 64, 112, 112)
    assert rows["conv1"].macs == 7 * 7 * 3 * 64 * 112 * 112
    assert rows["maxpool"].out_shape == (1, 64, 56, 56)
    assert rows["layer4.1.conv2"].out_shape == (1, 512, 7, 7)
    assert rows["fc"].params == 512 * 1000 + 1000
    assert rows["avgpool"].fvcore == 512 * 7 * 7


@pytest.mark.parametrize("depth", list(Depth))
@pytest.mark.parametrize("name", ["resnet34", "resnext50_32x4d"])
def test_rows_sum_to_the_total_at_every_depth(name: str, depth: Depth) -> None:
    layers = network_layers(get_preset(name), IMAGENET)
    total = count(layers)
    rows = layer_rows(layers, depth)
    assert sum(r.counts.total for r in rows) == total.total
    assert sum(r.counts.macs for r in rows) == total.macs
    assert sum(r.counts.fvcore for r in rows) == total.fvcore
    assert sum(r.counts.buffers for r in rows) == total.buffers


def test_a_network_report_holds_presets_or_one_model() -> None:
    """One report type for both subjects: presets' rows come from their layers, and a
    report holds one kind of subject, never none or both."""
    result = analytic_result(get_preset("resnet18"), IMAGENET)
    report = NetworkReport((result,), depth=Depth.BLOCK)
    assert [r.name for r in report.rows(result)][:3] == ["stem", "layer1.0", "layer1.1"]
    with pytest.raises(ValueError, match="holds no model"):
        report.result  # noqa: B018 (a report of presets: asking for its model raises)
    with pytest.raises(ValueError, match="presets or one model"):
        NetworkReport()
    with pytest.raises(ValueError, match="presets or one model"):
        NetworkReport((result,), model=ModelResult("net", Measured()))


def test_stage_rows_are_stem_stages_head() -> None:
    stages = layer_rows(analytic_result(get_preset("resnet50"), IMAGENET).layers, Depth.STAGE)
    assert [g.name for g in stages] == ["stem", "layer1", "layer2", "layer3", "layer4", "head"]
    # stage 1 of resnet50 by hand: block 0 has the 64->256 projection, all three blocks
    # have 1x1 (cin->64), 3x3 64->64, 1x1 64->256, each with BN.
    conv = (64 * 64 + 9 * 64 * 64 + 64 * 256) + 2 * (256 * 64 + 9 * 64 * 64 + 64 * 256)
    bn = 3 * 2 * (64 + 64 + 256)
    projection = 64 * 256 + 2 * 256
    assert stages[1].counts.total == conv + bn + projection


def test_block_rows_are_module_path_prefixes_of_two_parts() -> None:
    rows = layer_rows(network_layers(get_preset("resnet34"), IMAGENET), Depth.BLOCK)
    blocks = [f"layer{stage}.{i}" for stage, n in enumerate((3, 4, 6, 3), 1) for i in range(n)]
    assert [r.name for r in rows] == ["stem", *blocks, "head"]
    # layer1.0 of resnet34 by hand: two 3x3 64->64 convs, each with BN, no projection
    assert rows[1].counts.total == rows[1].params == 2 * (9 * 64 * 64 + 2 * 64)
    assert rows[1].kind == "" and rows[1].layer is None and rows[1].fvcore is None


def test_layer_rows_carry_their_one_layer() -> None:
    layers = network_layers(get_preset("resnet18"), IMAGENET)
    rows = layer_rows(layers, Depth.LAYER)
    assert len(rows) == len(layers)  # a ReLU module called twice in a block: two rows
    first = rows[0]
    assert (first.name, first.kind, first.layer) == ("conv1", "conv", layers[0])
    assert first.macs == 7 * 7 * 3 * 64 * 112 * 112
    assert first.traffic(DType.FLOAT16).weight_bytes == 2 * 7 * 7 * 3 * 64


def test_a_model_row_has_no_closed_form() -> None:
    with pytest.raises(ValueError, match="no closed form"):
        _ = ModuleRow("encoder", "Linear", 10, 20, None).counts


def test_traffic_of_one_conv_by_hand() -> None:
    conv1 = network_layers(get_preset("resnet18"), IMAGENET)[0]
    t = traffic([conv1], DType.FLOAT16)
    assert t.weight_bytes == 2 * 7 * 7 * 3 * 64
    assert t.input_bytes == 2 * 3 * 224 * 224
    assert t.output_bytes == 2 * 64 * 112 * 112
    assert t.intensity == (7 * 7 * 3 * 64 * 112 * 112) / (2 * (9408 + 150528 + 802816))


def test_num_classes_and_batch_scale_the_head_and_macs() -> None:
    ten = count(network_layers(get_preset("resnet18", num_classes=10), IMAGENET))
    assert ten.total == 11_689_512 - 512 * 990 - 990
    one = count(network_layers(get_preset("resnet18"), IMAGENET))
    two = count(network_layers(get_preset("resnet18"), InputShape(224, 224, batch=2)))
    assert two.macs == 2 * one.macs
    assert two.total == one.total


def test_unknown_preset_suggests_the_closest_name() -> None:
    with pytest.raises(SpecError) as err:
        get_preset("resnet5")
    assert str(err.value) == "unknown network 'resnet5'; did you mean 'resnet50'?"


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"width": 8, "width_per_group": 4}, "--width-per-group"),
        ({"layers": ()}, "--layers"),
        ({"layers": (3, 0)}, "--layers"),
        ({"layers": (1,) * 30}, "--layers"),
        ({"block": BlockKind.BASIC, "groups": 32}, "--groups"),
    ],
)
def test_bad_custom_networks_name_the_option(changes: dict[str, object], option: str) -> None:
    base = NetworkSpec(name="custom", block=BlockKind.BOTTLENECK, layers=(3, 4, 6, 3))
    with pytest.raises(SpecError, match=option):
        replace(base, **changes)  # type: ignore[arg-type]


def test_presets_and_results_stay_torch_free() -> None:
    code = (
        "import sys, bottlecalc.presets, bottlecalc.results, bottlecalc.api;"
        "assert not {'torch', 'fvcore', 'rich', 'click'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
