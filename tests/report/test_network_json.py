"""network's JSON entry: the keys the issue names, and stage rows that sum to the total."""

from __future__ import annotations

from bottlecalc.breakdown import NetworkReport
from bottlecalc.presets import get_preset
from bottlecalc.report.network.json import network_dict
from bottlecalc.results import analytic_result
from bottlecalc.spec import InputShape


def test_json_entry_carries_the_issue_keys() -> None:
    result = analytic_result(get_preset("resnet18"), InputShape(224, 224))
    entry = network_dict(result, NetworkReport((result,)))
    assert entry["name"] == "resnet18"
    assert entry["params"]["total"] == 11_689_512  # torchvision's published figure
    assert entry["params"]["instantiated"] is None
    assert set(entry["macs"]) >= {"conv", "analytic", "fvcore"}
    assert "torch" in entry["flops"]
    assert entry["stages"][0]["name"] == "stem"
    assert sum(s["macs"]["conv"] for s in entry["stages"]) == entry["macs"]["conv"]
