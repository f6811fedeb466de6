"""No table cuts a number: at COLUMNS 40, 80, 120 and piped (no COLUMNS, unbounded), every
integer of the same run's JSON appears whole, with its thousands separators, in the table.

The integers come from ``--format json`` of the same arguments, not from the table: the
test knows nothing of how the table is laid out, only what it must contain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from fnmatch import fnmatch
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli

TESTS = Path(__file__).parent.parent
SMALL = f"{TESTS / 'fixtures' / 'small_cnn.py'}:build"

# JSON keys whose integers no table claims to show, each for a stated reason. Paths below
# are dotted, a list's items written '#': 'blocks.#.params.bias'.
NOT_SHOWN = {
    "version", "exit_code",  # the document's own bookkeeping
    "in_shape", "out_shape", "input", "spec", "batch", "height", "width", "fixed",
    "in", "mid", "out", "stride", "groups", "size",  # the configuration, shown as typed
    "buffers", "trainable_params",  # not table columns (check prints trainable in a note)
    "summary",  # pass/fail counts: the stderr summary line says them
    "input_bytes",  # the tables show weights and outputs; inputs are the previous outputs
    "fvcore_unsupported",  # op counts, listed by name in a footnote
}
RUNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (arguments, JSON paths the table leaves out on purpose)
    "compare, the docs' stride-2 example": (
        ("compare", "--in", "256", "--mid", "128", "--out", "512", "--stride", "2",
         "--cross-check", "--explain"),
        ("blocks.#.params.bias",)),  # 0 without --bias (biases are an --explain total)
    "compare, wide and grouped": (
        ("compare", "--in", "2048", "--mid", "512", "--out", "4096", "--stride", "2",
         "--groups", "32", "--no-measure", "--explain"),
        ("blocks.#.params.bias",
         "blocks.#.macs.analytic")),  # fvcore's convention: its column says --no-measure
    "network, every layer of resnet50": (
        ("network", "resnet50", "--depth", "layer", "--no-measure"),
        ("networks.#.stages.#*",  # the rows are at --depth layer, not stages
         "networks.#.breakdown.#.flops.analytic",  # rows have no FLOPs column (FLOPs = 2 x MACs)
         "networks.#.macs.v1")),  # shown with --conventions
    "network, side by side with conventions": (
        ("network", "resnet18", "resnext50_32x4d", "--conventions", "--depth", "block",
         "--size", "64", "--no-measure"),
        ("networks.#.stages.#*", "networks.#.breakdown.#.flops.analytic")),
    "check, a long target name": (
        ("check", SMALL, "--input", "1,3,32,32", "--max-params", "1k",
         "--max-flops", "100000000000", "--max-macs", "1G"),
        ("budgets.#.modules*",)),  # every module's own counts: for --baseline, not a column
    "network, a model's modules": (
        ("network", f"{TESTS / 'fixtures' / 'models.py'}:SmallViT", "--input", "1,3,64,64",
         "--depth", "3", "--conventions", "--pass", "train"),
        ("networks.#.modules.#*",)),  # every module's own counts: the baseline, not a row
    "network --seq, a decoder's lengths and decoding step": (
        ("network", f"{TESTS / 'fixtures' / 'decoders.py'}:gpt2_small", "--input", "1,8:int64",
         "--seq", "16,48,128,200", "--phase", "decode", "--context", "100"),
        ("scaling.points.#.causal_skipped",  # dense minus causal: both are columns
         "scaling.points.#.causal_macs_per_token*")),  # per token: the dense count's column
    "sweep": (
        ("sweep", "--in", "2048", "--mid", "64:2048:64", "--size", "112"),
        ("points.#.*.conv", "points.#.*.fvcore", "points.#.*.flops",  # params and MACs only
         "points.#.value", "values.#")),  # the swept value, as typed in the first column
}
WIDTHS = ["40", "80", "120", None]  # None: no COLUMNS and not a terminal, i.e. piped


def integers(node: Any, hidden: tuple[str, ...], path: str = "") -> Iterator[int]:
    """Every integer of a JSON document, except under NOT_SHOWN keys or ``hidden`` paths."""
    if path.removesuffix(".#").rpartition(".")[2] in NOT_SHOWN or any(
            fnmatch(path, pattern) for pattern in hidden):
        return
    if isinstance(node, dict):
        for name, value in node.items():
            yield from integers(value, hidden, f"{path}.{name}".lstrip("."))
    elif isinstance(node, list):
        for value in node:
            yield from integers(value, hidden, f"{path}.#")
    elif isinstance(node, int) and not isinstance(node, bool) and node != 0:
        yield node  # (a zero is often said in words: 'no parameters', 'not counted')


def whole(n: int, text: str) -> bool:
    """``n`` with separators stands in ``text`` as a number of its own (not inside another)."""
    return re.search(rf"(?<![\d,.]){re.escape(f'{n:,}')}(?![\d]|[,.]\d)", text) is not None


@cache
def run(args: tuple[str, ...], columns: str | None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": columns},
                                prog_name="bottlecalc")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


@pytest.fixture(scope="module", params=sorted(RUNS))
def case(request: pytest.FixtureRequest) -> tuple[tuple[str, ...], list[int]]:
    args, hidden = RUNS[request.param]
    _, text = run((*args, "--format", "json"), None)
    found = sorted(set(integers(json.loads(text), hidden)))
    assert len(found) > 5, found  # the run has numbers to look for
    return args, found


@pytest.mark.parametrize("columns", WIDTHS, ids=lambda c: f"COLUMNS={c or 'unset'}")
def test_every_integer_of_the_json_is_whole_in_the_table(
        case: tuple[tuple[str, ...], list[int]], columns: str | None) -> None:
    args, found = case
    _, text = run(args, columns)
    missing = [f"{n:,}" for n in found if not whole(n, text)]
    assert missing == []
    assert "…" not in text


@pytest.mark.parametrize("columns", ["40", "80", "120"])
def test_lines_fit_the_width_unless_one_word_is_longer(
        case: tuple[tuple[str, ...], list[int]], columns: str) -> None:
    args, _ = case
    _, text = run(args, columns)
    width = int(columns)
    for line in text.splitlines():
        assert len(line) <= width or max(map(len, line.split())) > width - 4, line


def test_the_whole_table_is_kept_when_it_fits() -> None:
    _, text = run(("compare", "--in", "256", "--mid", "64", "--no-measure"), "200")
    header = next(line for line in text.splitlines() if "conv" in line and "MACs" in line)
    assert "shortcut" in header and "fvcore" in header  # one table, every column


def test_numbers_of_another_table_are_not_counted_as_whole() -> None:
    assert whole(1_024, "BN 1,024 params") and whole(1_024, "ends with 1,024.")
    assert not whole(1_024, "11,024") and not whole(1_024, "1,024,000")
    assert not whole(1_024, "1,02") and not whole(1_024, "1,024.5")
