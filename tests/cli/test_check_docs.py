"""docs/ci.md: its YAML parses, names real hooks and options, and its commands run."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.spec import TensorSpec

ROOT = Path(__file__).parent.parent.parent
DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, flags=re.DOTALL)


def yaml_blocks() -> dict[str, Any]:
    """The workflow, GitLab job and pre-commit config, keyed by the file each belongs in."""
    out = {}
    for text in blocks("yaml"):
        name = text.splitlines()[0].removeprefix("# ").strip()
        out[name] = yaml.safe_load(text)
    return out


def check_commands() -> list[list[str]]:
    lines = []
    for doc in yaml_blocks().values():
        lines += re.findall(r"bottlecalc check[^\n'\"]*", json.dumps(doc))
    return [shlex.split(line)[2:] for line in lines]


def test_every_snippet_parses_and_is_present() -> None:
    assert sorted(yaml_blocks()) == [
        ".github/workflows/budgets.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"]


def test_github_workflow_annotates_and_keeps_the_junit_report() -> None:
    steps = yaml_blocks()[".github/workflows/budgets.yml"]["jobs"]["budgets"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert "bottlecalc check --format github" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "bottlecalc-junit.xml"
    assert any(r.endswith("-o bottlecalc-junit.xml") for r in runs)


def test_gitlab_job_reports_the_file_it_writes() -> None:
    job = yaml_blocks()[".gitlab-ci.yml"]["model-budgets"]
    written = shlex.split(job["script"][-1])
    assert written[written.index("-o") + 1] == job["artifacts"]["reports"]["junit"]


def test_pre_commit_snippet_names_a_hook_that_exists() -> None:
    config = yaml_blocks()[".pre-commit-config.yaml"]
    wanted = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    defined = {hook["id"]: hook for hook in HOOKS}
    assert wanted <= set(defined)
    for hook in HOOKS:
        assert hook["entry"] == "bottlecalc check"
        assert hook["pass_filenames"] is False
        assert re.search(hook["files"], "pyproject.toml")
        assert re.search(hook["files"], "src/models/net.py")
        assert not re.search(hook["files"], "README.md")
    assert {h["language"] for h in HOOKS} == {"system", "python"}


def test_toml_example_in_the_docs_is_a_valid_budget_file(tmp_path: Path) -> None:
    from bottlecalc.budget.files import load_budgets

    (tmp_path / "pyproject.toml").write_text(blocks("toml")[0], encoding="utf-8")
    backbone, detector, tagger, captioner = load_budgets(tmp_path / "pyproject.toml")
    assert (backbone.target, detector.input) == ("resnet50", (TensorSpec((1, 3, 512, 512)),))
    assert tagger.input == (TensorSpec((1, 128), "int64"),) * 2
    assert captioner.inputs == "mypkg.models:example_batch"


def test_documented_commands_run_on_a_project(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fixtures = ROOT / "tests" / "fixtures"
    (tmp_path / "models").mkdir()
    shutil.copy(fixtures / "small_cnn.py", tmp_path / "models" / "net.py")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.bottlecalc.budgets.head]\ntarget = "models/net.py:build"\n'
        'input = "1,3,32,32"\nmax-params = "1.6k"\nmax-macs = "600k"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    commands = check_commands()
    assert commands  # the workflow, the job: at least one each
    for args in commands:
        result = CliRunner().invoke(cli, ["check", *args], prog_name="bottlecalc")
        assert result.exit_code == 0, (args, result.output)
    junit = ET.parse(tmp_path / "bottlecalc-junit.xml").getroot()
    assert [c.get("name") for c in junit.iter("testcase")] == ["max-params", "max-macs"]


def keys(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON document, list items folded into ``[]``."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in {f"{prefix}.{k}"} | keys(v, f"{prefix}.{k}")}
    if isinstance(value, list):
        return set().union(*(keys(v, f"{prefix}[]") for v in value))
    return set()


def test_json_example_has_exactly_the_keys_check_writes() -> None:
    documented = json.loads(blocks("json")[0])
    target = f"{ROOT / 'tests' / 'fixtures' / 'small_cnn.py'}:build"
    result = CliRunner().invoke(cli, ["check", target, "--input", "1,3,32,32",
                                      "--max-macs", "500k", "--format", "json"])
    actual = json.loads(result.stdout)
    assert keys(documented) == keys(actual)
    assert documented["budgets"][0]["measured"] == actual["budgets"][0]["measured"]
    assert documented["budgets"][0]["checks"] == actual["budgets"][0]["checks"]
    assert documented["budgets"][0]["reconcile"][0] in actual["budgets"][0]["reconcile"]
