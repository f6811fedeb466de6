"""How a ``bottlecalc.count`` result shows: plain text, rich at any width, HTML for Jupyter.

The result is written by hand (no torch): a model whose rows hold known integers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from rich.console import Console

from bottlecalc.breakdown import ModelResult
from bottlecalc.errors import SpecError
from bottlecalc.findings import ModuleCount
from bottlecalc.library import Count
from bottlecalc.results import Measured
from bottlecalc.spec import TensorSpec

MODULES = (
    ModuleCount("", "Net", 0, 1_000, None),
    ModuleCount("encoder", "Encoder", 0, 0, 3_538_944_000),
    ModuleCount("encoder.attn<0>", "Attention", 2_362_368, 1_207_959_552, 1_207_959_552),
    ModuleCount("encoder.mlp", "MLP", 4_722_432, 2_415_919_104, 2_330_984_448),
    ModuleCount("head", "Linear", 769_000, 768_000, 768_000),
)
MACS = sum(m.macs for m in MODULES)
PARAMS = sum(m.params for m in MODULES)
MEASURED = Measured(
    params=PARAMS, trainable=PARAMS, buffers=0, fvcore=3_539_712_000,
    torch_flops=2 * MACS, torch_device="meta", macs=MACS, macs_modules=MACS - 1_000,
    modules=MODULES, inputs=(("0", TensorSpec((1, 197, 768))),), train_flops=3 * 2 * MACS,
    notes=("a <note> & more",),
)
FOUND = Count(ModelResult("Net<v1>", MEASURED), depth=2, train=True)
NUMBERS = [f"{n:,}" for n in (PARAMS, MACS, 2 * MACS, 3 * 2 * MACS, 2_415_919_104, 768_000)]


def test_table_golden(golden: Callable[[str, str], None]) -> None:
    golden("count_table.txt", FOUND.table())


def test_rows_and_other_sum_to_the_totals() -> None:
    rows = FOUND.by_module()
    assert [r.name for r in rows] == ["encoder.mlp", "encoder.attn<0>", "head", "(other)"]
    assert sum(r.macs for r in rows) == MACS
    assert rows[-1].macs == 1_000  # done in Net's own forward
    assert sum(r.params for r in FOUND.by_module(1)) == PARAMS


@pytest.mark.parametrize("width", [40, 60, 200])
def test_rich_shows_every_number_whole_at_any_width(width: int) -> None:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(FOUND)
    text = buffer.getvalue()
    assert "…" not in text
    for number in NUMBERS:
        assert number in text
    for line in text.splitlines():
        assert len(line) <= width or max(map(len, line.split())) > width - 4, line


def test_table_at_a_width_fits_it() -> None:
    text = FOUND.table(width=50)
    assert all(len(line) <= 50 for line in text.splitlines())
    assert all(number in text for number in NUMBERS)


def test_html_is_a_table_with_every_name_escaped() -> None:
    html = FOUND._repr_html_()
    assert html.startswith("<h2>Net&lt;v1&gt;: input 1x197x768; modules at depth 2")
    assert '<table class="bottlecalc">' in html
    assert "&lt;0&gt;" in html and "a &lt;note&gt; &amp; more" in html
    text = re.sub(r"<(/?)(h2|table|thead|tbody|tfoot|tr|th|td|p|ul|li)( [^>]*)?>", "", html)
    assert "<" not in text and ">" not in text  # no other tag: every '<' from data escaped
    assert all(number in html for number in NUMBERS)


def test_to_dict_carries_the_defaults_and_the_views() -> None:
    data = FOUND.to_dict()
    assert (data["depth"], data["pass"]) == (2, "train")
    entry = data["networks"][0]
    assert entry["name"] == "Net<v1>"
    assert entry["macs"] == {"complete": MACS, "torch": MACS, "ops": None, "modules": MACS - 1_000,
                             "fvcore": 3_539_712_000}
    assert [r["name"] for r in FOUND.to_dict(1, sort="name")["networks"][0]["breakdown"]] \
        == ["encoder", "head", "(other)"]


def test_repr_is_one_line_with_the_training_flops_when_counted() -> None:
    assert repr(FOUND) == (f"<bottlecalc.Count 'Net<v1>': {PARAMS:,} params, {MACS:,} MACs, "
                           f"{2 * MACS:,} FLOPs, {3 * 2 * MACS:,} training FLOPs>")
    forward = Count(FOUND.result, depth=2)
    assert repr(forward) == (f"<bottlecalc.Count 'Net<v1>': {PARAMS:,} params, {MACS:,} MACs, "
                             f"{2 * MACS:,} FLOPs>")


def test_training_flops_get_a_column_on_the_total_row() -> None:
    lines = FOUND.table().splitlines()
    assert lines[2].split()[-2:] == ["training", "FLOPs"]
    (total,) = [line for line in lines if line.split()[:1] == ["total"]]
    assert total.split()[-1] == f"{3 * 2 * MACS:,}"
    assert "training FLOPs" not in Count(FOUND.result, depth=2).table()


def test_table_returns_the_text_inside_jupyter(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a notebook rich displays what it prints instead of writing it (issue 20, item 14):
    the text is returned all the same."""
    import rich.console

    monkeypatch.setattr(rich.console, "_is_jupyter", lambda: True)
    text = FOUND.table()
    assert text.splitlines()[0] == "Net<v1>: input 1x197x768; modules at depth 2, by MACs"
    assert f"{MACS:,}" in text


def test_by_kind_sums_each_class_over_its_instances() -> None:
    kinds = {r.kind: (r.instances, r.params, r.macs, r.fvcore) for r in FOUND.by_kind()}
    attn, mlp, head = MODULES[2], MODULES[3], MODULES[4]
    assert kinds == {
        "Encoder": (1, attn.params + mlp.params, attn.macs + mlp.macs, 3_538_944_000),
        "MLP": (1, mlp.params, mlp.macs, mlp.fvcore),
        "Attention": (1, attn.params, attn.macs, attn.fvcore),
        "Linear": (1, head.params, head.macs, head.fvcore),
    }
    assert [r.kind for r in FOUND.by_kind()] == ["Encoder", "MLP", "Attention", "Linear"]
    text = FOUND.table(by="kind")
    assert text.splitlines()[0] == "Net<v1>: input 1x197x768; module kinds, by MACs"
    assert FOUND.to_dict(by="kind")["networks"][0]["by_kind"][0]["kind"] == "Encoder"


def test_a_bad_by_is_one_spec_error() -> None:
    with pytest.raises(SpecError, match="by must be one of 'module', 'kind', got 'class'"):
        FOUND.table(by="class")


def test_rows_mark_training_flops_as_not_counted() -> None:
    """A module row's training FLOPs are not counted (the whole model's only): a dash, not an
    empty cell that reads as missing data; the legend says why (issue 16)."""
    rows = FOUND.table().splitlines()[4:8]
    assert [row.split()[0] for row in rows] == ["encoder.mlp", "encoder.attn<0>", "head",
                                                "(other)"]
    assert [row.split()[-1] for row in rows] == ["—"] * 4
    for line in FOUND.table(by="kind").splitlines()[4:8]:
        assert line.split()[-1] == "—", line
    text = " ".join(FOUND.table().split())
    assert ("training FLOPs: one training step (forward + backward), counted for the whole "
            "model only: a row's is not counted (—).") in text
    assert "—" not in Count(FOUND.result, depth=2).table()
