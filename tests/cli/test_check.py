"""``bottlecalc check``: every exit code, budget files, and the outputs parsed back.

Expected counts are derived here from the fixture models' layers, never from the tool.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures"
SMALL = f"{FIXTURES / 'small_cnn.py'}:build"
SMALL_INPUT = ("--input", "1,3,32,32")

# tests/fixtures/small_cnn.py on a 1x3x32x32 input, layer by layer
CONV1 = 3 * 3 * 3 * 8  # no bias; frozen
BN = 2 * 8
CONV2 = 3 * 3 * 8 * 16 + 16  # stride 2: 16x16 output
FC = 16 * 10 + 10
SMALL_PARAMS = CONV1 + BN + CONV2 + FC
SMALL_TRAINABLE = SMALL_PARAMS - CONV1
SMALL_CONV_LINEAR_MACS = CONV1 * 32 * 32 + (3 * 3 * 8 * 16) * 16 * 16 + 16 * 10
# fvcore adds BN in eval mode (2 per element) and adaptive avg-pool (1 per input element)
SMALL_MACS = SMALL_CONV_LINEAR_MACS + 2 * 8 * 32 * 32 + 16 * 16 * 16
SMALL_FLOPS = 2 * SMALL_CONV_LINEAR_MACS

# The article's bottleneck 256 -> 64 -> 256 at 56x56, with BN as torchvision has it
BOTTLENECK_CONV = 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256
BOTTLENECK_PARAMS = BOTTLENECK_CONV + 2 * (64 + 64 + 256)
BOTTLENECK_MACS = BOTTLENECK_CONV * 56 * 56 + 2 * (64 + 64 + 256) * 56 * 56
RESNET18_PARAMS = 11_689_512  # torchvision's published figure


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args], prog_name="bottlecalc")


def as_json(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_user_model_counts_every_way() -> None:
    result = invoke(SMALL, *SMALL_INPUT, "--max-params", str(SMALL_PARAMS),
                    "--max-macs", str(SMALL_CONV_LINEAR_MACS), "--max-flops", str(SMALL_FLOPS),
                    "--format", "json")
    assert result.exit_code == 0, result.output
    budget = as_json(result)["budgets"][0]
    measured = budget["measured"]
    assert measured["params"] == SMALL_PARAMS
    assert measured["trainable_params"] == SMALL_TRAINABLE
    assert measured["macs"] == SMALL_CONV_LINEAR_MACS  # max-macs: the complete count
    assert measured["macs_routes"] == {"torch": SMALL_CONV_LINEAR_MACS,
                                       "ops": SMALL_CONV_LINEAR_MACS,
                                       "modules": SMALL_CONV_LINEAR_MACS, "fvcore": SMALL_MACS}
    assert measured["macs_fvcore"] == SMALL_MACS
    assert measured["flops_torch"] == SMALL_FLOPS
    assert measured["flops_device"] == "meta"
    assert measured["params_unused"] == 0 and measured["unused_modules"] == []
    assert [c["status"] for c in budget["checks"]] == ["pass", "pass", "pass"]
    assert [c["headroom_pct"] for c in budget["checks"]] == [0.0, 0.0, 0.0]
    # fvcore's extra: BN 2 per element and the adaptive average pool 1 per input element
    extra = {r["op"]: r["macs"] for r in budget["reconcile"] if r["engine"] == "fvcore"}
    assert extra == {"aten::batch_norm": 2 * 8 * 32 * 32, "aten::adaptive_avg_pool2d": 16 * 16 * 16}
    assert "bottlecalc check: ok: 1 budget: 1 within" in result.stderr


def test_one_over_the_limit_exits_1_and_says_which_count() -> None:
    result = invoke(SMALL, *SMALL_INPUT, "--max-params", "1.569k", "--max-macs", "1M")
    assert result.exit_code == 1
    out = result.stdout
    assert "params (torch)" in out and "MACs (complete)" in out
    assert f"{SMALL_PARAMS:,}" in out and "1,569" in out and "BUDGET EXCEEDED" in out
    assert "FAILED" in result.stderr


def test_tolerance_lets_a_small_excess_pass() -> None:
    args = (SMALL, *SMALL_INPUT, "--max-params", str(SMALL_PARAMS - 10), "--format", "json")
    assert invoke(*args).exit_code == 1
    result = invoke(*args, "--tolerance", "1%")
    assert result.exit_code == 0
    assert as_json(result)["budgets"][0]["status"] == "tolerated"


def test_class_targets_and_meta_fallback() -> None:
    result = invoke(f"{FIXTURES / 'small_cnn.py'}:Net", *SMALL_INPUT, "--max-params", "2k",
                    "--format", "json")
    assert as_json(result)["budgets"][0]["measured"]["params"] == SMALL_PARAMS
    result = invoke(f"{FIXTURES / 'small_cnn.py'}:build_cpu_only", *SMALL_INPUT,
                    "--max-flops", "1M", "--format", "json")
    budget = as_json(result)["budgets"][0]
    assert budget["measured"]["flops_torch"] == 2 * CONV1 * 32 * 32
    assert budget["measured"]["flops_device"] == "meta"  # built on the CPU, counted on a copy
    assert "meta device failed" in budget["notes"][0]


def test_an_op_without_macs_fvcore_skips_is_listed_not_warned() -> None:
    result = invoke(f"{FIXTURES / 'unsupported_op.py'}:build", "--input", "1,3,8,8",
                    "--max-macs", "1M", "--format", "json")
    assert result.exit_code == 0
    budget = as_json(result)["budgets"][0]
    assert budget["measured"]["macs"] == budget["measured"]["macs_fvcore"] == 3 * 4 * 8 * 8
    assert budget["fvcore_unsupported"] == {"aten::cumsum": 1}
    assert [(r["op"], r["macs"], r["count"]) for r in budget["reconcile"]] == [
        ("aten::cumsum", 0, 1)]
    assert budget["warnings"] == []


def test_block_target_uses_compare_options() -> None:
    base = ("--block", "bottleneck", "--in", "256", "--mid", "64", "--format", "json")
    result = invoke(*base, "--max-params", str(BOTTLENECK_PARAMS), "--max-macs", "230M")
    assert result.exit_code == 0, result.output
    budget = as_json(result)["budgets"][0]
    assert budget["kind"] == "block" and budget["input"] == [1, 256, 56, 56]
    assert budget["measured"]["macs_fvcore"] == BOTTLENECK_MACS
    assert invoke(*base, "--max-params", str(BOTTLENECK_PARAMS - 1)).exit_code == 1


def test_block_target_takes_bn_and_bias() -> None:
    base = ("--block", "bottleneck", "--in", "256", "--mid", "64", "--no-bn", "--bias",
            "--format", "json")
    # no BN; one bias per output channel of each of the three convs
    params = 256 * 64 + 9 * 64 * 64 + 64 * 256 + (64 + 64 + 256)
    result = invoke(*base, "--max-params", str(params))
    assert result.exit_code == 0, result.output
    assert as_json(result)["budgets"][0]["measured"]["params"] == params
    assert invoke(*base, "--max-params", str(params - 1)).exit_code == 1


def test_preset_with_only_max_params_never_traces_for_real() -> None:
    result = invoke("resnet18", "--max-params", "11.7M", "--format", "json")
    assert result.exit_code == 0
    budget = as_json(result)["budgets"][0]
    assert budget["measured"]["params"] == RESNET18_PARAMS
    assert budget["measured"]["macs_fvcore"] is None  # fvcore runs for max-macs only
    assert budget["measured"]["flops_device"] == "meta"
    assert invoke("resnet18", "--max-params", str(RESNET18_PARAMS - 1)).exit_code == 1


@pytest.mark.parametrize(
    ("target", "cause"),
    [
        (f"{FIXTURES / 'raising.py'}:build", "RuntimeError: checkpoint weights.pt not found"),
        (f"{FIXTURES / 'does_not_exist.py'}:build", "no such file"),
        (f"{FIXTURES / 'broken_import.py'}:build", "No module named 'bottlecalc_no_such_module'"),
        (f"{FIXTURES / 'small_cnn.py'}:not_a_module", "returned a str, not an nn.Module"),
        (f"{FIXTURES / 'small_cnn.py'}:nope", "has no attribute 'nope'"),
        (f"{FIXTURES / 'small_cnn.py'}:build_wrong_input", "forward pass"),
        ("bottlecalc_missing_pkg.models:build", "No module named 'bottlecalc_missing_pkg'"),
    ],
)
def test_model_that_cannot_be_imported_built_or_run_exits_3(target: str, cause: str) -> None:
    result = invoke(target, "--max-params", "1M", "--max-flops", "1G")
    assert result.exit_code == 3
    assert cause in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_debug_shows_the_traceback_and_still_exits_3() -> None:
    result = invoke(f"{FIXTURES / 'raising.py'}:build", "--max-params", "1M", "--debug")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr
    assert "checkpoint weights.pt not found" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("resnet18", "--max-params", "25.6m"), "--max-params must be a number"),
        (("resnet18", "--max-params", "1.5"), "--max-params must be a whole number"),
        (("resnet18",), "give at least one limit"),
        (("resnet5", "--max-params", "1M"), "did you mean 'resnet50'"),
        (("resnet18", "--max-params", "1M", "--input", "1,1,224,224"), "--input"),
        (("resnet18", "--max-params", "1M", "--tolerance", "lots"), "--tolerance"),
        (("resnet18", "--max-params", "1M", "--block", "basic", "--in", "64"), "not both"),
        (("resnet18", "--max-params", "1M", "--in", "64"), "--in apply only with --block"),
        (("--block", "bottleneck", "--in", "64", "--max-params", "1M"), "needs --mid"),
        (("--block", "basic", "--max-params", "1M"), "needs --in"),
        (("resnet18", "--max-params", "1M", "--config", "x.toml"), "takes no TARGET"),
        (("--max-params", "1M"), "--max-params need a TARGET"),
        (("resnet18", "--max-params", "1M", "--format", "xml"), "--format"),
    ],
)
def test_usage_errors_exit_2_in_one_line(args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


# --- a project with budgets in its pyproject.toml ---------------------------------------

PASSING = f"""\
[project]
name = "demo"

[tool.bottlecalc.budgets.backbone]
target = "resnet18"
max-params = "11.7M"

[tool.bottlecalc.budgets.head]
target = "models/net.py:build"
input = [1, 3, 32, 32]
max-params = {SMALL_PARAMS}
max-macs = "{SMALL_MACS // 1000 + 1}k"
"""

FAILING = PASSING + f"""
[tool.bottlecalc.budgets.tight]
target = "demo_models:build"
input = "1,3,32,32"
max-flops = {SMALL_FLOPS - 1}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "models").mkdir()
    shutil.copy(FIXTURES / "small_cnn.py", tmp_path / "models" / "net.py")
    shutil.copy(FIXTURES / "small_cnn.py", tmp_path / "demo_models.py")
    shutil.copy(FIXTURES / "raising.py", tmp_path / "models" / "broken.py")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # check adds the project directory
    return tmp_path


def test_project_budgets_pass(project: Path) -> None:
    (project / "pyproject.toml").write_text(PASSING, encoding="utf-8")
    result = invoke()
    assert result.exit_code == 0, result.output
    assert "backbone" in result.stdout and "head" in result.stdout
    assert "2 budgets: 2 within" in result.stderr


def test_project_budget_exceeded_exits_1_with_annotations(project: Path) -> None:
    (project / "pyproject.toml").write_text(FAILING, encoding="utf-8")
    result = invoke("--format", "github")
    assert result.exit_code == 1
    notes = parse_github(result.stdout)
    assert [(n["level"], n["props"]["line"]) for n in notes] == [
        ("notice", "4"), ("notice", "8"), ("error", "14")]
    assert all(n["props"]["file"] == "pyproject.toml" for n in notes)
    tight = notes[2]
    assert tight["props"]["title"] == "bottlecalc tight: BUDGET EXCEEDED"
    assert f"FLOPs (FlopCounterMode, 2 per multiply-add) {SMALL_FLOPS:,}" in tight["message"]
    assert f"max-flops {SMALL_FLOPS - 1:,}" in tight["message"]


def test_project_junit_parses_with_an_xml_parser(project: Path) -> None:
    text = FAILING + '\n[tool.bottlecalc.budgets.broken]\ntarget = "models/broken.py:build"\n'
    (project / "pyproject.toml").write_text(text + "max-params = 1\n", encoding="utf-8")
    result = invoke("--format", "junit", "-o", "report.xml")
    assert result.exit_code == 3  # a model that cannot be built outranks an exceeded budget
    assert result.stdout == ""
    root = ET.parse(project / "report.xml").getroot()
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert names == [
        ("bottlecalc.budgets.backbone", "max-params"),
        ("bottlecalc.budgets.head", "max-params"),
        ("bottlecalc.budgets.head", "max-macs"),
        ("bottlecalc.budgets.tight", "max-flops"),
        ("bottlecalc.budgets.broken", "measure"),
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "1", "1")
    failure = cases[3].find("failure")
    assert failure is not None and f"{SMALL_FLOPS:,}" in failure.get("message", "")
    error = cases[4].find("error")
    assert error is not None and "checkpoint weights.pt not found" in error.get("message", "")


def test_config_file_option_and_relative_paths(project: Path, tmp_path: Path) -> None:
    sub = project / "ci"
    sub.mkdir()
    (sub / "budgets.toml").write_text(
        PASSING.replace("models/net.py", "../models/net.py"), encoding="utf-8")
    result = invoke("--config", "ci/budgets.toml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["source"] == "ci/budgets.toml"
    assert [b["name"] for b in data["budgets"]] == ["backbone", "head"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PASSING.replace("max-macs", "max-mac"), "unknown key 'max-mac'"),
        (PASSING.replace('target = "resnet18"\n', ""), "missing target"),
        (PASSING.replace('"11.7M"', '"11.7 million"'), "max-params must be a number"),
        (PASSING.replace("[tool.bottlecalc.budgets.head]", "[tool.bottlecalc.budgets.head"),
         "invalid TOML"),
        (PASSING.replace("resnet18", "resnet19"), "unknown network 'resnet19'"),
        ("[project]\nname = 'x'\n", "no [tool.bottlecalc.budgets"),
    ],
)
def test_misconfigured_project_exits_2_before_measuring(
    project: Path, text: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    result = invoke()
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_no_pyproject_exits_2(project: Path) -> None:
    result = invoke()
    assert result.exit_code == 2
    assert "no ./pyproject.toml" in result.stderr


GITHUB = re.compile(r"::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)")


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse_github(output: str) -> list[dict[str, Any]]:
    """Read workflow commands back as GitHub does: every line must be one."""
    notes = []
    for line in output.splitlines():
        match = GITHUB.fullmatch(line)
        assert match is not None, line
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        notes.append({"level": match["level"], "message": unescape(match["message"]),
                      "props": {k: unescape(v) for k, v in props.items()}})
    return notes


def test_help_has_examples_and_imports_no_torch() -> None:
    code = ("import sys; from click.testing import CliRunner; from bottlecalc.cli import cli; "
            "r = CliRunner().invoke(cli, ['check', '--help']); "
            "print(r.exit_code, 'Examples:' in r.output, '4.1G' in r.output, "
            "'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "True", "True", "False"]
