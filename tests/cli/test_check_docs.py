"""docs/ci.md: its YAML parses, names real hooks and options, and its commands run."""

from __future__ import annotations

import json
import re
import shlex
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bottlecalc.budget.model import Metric
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


def check_commands() -> list[tuple[list[str], set[int]]]:
    """Every ``bottlecalc check`` the snippets run, in order, with the exit codes the step
    accepts (``|| test $? -eq 1`` lets a budget be over and still pass the step)."""
    lines = []
    for doc in yaml_blocks().values():
        lines += re.findall(r"bottlecalc check[^\n'\"]*", json.dumps(doc))
    out = []
    for line in lines:
        command, _, fallback = line.partition("||")
        ok = {0, 1} if fallback.strip() == "test $? -eq 1" else {0}
        out.append((shlex.split(command)[2:], ok))
    return out


# The test project's model, then the same model with its second conv and its fc narrower:
# what main had before a pull request widened them.
NET = (ROOT / "tests" / "fixtures" / "small_cnn.py").read_text(encoding="utf-8")
NARROW = NET.replace("nn.Conv2d(8, 16, 3, stride=2, padding=1)",
                     "nn.Conv2d(8, 12, 3, stride=2, padding=1)").replace(
                     "nn.Linear(16, 10)", "nn.Linear(12, 10)")


def conv_macs(cin: int, cout: int, k: int, side: int) -> int:
    return cin * cout * k * k * side * side


def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    """A project with models/net.py and one budget, ``head``, as the current directory."""
    (tmp_path / "models").mkdir(exist_ok=True)
    (tmp_path / "models" / "net.py").write_text(source, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.bottlecalc.budgets.head]\ntarget = "models/net.py:build"\n'
        'input = "1,3,32,32"\nmax-params = "1.6k"\nmax-macs = "600k"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return tmp_path


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
    backbone, detector, tagger, captioner, chat = load_budgets(tmp_path / "pyproject.toml")
    assert (backbone.target, detector.input) == ("resnet50", (TensorSpec((1, 3, 512, 512)),))
    assert tagger.input == (TensorSpec((1, 128), "int64"),) * 2
    assert captioner.inputs == "mypkg.models:example_batch"
    assert (chat.context, chat.limit(Metric.DECODE_MACS), chat.limit(Metric.KV_BYTES)) == (
        4096, 26 * 10**5, 42 * 10**5)


def test_github_workflow_saves_a_baseline_on_main_and_comments_on_pull_requests() -> None:
    doc = yaml_blocks()[".github/workflows/budgets.yml"]
    steps = doc["jobs"]["budgets"]["steps"]
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save"))
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore"))
    assert save["with"]["path"] == restore["with"]["path"] == "bottlecalc-baseline.json"
    assert restore["with"]["restore-keys"] == save["with"]["key"].split("$")[0]
    assert "push" in save["if"] and "pull_request" in restore["if"]
    comment = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    assert "--body-file bottlecalc-comment.md" in comment["run"]
    assert doc["permissions"]["pull-requests"] == "write"


def test_documented_commands_run_on_a_project(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands, in order: main writes the baseline with the narrower model, then the
    pull request's model (wider second conv and fc) is compared, annotated and reported."""
    project(tmp_path, monkeypatch, NARROW)
    commands = check_commands()
    assert commands  # the workflow, the job: at least one each
    for args, ok in commands:
        if "--baseline" in args:
            (tmp_path / "models" / "net.py").write_text(NET, encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", *args], prog_name="bottlecalc")
        assert result.exit_code in ok, (args, result.output)
    junit = ET.parse(tmp_path / "bottlecalc-junit.xml").getroot()
    assert [c.get("name") for c in junit.iter("testcase")] == ["max-params", "max-macs"]
    comment_renders_as_tables((tmp_path / "bottlecalc-comment.md").read_text("utf-8"))


def comment_renders_as_tables(text: str) -> None:
    """The pull-request comment, rendered as GitHub would: a verdict table with both limits
    and a table of the modules that changed, with deltas derived here."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<table>") == 2
    assert "<td><code>max-params</code></td>" in html and "<code>max-macs</code>" in html
    widened = conv_macs(8, 16, 3, 16) - conv_macs(8, 12, 3, 16)
    assert f"<td>{widened:+,}</td>" in html  # the second conv, module 3
    assert f"<td>{(16 - 12) * 10:+,}</td>" in html  # the fc's weights, module 6


def keys(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON document, list items folded into ``[]``."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in {f"{prefix}.{k}"} | keys(v, f"{prefix}.{k}")}
    if isinstance(value, list):
        return set().union(*(keys(v, f"{prefix}[]") for v in value))
    return set()


def test_json_example_has_exactly_the_keys_check_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documented = json.loads(blocks("json")[0])
    project(tmp_path, monkeypatch, NARROW)
    target = ["models/net.py:build", "--input", "1,3,32,32", "--max-macs", "500k"]
    CliRunner().invoke(cli, ["check", *target, "--format", "json", "-o", "main.json"])
    (tmp_path / "models" / "net.py").write_text(NET, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", *target, "--baseline", "main.json",
                                      "--format", "json"])
    actual = json.loads(result.stdout)
    assert keys(documented) == keys(actual)
    want, got = documented["budgets"][0], actual["budgets"][0]
    for key in ("measured", "checks", "top_modules", "baseline", "changes", "modules"):
        assert want[key] == got[key], key
    assert want["reconcile"][0] in got["reconcile"]


def test_json_example_changes_are_the_widened_layers() -> None:
    """The documented changes, derived from the two models' shapes (32x32 input, the
    second conv strided to 16x16)."""
    changes = {(c["module"], c["metric"]): c["delta"]
               for c in json.loads(blocks("json")[0])["budgets"][0]["changes"]}
    assert changes == {
        ("3", "macs"): conv_macs(8, 16, 3, 16) - conv_macs(8, 12, 3, 16),
        ("3", "params"): (16 - 12) * (8 * 9 + 1),
        ("6", "macs"): (16 - 12) * 10,
        ("6", "params"): (16 - 12) * 10,
    }
