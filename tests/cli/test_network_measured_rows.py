"""``network PRESET --cross-check``: every row carries what the complete count found in its
modules beside the closed form, and a row whose closed form is wrong is marked ✗ with the
measured value. Expected figures are resnet18's convolutions written out here."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

import bottlecalc.results
from bottlecalc.analytic import Layer
from bottlecalc.cli import cli
from bottlecalc.report.jsondoc import schema_file
from bottlecalc.spec import BlockSpec, InputShape, NetworkSpec

SCHEMA = json.loads((Path(bottlecalc.results.__file__).parent / "schemas"
                     / schema_file("network")).read_text(encoding="utf-8"))
FAST = ("resnet18", "--cross-check", "--no-fvcore")


def conv(cin: int, cout: int, kernel: int, side: int) -> tuple[int, int]:
    """A bias-free conv's (parameters, MACs) at an output of side x side."""
    return cin * cout * kernel * kernel, side * side * cout * cin * kernel * kernel


def bn(channels: int) -> tuple[int, int]:
    return 2 * channels, 0  # FlopCounterMode counts no MACs in BatchNorm


def total(*parts: tuple[int, int]) -> dict[str, int]:
    return {"params": sum(p for p, _ in parts), "macs": sum(m for _, m in parts)}


STEM = total(conv(3, 64, 7, 112), bn(64))
LAYER2_0 = total(conv(64, 128, 3, 28), bn(128), conv(128, 128, 3, 28), bn(128),
                 conv(64, 128, 1, 28), bn(128))  # the downsample: a strided 1x1 and its BN
LAYER2_1 = total(conv(128, 128, 3, 28), bn(128), conv(128, 128, 3, 28), bn(128))
HEAD = total((512 * 1000 + 1000, 512 * 1000))  # fc; the avg-pool has neither


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["network", *args], prog_name="bottlecalc")


def document(*args: str) -> dict[str, Any]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    Draft202012Validator(SCHEMA).validate(doc)
    return doc


def test_every_row_carries_the_complete_count_of_its_modules() -> None:
    (network,) = document(*FAST, "--depth", "block")["networks"]
    rows = {row["name"]: row["measured"] for row in network["breakdown"]}
    assert (rows["stem"], rows["layer2.0"], rows["head"]) == (STEM, LAYER2_0, HEAD)
    stages = {row["name"]: row["measured"] for row in network["stages"]}
    assert stages["layer2"] == {key: LAYER2_0[key] + LAYER2_1[key] for key in LAYER2_0}
    for row in network["breakdown"] + network["stages"]:  # the closed form agrees
        assert row["measured"] == {"params": row["params"]["total"],
                                   "macs": row["macs"]["conv"]}


def test_a_layer_row_with_no_module_has_no_measured_count() -> None:
    (network,) = document(*FAST, "--depth", "layer")["networks"]
    rows = {row["name"]: row["measured"] for row in network["breakdown"]}
    assert rows["layer1.0.add"] is None  # the residual add is no module: unknown, not 0
    assert rows["layer2.0.downsample.0"] == total(conv(64, 128, 1, 28))


def test_without_the_complete_count_rows_have_no_measured_key() -> None:
    (network,) = document("resnet18", "--no-fvcore", "--depth", "block")["networks"]
    assert not any("measured" in row for row in network["breakdown"] + network["stages"])


def off_by_one(layers: tuple[Layer, ...]) -> tuple[Layer, ...]:
    """The closed form made wrong in one layer: a parameter and 7 MACs too many."""
    return tuple(replace(layer, params=layer.params + 1, macs=layer.macs + 7)
                 if layer.name == "layer2.0.conv1" else layer for layer in layers)


def test_a_wrong_closed_form_is_marked_on_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    real = bottlecalc.results.layers_of

    def wrong(spec: BlockSpec | NetworkSpec, shape: InputShape) -> tuple[Layer, ...]:
        return off_by_one(real(spec, shape))

    monkeypatch.setattr(bottlecalc.results, "layers_of", wrong)
    result = run(*FAST, "--depth", "block")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.split()[:1] == ["layer2.0"]]
    assert lines[at].split()[1:5] == [f"{LAYER2_0['params'] + 1:,}", "✗",
                                      f"{LAYER2_0['macs'] + 7:,}", "✗"]
    assert lines[at + 1].split() == ["measured", f"{LAYER2_0['params']:,}",
                                     "measured", f"{LAYER2_0['macs']:,}"]
    assert sum("✗" in line for line in lines if line.split()[:1] == ["layer2.1"]) == 0
