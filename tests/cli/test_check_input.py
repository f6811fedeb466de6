"""``check`` ignores nothing it is given: options that do not apply, empty values, unknown
or mistyped keys anywhere under ``[tool.bottlecalc]``, shapes torch cannot take; and a
``--config`` file resolves targets as ./pyproject.toml's budgets do."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures"
RESNET18_PARAMS = 11_689_512  # torchvision's published figure


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args], prog_name="bottlecalc")


@pytest.mark.parametrize(("args", "message"), [
    (("--block", "basic", "--in", "64", "--max-params", "1M", "--input", "1,64,56,56"),
     "--input applies to a TARGET"),
    (("resnet18", "--max-params", "12M", "--input", ""), "--input must be a shape"),
    (("resnet18", "--max-params", "12M", "--input", "1,3,0,224"),
     "--input: dimension 3 must be at least 1, got 0"),
    (("resnet18", "--max-params", "12M", "--input", "1,3,-8,224"),
     "--input: dimension 3 must be at least 1, got -8"),
    (("resnet18", "--max-params", "12M", "--input", "1,3,224,a"),
     "--input: dimension 4 must be an integer, got 'a'"),
    (("resnet18", "--max-params", "12M", "--input", "1,3,224,70000"),
     "--input: dimension 4 must be at most 65,536"),
    (("m.py:build", "--max-params", "1M", "--input", "65536,65536,65536,65536"),
     "beyond what torch can index"),
    (("resnet18", "--max-params", "2P"), "--max-params must be a number"),
])
def test_input_that_would_be_ignored_or_misread_is_refused(
        args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_tera_suffix_for_budgets() -> None:
    result = invoke("resnet18", "--max-params", "0.000012T", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"limit": 12000000' in result.stdout
    assert f'"actual": {RESNET18_PARAMS}' in result.stdout


BUDGET = """
[tool.bottlecalc.budgets.backbone]
target = "resnet18"
max-params = "12M"
"""


@pytest.mark.parametrize(("text", "message"), [
    ('[tool.bottlecalc]\nbudget = {}\n' + BUDGET, "unknown key 'budget'; did you mean 'budgets'?"),
    ('[tool.bottlecalc]\nbudgets = 5\n', "budgets must be a table"),
    ('[tool]\nbottlecalc = "x"\n', "[tool.bottlecalc] must be a table, got a string"),
    ('[tool.bottlecalc]\nbudgets = {}\n', "no [tool.bottlecalc.budgets.<name>] tables"),
    (BUDGET.replace('"resnet18"', "5"), "target must be a string"),
    (BUDGET.replace('"resnet18"', '""'), "target must be a string"),
    (BUDGET.replace('"resnet18"', "5"), "got an integer (5)"),
    (BUDGET.replace('"12M"', "true"), "max-params must be a number"),
    (BUDGET + 'input = "1,3,0,224"\n', "input: dimension 3 must be at least 1, got 0"),
    (BUDGET + "[tool.bottlecalc.budgets.backbone.extra]\nx = 1\n", "unknown key 'extra'"),
    ("[tool.bottlecalc.budgets]\nhead = 5\n", "must be a table with target"),
])
def test_budget_file_mistakes_name_the_key_and_what_was_expected(
        text: str, message: str, tmp_path: Path) -> None:
    config = tmp_path / "budgets.toml"
    config.write_text(text, encoding="utf-8")
    result = invoke("--config", str(config))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and str(config) in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_budget_file_that_is_not_utf8_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_bytes(BUDGET.encode("utf-8") + b"# caf\xe9\n")
    result = invoke("--config", str(config))
    assert result.exit_code == 2
    assert f"{config}: not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_a_config_elsewhere_imports_packages_from_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "demo_i11_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(FIXTURES / "small_cnn.py", package / "models.py")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "budgets.toml").write_text(
        '[tool.bottlecalc.budgets.head]\ntarget = "demo_i11_pkg.models:build"\n'
        'input = "1,3,32,32"\nmax-params = "2k"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    result = invoke("--config", "ci/budgets.toml")
    assert result.exit_code == 0, result.output
    assert "1 within" in result.stderr
