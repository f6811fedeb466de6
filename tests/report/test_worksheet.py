"""bottlecalc worksheet: seeded exercises with blanks, and an answer key checked against the
CLI's counts (``compare --format json``) and formulas written here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.report.worksheet.i18n import EN, ZH

BLOCKS = "basic,bottleneck,c3,c2f"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def key_and_sheet(tmp_path: Path, *args: str) -> tuple[str, str]:
    key = tmp_path / "key.html"
    result = invoke("worksheet", *args, "--key", str(key))
    assert result.exit_code == 0, result.output
    return key.read_text(encoding="utf-8"), result.stdout


class Items(HTMLParser):
    """Each exercise's data- attributes and its question text."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, str]] = []
        self._in_question = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "li":
            self.items.append(found)
        self._in_question = tag == "p" and found.get("class") == "question"

    def handle_data(self, data: str) -> None:
        if self._in_question:
            self.items[-1]["question"] = self.items[-1].get("question", "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in_question = False


def items(html: str) -> list[dict[str, str]]:
    parser = Items()
    parser.feed(html)
    return parser.items


def compare_json(spec: dict[str, Any], size: str = "56") -> dict[str, Any]:
    """The block counted by ``bottlecalc compare`` (the same block twice: --blocks K,K)."""
    args = ["compare", "--blocks", f"{spec['kind']},{spec['kind']}", "--in", str(spec["in"]),
            "--out", str(spec["out"]), "--size", size, "--no-measure", "--format", "json"]
    if spec["kind"] in ("basic", "bottleneck"):  # --mid shapes these only (refused for YOLO's)
        args += ["--mid", str(spec["mid"])]
    if spec["stride"] != 1:
        args += ["--stride", str(spec["stride"])]
    if spec["groups"] != 1:
        args += ["--groups", str(spec["groups"])]
    if "n" in spec and spec["kind"] != "sppf":
        args += ["--n", str(spec["n"])]
    result = invoke(*args)
    assert result.exit_code == 0, (args, result.output)
    block: dict[str, Any] = json.loads(result.stdout)["blocks"][0]
    return block


def layer_numbers(question: str) -> tuple[int, int, int, int]:
    """k, C_in, C_out and G as the question states them (in English or Chinese)."""
    groups = re.search(r"G = (\d+)", question)
    g = int(groups.group(1)) if groups else 1
    zh = re.search(r"从 (\d+) 到 (\d+) 通道的 (\d+)x\3 卷积", question)
    if zh:
        return int(zh.group(3)), int(zh.group(1)), int(zh.group(2)), g
    found = re.search(r"(\d+)x\1 convolution from (\d+) to (\d+) channels", question) or \
        re.search(r"[(\uff08](\d+)x\1[,\uff0c] ?(\d+)→(\d+)", question)
    assert found is not None, question
    k, cin, cout = map(int, found.groups())
    return k, cin, cout, g


def check_against_cli(item: dict[str, str], size: int) -> None:
    specs = json.loads(item["data-specs"])
    kind = item["data-kind"]
    if kind in ("ratio", "macs_ratio"):
        a, b = (compare_json(s) for s in specs)
        key = "params" if kind == "ratio" else "macs"
        num, den = a[key]["conv"], b[key]["conv"]
        assert item["data-answer"] == f"{num / den:.1f}"
        return
    block = compare_json(specs[0])
    value = int(item["data-value"])
    if kind in ("weights", "macs"):
        layer = next(r for r in block["layers"] if r["name"] == item["data-layer"])
        k, cin, cout, g = layer_numbers(item["question"])
        weights = k * k * (cin // g) * cout  # the formula, written here
        h, w = layer["out_shape"][2:]
        assert value == (weights if kind == "weights" else weights * h * w)
        assert value == layer["params" if kind == "weights" else "macs"]
    elif kind == "projection":
        spec = specs[0]
        projected = spec["in"] != spec["out"] or spec["stride"] != 1
        assert value == (spec["in"] * spec["out"] + 2 * spec["out"] if projected else 0)
        assert value == block["params"]["shortcut"]
    elif kind == "params":
        assert value == block["params"]["total"]
    else:
        assert value == block["macs"]["conv"]


@pytest.mark.parametrize("level", ["beginner", "advanced"])
@pytest.mark.parametrize("seed", ["1", "7"])
def test_answer_key_matches_the_cli(tmp_path: Path, level: str, seed: str) -> None:
    key, _ = key_and_sheet(tmp_path, "--seed", seed, "--level", level, "--blocks", BLOCKS,
                           "--in", "64,128", "--count", "10")
    found = items(key)
    assert len(found) == 10
    assert {i["data-kind"] for i in found} >= ({"weights", "macs", "ratio", "projection"}
                                                if level == "beginner" else
                                                {"params", "block_macs", "macs_ratio"})
    for item in found:
        check_against_cli(item, 56)


def test_same_seed_same_sheet_other_seed_other(tmp_path: Path) -> None:
    first = key_and_sheet(tmp_path, "--seed", "3")
    again = key_and_sheet(tmp_path, "--seed", "3")
    other = key_and_sheet(tmp_path, "--seed", "4")
    assert first == again
    assert first[1] != other[1]


def test_sheet_has_blanks_and_no_answers(tmp_path: Path) -> None:
    key, sheet = key_and_sheet(tmp_path, "--seed", "5", "--blocks", BLOCKS)
    assert sheet.count('class="blank"') == 8
    assert "data-answer" not in sheet
    for item in items(key):
        value = item.get("data-value")
        if value and int(value) >= 1000:
            assert f"{int(value):,}" not in sheet


def test_chinese_sheet_and_key(tmp_path: Path) -> None:
    key, sheet = key_and_sheet(tmp_path, "--lang", "zh", "--seed", "2", "--level", "advanced")
    assert '<html lang="zh-CN">' in sheet and ZH["title"] in sheet
    assert ZH["key_title"] in key
    assert "conv weights" not in key and "total params" not in key
    for item in items(key):
        check_against_cli(item, 56)


def test_translations_have_the_same_keys_and_placeholders() -> None:
    assert EN.keys() == ZH.keys()
    for name in EN:
        assert set(re.findall(r"{\w+}", EN[name])) == set(re.findall(r"{\w+}", ZH[name])), name


@pytest.mark.parametrize(("args", "needle"), [
    (["--blocks", "c4"], "--blocks: unknown block 'c4'"),
    (["--count", "0"], "--count must be 1 to 100"),
    (["--in", "2"], "widths of at least 4"),
    (["--level", "expert"], "'--level'"),
    (["--key", "key.txt"], "this option writes html/pdf"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], needle: str) -> None:
    result = invoke("worksheet", *args)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser",
                                                "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed "
                                    "(apt-get install -y chromium)")


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_key_renders_in_chromium(tmp_path: Path, lang: str) -> None:
    key, _ = key_and_sheet(tmp_path, "--lang", lang)
    assert CHROMIUM is not None
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           (tmp_path / "key.html").as_uri()],
                          capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(items(proc.stdout)) == len(items(key)) == 8


@needs_chromium
def test_pdf_through_chromium(tmp_path: Path) -> None:
    sheet, key = tmp_path / "sheet.pdf", tmp_path / "key.pdf"
    result = invoke("worksheet", "-o", str(sheet), "--key", str(key))
    assert result.exit_code == 0, result.output
    for pdf in (sheet, key):
        assert pdf.read_bytes().startswith(b"%PDF-")


def test_the_key_cannot_be_a_hard_link_to_the_sheet(tmp_path: Path) -> None:
    """Written in place through the link, the key would replace the sheet's text."""
    sheet, link = tmp_path / "sheet.html", tmp_path / "key.html"
    sheet.write_text("the pupils' sheet", encoding="utf-8")
    link.hardlink_to(sheet)
    result = invoke("worksheet", "-o", str(sheet), "--key", str(link))
    assert result.exit_code == 2
    assert "is the file -o writes the sheet to" in result.stderr
    assert sheet.read_text(encoding="utf-8") == "the pupils' sheet"
