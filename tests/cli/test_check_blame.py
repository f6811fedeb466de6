"""A failing budget names the modules that carry it; ``--baseline`` names what grew.

The model is written here with named modules; every count, share and delta is derived
from its layer shapes in this file, never from the tool.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli
from tests.cli.test_check import parse_github

MODEL = """
from collections import OrderedDict
from torch import nn

def build():
    return nn.Sequential(OrderedDict(
        stem=nn.Conv2d(3, 8, 3, padding=1),
        act=nn.ReLU(),
        body=nn.Conv2d(8, {width}, 3, padding=1),
        pool=nn.AdaptiveAvgPool2d(1),
        flat=nn.Flatten(),
        fc=nn.Linear({width}, 10),
    ))
"""
SIDE = 16  # input 1x3x16x16; both convs keep the size


def counts(width: int) -> dict[str, tuple[int, int]]:
    """(params, MACs) of each module that has any, for a body ``width`` wide."""
    return {
        "stem": (3 * 8 * 9 + 8, 3 * 8 * 9 * SIDE * SIDE),
        "body": (8 * width * 9 + width, 8 * width * 9 * SIDE * SIDE),
        "fc": (width * 10 + 10, width * 10),
    }


def write(path: Path, width: int) -> str:
    path.write_text(MODEL.format(width=width), encoding="utf-8")
    return f"{path}:build"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args], prog_name="bottlecalc")


def as_json(result: Result) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.fixture()
def model(tmp_path: Path) -> Path:
    return tmp_path / "net.py"


def test_an_exceeded_limit_names_the_modules_that_carry_it(model: Path) -> None:
    target, parts = write(model, 16), counts(16)
    total = sum(p for p, _ in parts.values())
    result = invoke(target, "--input", "1,3,16,16", "--max-params", str(total - 1),
                    "--max-macs", "1G", "--format", "json")
    assert result.exit_code == 1
    budget = as_json(result)["budgets"][0]
    ranked = sorted(parts.items(), key=lambda kv: -kv[1][0])
    assert budget["top_modules"] == [
        {"name": name, "metric": "params", "value": p, "share": round(p / total, 6)}
        for name, (p, _) in ranked]
    assert budget["top_modules"][0]["name"] == "body"


def test_every_text_format_names_the_top_module(model: Path) -> None:
    target, parts = write(model, 16), counts(16)
    macs = sum(m for _, m in parts.values())
    args = (target, "--input", "1,3,16,16", "--max-macs", str(macs - 1))
    body = f"body {parts['body'][1]:,} ({parts['body'][1] / macs:.1%})"
    table = invoke(*args)
    assert f"most macs: {body}" in " ".join(table.stdout.split())
    github = parse_github(invoke(*args, "--format", "github").stdout)
    assert f"most macs: {body}" in github[0]["message"]
    junit = ET.fromstring(invoke(*args, "--format", "junit").stdout)
    failure = junit.find(".//failure")
    assert failure is not None and f"most macs: {body}" in failure.get("message", "")
    markdown = invoke(*args, "--format", "markdown").stdout
    assert f"| `body` | macs | {parts['body'][1]:,} | {parts['body'][1] / macs:.1%} |" in markdown


def test_a_budget_within_its_limits_names_nothing(model: Path) -> None:
    result = invoke(write(model, 16), "--input", "1,3,16,16", "--max-params", "1M",
                    "--format", "json")
    assert result.exit_code == 0
    assert as_json(result)["budgets"][0]["top_modules"] == []


def test_a_baseline_names_the_widened_layer_and_its_exact_delta(model: Path,
                                                                 tmp_path: Path) -> None:
    args = ("--input", "1,3,16,16", "--max-params", "1M")
    before = invoke(write(model, 16), *args, "--format", "json", "-o", str(tmp_path / "b.json"))
    assert before.exit_code == 0
    result = invoke(write(model, 24), *args, "--baseline", str(tmp_path / "b.json"),
                    "--format", "json")
    assert result.exit_code == 0  # a baseline explains; it never fails a budget
    budget = as_json(result)["budgets"][0]
    old, new = counts(16), counts(24)
    want = [{"module": name, "metric": metric, "before": old[name][i], "after": new[name][i],
             "delta": new[name][i] - old[name][i]}
            for name in ("body", "fc") for i, metric in enumerate(("params", "macs"))]
    assert sorted(budget["changes"], key=str) == sorted(want, key=str)
    assert budget["changes"][0]["module"] == "body"  # the largest change comes first
    assert budget["changes"][0]["delta"] == 8 * 8 * 9 * SIDE * SIDE
    grew = sum(new[n][0] - old[n][0] for n in new)
    assert budget["baseline"]["totals"]["params"]["delta"] == grew


def test_the_table_says_what_grew_in_words(model: Path, tmp_path: Path) -> None:
    args = ("--input", "1,3,16,16", "--max-params", "1M")
    invoke(write(model, 16), *args, "--format", "json", "-o", str(tmp_path / "b.json"))
    table = invoke(write(model, 24), *args, "--baseline", str(tmp_path / "b.json")).stdout
    grew = counts(24)["body"][0] - counts(16)["body"][0]
    assert f"body +{grew:,} params" in " ".join(table.split())


def test_a_module_removed_since_the_baseline_counts_down_to_zero(model: Path,
                                                                  tmp_path: Path) -> None:
    args = ("--input", "1,3,16,16", "--max-params", "1M")
    invoke(write(model, 16), *args, "--format", "json", "-o", str(tmp_path / "b.json"))
    model.write_text(MODEL.format(width=16).replace("fc=nn.Linear(16, 10),", ""), "utf-8")
    result = invoke(f"{model}:build", *args, "--baseline", str(tmp_path / "b.json"),
                    "--format", "json")
    fc = counts(16)["fc"]
    changes = {(c["module"], c["metric"]): (c["before"], c["after"])
               for c in as_json(result)["budgets"][0]["changes"]}
    assert changes == {("fc", "params"): (fc[0], 0), ("fc", "macs"): (fc[1], 0)}


def test_a_network_json_is_a_baseline_too(tmp_path: Path) -> None:
    network = CliRunner().invoke(cli, ["network", "resnet18", "--format", "json",
                                       "-o", str(tmp_path / "n.json")])
    assert network.exit_code == 0
    result = invoke("resnet18", "--max-params", "12M", "--baseline", str(tmp_path / "n.json"),
                    "--format", "json")
    totals = as_json(result)["budgets"][0]["baseline"]["totals"]
    assert totals["params"] == {"before": 11_689_512, "after": 11_689_512, "delta": 0}


def test_a_budget_missing_from_the_baseline_is_new(model: Path, tmp_path: Path) -> None:
    invoke("resnet18", "--max-params", "12M", "--format", "json", "-o", str(tmp_path / "b.json"))
    result = invoke(write(model, 16), "--input", "1,3,16,16", "--max-params", "1M",
                    "--baseline", str(tmp_path / "b.json"))
    assert result.exit_code == 0
    assert "(new)" in result.stdout
    doc = as_json(invoke(write(model, 16), "--input", "1,3,16,16", "--max-params", "1M",
                         "--baseline", str(tmp_path / "b.json"), "--format", "json"))
    assert (doc["budgets"][0]["baseline"], doc["budgets"][0]["changes"]) == (None, [])


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read it"),
    ("not json", "not a JSON document"),
    ('{"schema": "bottlecalc.compare", "version": 1}', "got schema 'bottlecalc.compare'"),
    ('{"schema": "bottlecalc.check", "version": 2, "budgets": [{"measured": 1}]}',
     "malformed 'budgets'"),
])
def test_an_unusable_baseline_is_a_usage_error_before_measuring(
        tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = invoke("resnet18", "--max-params", "1", "--baseline", str(path))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""  # nothing was measured
    assert "Traceback" not in result.output
