"""Today's new options tried as a new user would: an option that would change nothing for
what was asked is refused in one line (exit 2), never silently ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli
from bottlecalc.report.sweep.svg import decade

FIXTURES = Path(__file__).parent.parent / "fixtures"
GPT2 = f"{FIXTURES / 'decoders.py'}:gpt2_small"
TOKENS = ("--input", "1,8:int64")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


def assert_usage_error(result: Result, needle: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stderr.count("\n") == 1, result.stderr
    assert needle in result.stderr, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "needle"), [
    ((*TOKENS, "--seq", "8,16", "--by", "kind"), "--by applies to a single count"),
    ((*TOKENS, "--seq", "8,16", "--by", "module"), "--by applies to a single count"),
    ((*TOKENS, "--seq", "8,16", "--no-collapse"), "--collapse applies to a single count"),
    ((*TOKENS, "--seq", "8,16", "--fvcore"), "--fvcore applies to a single count"),
    ((*TOKENS, "--phase", "decode", "--context", "8", "--by", "kind"), "--by applies"),
    (("--seq", "8,16"), "--seq and --phase resize the model's inputs: give them"),
    (("--phase", "decode", "--context", "8"), "--seq and --phase resize the model's inputs"),
])
def test_sequence_counts_refuse_what_they_would_ignore(args: tuple[str, ...],
                                                       needle: str) -> None:
    assert_usage_error(invoke("network", GPT2, *args), needle)


def test_no_fvcore_is_true_of_a_sequence_count_and_accepted() -> None:
    result = invoke("network", GPT2, *TOKENS, "--seq", "8,16", "--no-fvcore")
    assert result.exit_code == 0, result.output
    layers, d, ffn, vocab = 2, 64, 256, 1000  # tests/fixtures/decoders.py's gpt2_small
    linear = layers * (4 * d * d + 2 * d * ffn) + d * vocab
    assert f"{linear * 16 + 2 * layers * d * 16 * 16:,}" in result.stdout


@pytest.mark.parametrize(("command", "args", "needle"), [
    ("compare", ("--blocks", "c3,c2f", "--mid", "64"), "--mid applies to basic and"),
    ("compare", ("--blocks", "c3,c2f", "--expansion", "4"), "--expansion applies to basic"),
    ("compare", ("--blocks", "conv,sppf", "--stride", "2", "--stride-on", "1x1"),
     "--stride-on applies to basic"),
    ("diagram", ("--blocks", "c3,c2f", "--mid", "64"), "--mid applies to basic and"),
])
def test_resnet_options_with_yolo_blocks_alone_are_refused(command: str, args: tuple[str, ...],
                                                            needle: str) -> None:
    extra = ("--no-measure",) if command == "compare" else ()
    assert_usage_error(invoke(command, "--in", "256", *extra, *args), needle)


def test_mid_still_shapes_a_bottleneck_beside_a_yolo_block() -> None:
    result = invoke("compare", "--in", "256", "--mid", "32", "--blocks", "bottleneck,c3",
                    "--no-measure", "--format", "csv")
    assert result.exit_code == 0, result.output
    weights = 256 * 32 + 9 * 32 * 32 + 32 * 256  # 1x1, 3x3, 1x1 convs, no bias
    assert f"{weights}" in result.stdout


@pytest.mark.parametrize("name", ["sheet.txt", "sheet", "sheet.md"])
def test_worksheet_output_must_be_html_or_pdf(tmp_path: Path, name: str) -> None:
    assert_usage_error(invoke("worksheet", "-o", str(tmp_path / name)),
                       "the name must end in .html or .pdf")
    assert not (tmp_path / name).exists()


def test_worksheet_key_cannot_overwrite_the_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.html"
    same = tmp_path / "." / "sheet.html"
    assert_usage_error(invoke("worksheet", "-o", str(sheet), "--key", str(same)),
                       "is the file -o writes the sheet to")
    assert not sheet.exists()


def test_network_help_shows_the_sequence_options_in_use() -> None:
    text = invoke("network", "--help").stdout
    assert "--seq 128,512,2048,8192" in text.split("Examples:")[1]
    assert "--phase decode --context" in text.split("Examples:")[1]


@pytest.mark.parametrize(("args", "needle"), [
    (("--by", "kind", "--depth", "2"), "--depth applies to --by module only"),
    (("--by", "KIND", "--no-collapse"), "--collapse applies to --by module only"),
    (("--by", "kind", "--collapse", "--depth", "1"), "--depth, --collapse apply to --by"),
])
def test_by_kind_refuses_the_tree_options(args: tuple[str, ...], needle: str) -> None:
    model = f"{FIXTURES / 'small_cnn.py'}:Net"
    assert_usage_error(invoke("network", model, "--input", "1,3,32,32", *args), needle)


MASKED = f"{FIXTURES / 'user_inputs.py'}:masked"  # forward(input_ids, attention_mask=None)


@pytest.mark.parametrize(("command", "inputs", "needle"), [
    ("network", ("input_ids=1,16:int64", "1,16:int64"), "multiple values for argument "
     "'input_ids' of Masked.forward(input_ids"),
    ("check", ("input_ids=1,16:int64", "1,16:int64"), "multiple values for argument"),
    ("network", ("1,16:int64", "1,16:int64", "1,16:int64"), "--input: too many positional"),
])
def test_inputs_the_forward_cannot_bind_are_usage_errors(command: str,
                                                         inputs: tuple[str, ...],
                                                         needle: str) -> None:
    limit = ("--max-macs", "1G") if command == "check" else ()
    given = [word for shape in inputs for word in ("--input", shape)]
    assert_usage_error(invoke(command, MASKED, *limit, *given), needle)


def test_handout_yolo_refuses_a_strided_bottleneck(tmp_path: Path) -> None:
    page = tmp_path / "yolo.html"
    assert_usage_error(invoke("handout", "--in", "256", "--mid", "64", "--stride", "2",
                              "--yolo", "--no-measure", "-o", str(page)),
                       "drop --stride 2 or --yolo")
    assert not page.exists()


@pytest.mark.parametrize(("k", "label"), [(0, "1"), (3, "1k"), (20, "100E"), (21, "1e21"),
                                          (25, "1e25")])
def test_chart_ticks_past_exa_are_written_as_powers(k: int, label: str) -> None:
    assert decade(k) == label


def test_a_handout_whose_macs_pass_10_to_the_21_is_written(tmp_path: Path) -> None:
    page = tmp_path / "big.html"  # found by the fuzzer: an IndexError ("internal error")
    result = invoke("handout", "--no-measure", "--in", "1", "--mid", "13979", "--size",
                    "59614", "-o", str(page))
    assert result.exit_code == 0, result.output
    macs = 13979 * 13979 * 9 * 59614 * 59614  # one 13979-wide 3x3 conv of the sweep's
    assert 10**18 < macs < 10**19  # the chart's decades go past it, to 10**21 and beyond
    assert ">1e21</text>" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "needle"), [
    # C3k2(2, 2): c = int(2 x 0.5) = 1; its Bottleneck(1, 1) or C3k(1, 1) is int(1 x 0.5) = 0
    (("--in", "2", "--blocks", "conv,c3k2"), "c3k2's inner blocks int(1 x 0.5) = 0 hidden"),
    (("--in", "2", "--blocks", "conv,c3k2", "--c3k"), "c3k2's inner blocks int(1 x 0.5)"),
    (("--in", "4", "--blocks", "conv,c3k2", "--e", "0.25"), "int(4 x 0.25) = 1)"),
    (("--in", "1", "--blocks", "sppf,conv"), "sppf's hidden width is --in // 2 = 1 // 2 = 0"),
])
@pytest.mark.parametrize("measure", [(), ("--no-measure",)], ids=["measured", "analytic"])
def test_a_yolo_block_with_a_zero_wide_conv_is_refused(args: tuple[str, ...], needle: str,
                                                       measure: tuple[str, ...]) -> None:
    assert_usage_error(invoke("compare", *args, *measure), needle)  # was exit 3, or 0 MACs


def test_the_narrowest_c3k2_is_counted() -> None:
    result = invoke("compare", "--in", "4", "--blocks", "conv,c3k2", "--c3k", "--no-measure",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    c = 2  # int(4 x 0.5); C3k(2, 2, n=2): c_ = 1, two Bottleneck(1, 1, e=1.0) of 3x3 convs
    c3k = 2 * c * 1 + 2 * (9 + 9) + 2 * 1 * c  # cv1, cv2 1x1; 2 x (3x3, 3x3); cv3 on 1 + 1
    weights = 4 * 2 * c + c3k + (3 * c) * 4  # cv1 to 2c, one C3k, cv2 on the 3 chunks
    assert json.loads(result.stdout)["blocks"][1]["params"]["conv"] == weights
