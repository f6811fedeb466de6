"""sweep's formats: JSON, CSV, Markdown and the rich table with its bar chart."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from bottlecalc.report.render import Format, RenderOptions, choices
from bottlecalc.report.sweep.json import sweep_dict
from bottlecalc.report.sweep.registry import RENDERERS
from bottlecalc.report.writers.rich import bar
from bottlecalc.spec import BlockConfig
from bottlecalc.sweep import Axis, Sweep, run_sweep

MIDS = (16, 32, 64, 128, 256)


def bottleneck_params(c: int, m: int) -> int:
    """conv weights + BN (2 per channel) for a stride-1 bottleneck with out = in."""
    return c * m + 9 * m * m + m * c + 2 * (m + m + c)


def render(fmt: Format, sweep: Sweep) -> str:
    return RENDERERS[fmt](sweep, RenderOptions())


@pytest.fixture(scope="module")
def sweep() -> Sweep:
    return run_sweep(BlockConfig(256, 64), Axis.MID, MIDS)


def test_registry_covers_the_shared_formats() -> None:
    assert choices(RENDERERS) == ["table", "json", "csv", "markdown"]


def test_json_is_the_sweep_dict(sweep: Sweep) -> None:
    data = json.loads(render(Format.JSON, sweep))
    assert data == json.loads(json.dumps(sweep_dict(sweep)))
    assert data["version"] == 1


def test_csv_rows(sweep: Sweep) -> None:
    rows = list(csv.DictReader(io.StringIO(render(Format.CSV, sweep))))
    assert [int(r["value"]) for r in rows] == list(MIDS)
    assert [int(r["bottleneck_params"]) for r in rows] == [
        bottleneck_params(256, m) for m in MIDS]
    assert {int(r["basic_macs"]) for r in rows} == {2 * 9 * 256 * 256 * 56 * 56}
    assert rows[2]["size"] == "56x56"


def test_markdown_table(sweep: Sweep) -> None:
    text = render(Format.MARKDOWN, sweep)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(MIDS)
    assert rows[3].startswith("| 64 | 1,180,672 | 70,400 | 16.8 | 3,699,376,128 | 218,365,952 |")


def test_table_and_chart(sweep: Sweep, golden: Callable[[str, str], None]) -> None:
    text = render(Format.TABLE, sweep)
    assert f"{bottleneck_params(256, 16):,}" in text
    assert f"{(256 * 16 * 2 + 9 * 16 * 16) * 56 * 56:,}" in text
    assert "MACs (multiply-accumulates)" in text
    golden("sweep_256_mid.txt", text)


@pytest.mark.parametrize(
    ("value", "largest", "width", "drawn"),
    [(8, 8, 2, "██"), (4, 8, 2, "█"), (1, 16, 1, "▏"), (3, 16, 2, "▍"), (0, 5, 4, "")],
)
def test_bar(value: int, largest: int, width: int, drawn: str) -> None:
    assert bar(value, largest, width) == drawn


def test_sweep_dict_shape() -> None:
    data = sweep_dict(run_sweep(BlockConfig(256, 64), Axis.MID, (32, 64)))
    assert data["schema"] == "bottlecalc.sweep"
    assert data["version"] == 1
    assert data["axis"] == "mid"
    assert data["values"] == [32, 64]
    assert data["fixed"]["mid"] is None
    assert data["fixed"]["in"] == 256
    point = data["points"][1]
    assert point["bottleneck"]["conv"] == 69_632
    assert point["bottleneck"]["params"] == 69_632 + 2 * 64 + 2 * 64 + 2 * 256
    assert point["basic"]["flops"] == 2 * 1_179_648 * 56 * 56
    assert point["ratios"]["conv"] == round(1_179_648 / 69_632, 4)
