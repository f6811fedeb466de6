"""Issue 20: whatever a user's hook raises, names a budget holds or a baseline says, every
bad input is one stderr line and its documented exit code, and no other budget is lost.

The model is a Linear(4, 2): 4 * 2 + 2 = 10 parameters, 4 * 2 = 8 MACs on a 1x4 input.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bottlecalc.budget.baseline import VERSIONS
from bottlecalc.budget.files import load_budgets
from bottlecalc.cli import cli
from bottlecalc.report.jsondoc import SCHEMA_VERSIONS

LINEAR_PARAMS = 4 * 2 + 2
HOOKS = '''
import asyncio
import torch
from torch import nn


class Stopped(BaseException):
    """A BaseException of the user's own."""


RAISED = {"cancelled": asyncio.CancelledError, "generator_exit": GeneratorExit,
          "system_exit": SystemExit, "own": Stopped, "runtime": RuntimeError}


def build():
    return nn.Linear(4, 2)


def example():
    return (torch.zeros(1, 4),)


class Forward(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.fc, self.kind = nn.Linear(4, 2), kind

    def forward(self, x):
        raise RAISED[self.kind]("line one\\nline two")


for _kind, _exc in RAISED.items():
    def _raise(exc=_exc):
        raise exc("line one\\nline two")
    globals()[f"factory_{_kind}"] = _raise
    globals()[f"inputs_{_kind}"] = _raise
    globals()[f"forward_{_kind}"] = lambda kind=_kind: Forward(kind)


def interrupt():
    raise KeyboardInterrupt
'''
KINDS = ["cancelled", "generator_exit", "system_exit", "own", "runtime"]


@pytest.fixture
def hooks(tmp_path: Path) -> Path:
    path = tmp_path / "hooks.py"
    path.write_text(HOOKS, encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args], prog_name="bottlecalc")


def one_error_line(result: Result) -> str:
    """The run's error, which must be one stderr line (the summary follows it)."""
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    return errors[0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("hook", ["factory", "forward"])
def test_whatever_a_model_raises_is_one_line_and_exit_3(hooks: Path, hook: str,
                                                        kind: str) -> None:
    result = invoke(f"{hooks}:{hook}_{kind}", "--input", "1,4", "--max-params", "1k")
    assert result.exit_code == 3, result.output  # never 1: that says "budget exceeded"
    line = one_error_line(result)
    assert f"{hook}_{kind}" in line


@pytest.mark.parametrize("kind", KINDS)
def test_whatever_an_inputs_callable_raises_is_one_line_naming_it(hooks: Path,
                                                                  kind: str) -> None:
    result = invoke(f"{hooks}:build", "--inputs", f"{hooks}:inputs_{kind}", "--max-params", "1k")
    assert result.exit_code == 3, result.output
    assert f"inputs_{kind}" in one_error_line(result)


@pytest.mark.parametrize("hook", ["factory_", "forward_"])
def test_ctrl_c_in_a_hook_stays_130(hooks: Path, hook: str, monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path) -> None:
    source = hooks.read_text(encoding="utf-8") + "\nfactory_ctrl_c = interrupt\n"
    source += "forward_ctrl_c = lambda: type('F', (nn.Module,), {'forward': " \
              "lambda self, x: interrupt()})()\n"
    hooks.write_text(source, encoding="utf-8")
    result = invoke(f"{hooks}:{hook}ctrl_c", "--input", "1,4", "--max-params", "1k")
    assert result.exit_code == 130, result.output
    assert result.stderr.count("\n") == 1


def budget_file(tmp_path: Path, hooks: Path, names: list[str], *,
                inputs: dict[str, str] | None = None) -> Path:
    tables = []
    for name in names:
        feed = (f'inputs = "{hooks}:{inputs[name]}"' if inputs and name in inputs
                else 'input = "1,4"')
        tables.append(f'[tool.bottlecalc.budgets.{json.dumps(name)}]\n'
                      f'target = "{hooks}:build"\n{feed}\nmax-params = "1k"\n')
    path = tmp_path / "budgets.toml"
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


def test_a_failing_inputs_callable_fails_its_budget_only(hooks: Path, tmp_path: Path) -> None:
    config = budget_file(tmp_path, hooks, ["good", "bad"], inputs={"bad": "inputs_runtime"})
    out = tmp_path / "report.json"
    result = invoke("--config", str(config), "--format", "json", "-o", str(out))
    assert result.exit_code == 3, result.output
    budgets = {b["name"]: b for b in json.loads(out.read_text(encoding="utf-8"))["budgets"]}
    assert budgets["good"]["measured"]["params"] == LINEAR_PARAMS
    assert [v["status"] for v in budgets["good"]["checks"]] == ["pass"]
    assert "inputs_runtime" in budgets["bad"]["error"]
    assert "1 within, 1 not measured (bad)" in result.stderr


NASTY = ["a\n::error::forged", "b\u0001c", "tab\there", "cr\rret", "\x1b[31mred"]


@pytest.mark.parametrize("fmt", ["table", "github", "markdown", "junit", "json"])
def test_names_with_control_characters_never_split_a_line(hooks: Path, tmp_path: Path,
                                                          fmt: str) -> None:
    config = budget_file(tmp_path, hooks, NASTY, inputs={NASTY[1]: "inputs_runtime"})
    result = invoke("--config", str(config), "--format", fmt)
    assert result.exit_code == 3, result.output
    assert not [line for line in result.stderr.splitlines()
                if not line.startswith("bottlecalc check: ")], result.stderr
    if fmt == "github":
        assert all(line.startswith("::") for line in result.stdout.splitlines())
        assert len(result.stdout.splitlines()) == len(NASTY)
    if fmt == "junit":
        cases = ET.fromstring(result.stdout.encode()).iter("testcase")
        assert len(list(cases)) == len(NASTY)
    if fmt == "json":  # the data keeps the names exactly
        names = [b["name"] for b in json.loads(result.stdout)["budgets"]]
        assert names == NASTY
    if fmt in ("table", "markdown"):
        assert "::error::forged" not in [line.strip() for line in result.stdout.splitlines()]


def test_a_multi_line_error_is_one_line(hooks: Path) -> None:
    result = invoke(f"{hooks}:forward_runtime", "--input", "1,4", "--max-params", "1k")
    assert result.exit_code == 3
    assert "line one\\nline two" in one_error_line(result)


def test_wrote_names_the_file_on_one_line(hooks: Path, tmp_path: Path) -> None:
    out = tmp_path / "a\nb.json"
    result = invoke(f"{hooks}:build", "--input", "1,4", "--max-params", "1k", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert [line for line in result.stderr.splitlines() if line.startswith("wrote ")] == [
        f"wrote {tmp_path}/a\\nb.json"]


def baseline(tmp_path: Path, text: str) -> Result:
    path = tmp_path / "base.json"
    path.write_text(text, encoding="utf-8")
    return invoke("resnet18", "--max-params", "1", "--baseline", str(path))


def check_doc(budgets: str, version: Any = 2) -> str:
    return f'{{"schema": "bottlecalc.check", "version": {json.dumps(version)}, ' \
           f'"budgets": {budgets}}}'


@pytest.mark.parametrize(("text", "words"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deep"),
    (check_doc("[" * 100_000 + "]" * 100_000), "nested too deep"),
    (check_doc('[{"name": "x", "measured": {"params": Infinity}}]'), "Infinity is not a count"),
    (check_doc('[{"name": "x", "measured": {"params": NaN}}]'), "NaN is not a count"),
    (check_doc('[{"name": "x", "measured": {"params": 1e400}}]'), "inf is not a count"),
    (check_doc('[{"name": "x", "measured": {"macs": 2.5}}]'), "2.5 is not a count"),
    (check_doc('[{"name": "x", "modules": [{"name": "a", "params": -Infinity}]}]'),
     "-Infinity is not a count"),
    (check_doc('[{"name": "x", "modules": [{"name": "a", "params": true}]}]'),
     "True is not a count"),
    (check_doc('[{"name": "x", "measured": {"params": ' + "9" * 10_000 + "}}]"),
     "not a bottlecalc document"),
    (check_doc("[]", 99), "document of version 99; this bottlecalc reads version 2"),
    (check_doc("[]", 1), "document of version 1; this bottlecalc reads version 2"),
    (check_doc("[]", "2"), "document of version '2'"),
    (check_doc("[]", None), "document of no version"),
    ('{"schema": "bottlecalc.network", "version": 7, "networks": []}', "version 7"),
])
def test_a_baseline_bottlecalc_did_not_write_is_one_line_exit_2(
        tmp_path: Path, text: str, words: str) -> None:
    result = baseline(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr
    assert result.stdout == ""


def test_baseline_versions_are_the_ones_bottlecalc_writes() -> None:
    assert {f"bottlecalc.{c}": SCHEMA_VERSIONS[c] for c in ("check", "network")} == VERSIONS


LIMIT = 'target = "resnet18", max-params = "12M"'
FORMS = [  # (budget file, the budget's name, its line)
    (f'[project]\nname = "x"\n\n[tool.bottlecalc.budgets]\ninline = {{ {LIMIT} }}\n',
     "inline", 5),
    ('[tool.bottlecalc.budgets]\n"quoted.name".target = "resnet18"\n'
     '"quoted.name".max-params = "12M"\n', "quoted.name", 2),
    ("[tool.bottlecalc.budgets]\n'lit'.target = 'resnet18'\nlit.max-params = '1M'\n", "lit", 2),
    ('[tool.bottlecalc]\n\nbudgets.dotted.target = "resnet18"\n'
     'budgets.dotted.max-params = "1M"\n', "dotted", 3),
    (f"[tool.bottlecalc]\nbudgets.nested = {{ {LIMIT} }}\n", "nested", 2),
    (f"[tool]\nbottlecalc.budgets = {{ deep = {{ {LIMIT} }} }}\n", "deep", 2),
    (f"tool.bottlecalc.budgets.root = {{ {LIMIT} }}\n", "root", 1),
    (f'[tool.bottlecalc.budgets."esc\\u0041ped"]\n{LIMIT.replace(", ", chr(10))}\n',
     "escAped", 1),
    (f"# budgets\n[ tool . bottlecalc . budgets . spaced ]\n{LIMIT.replace(', ', chr(10))}\n",
     "spaced", 2),
    (f"[[tool.other]]\nspaced = 1\n[tool.bottlecalc.budgets.spaced]\n"
     f"{LIMIT.replace(', ', chr(10))}\n", "spaced", 3),
]


@pytest.mark.parametrize(("text", "name", "line"), FORMS)
def test_budgets_in_any_toml_form_know_their_line(tmp_path: Path, text: str, name: str,
                                                  line: int) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    assert [(b.name, b.line) for b in load_budgets(path)] == [(name, line)]


def test_github_annotations_point_at_inline_and_dotted_budgets(tmp_path: Path,
                                                               hooks: Path) -> None:
    path = tmp_path / "budgets.toml"
    path.write_text(f'[tool.bottlecalc.budgets]\nfirst = {{ target = "{hooks}:build", '
                    f'input = "1,4", max-params = "1" }}\n\n'
                    f'second.target = "{hooks}:build"\n'
                    f'second.input = "1,4"\nsecond.max-params = "1k"\n',
                    encoding="utf-8")
    result = invoke("--config", str(path), "--format", "github")
    assert result.exit_code == 1, result.output
    first, second = result.stdout.splitlines()
    assert first.startswith(f"::error file={str(path).replace(':', '%3A')},line=2,")
    assert second.startswith(f"::notice file={str(path).replace(':', '%3A')},line=4,")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="bottlecalc")


@pytest.mark.parametrize("args", [
    ("compare", "--in", "8", "--mid", "8", "--size", "4", "--time", "--device", "CPU",
     "--dtype", "FLOAT32", "--threads", "1"),
    ("network", "resnet18", "--size", "32", "--dtype", "FLOAT16", "--no-measure"),
])
def test_choices_are_case_insensitive(args: tuple[str, ...], short_timing: None) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output


def test_schema_names_are_case_insensitive() -> None:
    assert run("schema", "CHECK").stdout == run("schema", "check").stdout
    assert run("schema", "BottleCalc.Network").stdout == run("schema", "network").stdout
    assert run("schema", "CHECK").exit_code == 0


def test_more_threads_than_cpus_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    result = run("compare", "--in", "8", "--mid", "8", "--time", "--threads", "3")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "this machine has 2 CPUs; give at most 2" in result.stderr


def test_a_config_name_too_long_for_the_system_is_one_line_exit_2() -> None:
    result = invoke("--config", "a" * 5000)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert "File name too long" in result.stderr


def test_schema_writes_json_names_only(tmp_path: Path) -> None:
    result = run("schema", "check", "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 2
    assert "the name must end in .json" in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert run("schema", "check", "-o", str(tmp_path / "s.json")).exit_code == 0


def test_the_report_never_replaces_a_file_the_run_reads(hooks: Path, tmp_path: Path) -> None:
    config = budget_file(tmp_path, hooks, ["one"], inputs={"one": "example"})
    base = tmp_path / "base.json"
    base.write_text(check_doc("[]"), encoding="utf-8")
    (tmp_path / "link.toml").symlink_to(config)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for args, what in [
        (("--config", str(config), "-o", str(config)), "budget file"),
        (("--config", str(config), "-o", str(tmp_path / "link.toml")), "budget file"),
        (("--config", str(config), "-o", str(hooks), "--format", "table"), "model file"),
        (("--config", str(config), "-o", str(base), "--baseline", str(base)), "--baseline file"),
        ((f"{hooks}:build", "--input", "1,4", "--max-params", "1", "-o",
          f"{tmp_path}/../{tmp_path.name}/hooks.py"), "model file"),
        ((f"{hooks}:build", "--inputs", f"{hooks}:example", "--max-params", "1", "-o",
          str(hooks)), "model file"),
    ]:
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"is the {what} this run reads" in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_inputs_file_apart_from_the_model_is_protected(hooks: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.py"
    feed.write_text("import torch\n\ndef example():\n    return (torch.zeros(1, 4),)\n",
                    encoding="utf-8")
    result = invoke(f"{hooks}:build", "--inputs", f"{feed}:example", "--max-params", "1k",
                    "-o", str(feed))
    assert result.exit_code == 2
    assert "is the --inputs file this run reads" in result.stderr


def slow_machine(monkeypatch: pytest.MonkeyPatch, gflops: float) -> None:
    """A CPU whose probes reached ``gflops`` in bfloat16 (one without native bf16 units)."""
    from bottlecalc.analytic import DType
    from bottlecalc.measure import timing
    from bottlecalc.timed import Machine

    machine = Machine(cpu="test", device="cpu", dtype=DType.BFLOAT16, threads=1,
                      matmul_gflops=gflops, conv_gflops=gflops * 2, bandwidth_gbs=1.0)
    monkeypatch.setattr(timing, "probe_machine", lambda options: machine)


# The Linear(4, 2) on 1x4 computes 2 * 8 = 16 FLOPs a forward; network TARGET --time times
# it whole and row by row: at least 3 calls each, 2 * 3 * 16 = 96 FLOPs at the slower roof.
TIMED_FLOPS = 2 * 3 * 2 * 4 * 2


def test_timing_that_would_take_minutes_is_refused_before_it_runs(
        hooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bottlecalc.measure import timing

    slow_machine(monkeypatch, TIMED_FLOPS / 600 / 1e9)  # 600 s: 10 minutes
    monkeypatch.setattr(timing, "time_model", lambda *a, **k: pytest.fail("timed"))
    result = run("network", f"{hooks}:build", "--input", "1,4", "--time", "--dtype",
                 "bfloat16", "--threads", "1")
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert "--time in bfloat16 would take about 10 minutes" in result.stderr
    assert "time in float32" in result.stderr


def test_timing_that_takes_seconds_is_announced_first(
        hooks: Path, monkeypatch: pytest.MonkeyPatch, short_timing: None) -> None:
    slow_machine(monkeypatch, TIMED_FLOPS / 30 / 1e9)  # 30 s
    result = run("network", f"{hooks}:build", "--input", "1,4", "--time", "--dtype",
                 "bfloat16", "--threads", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "bottlecalc: --time: timing takes about 30 s: this cpu runs bfloat16" \
        in result.stderr


def test_timing_that_takes_a_moment_says_nothing(
        hooks: Path, monkeypatch: pytest.MonkeyPatch, short_timing: None) -> None:
    slow_machine(monkeypatch, TIMED_FLOPS / 1 / 1e9)  # 1 s
    result = run("network", f"{hooks}:build", "--input", "1,4", "--time", "--threads", "1",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert "timing takes about" not in result.stderr


def test_inputs_naming_no_callable_says_what_it_names(tmp_path: Path, hooks: Path) -> None:
    feed = tmp_path / "feed.py"
    feed.write_text("import torch\nSHAPE = 5\nTENSOR = torch.zeros(1, 4)\n", encoding="utf-8")
    result = invoke(f"{hooks}:build", "--inputs", f"{feed}:SHAPE", "--max-params", "1k")
    assert result.exit_code == 3
    assert ("SHAPE is an int (5), not a callable that returns the example inputs"
            in one_error_line(result))
    assert "nn.Module" not in result.stderr
    result = invoke(f"{hooks}:build", "--inputs", f"{feed}:TENSOR", "--max-params", "1k")
    assert "TENSOR is a Tensor" in one_error_line(result)


def test_a_module_instance_is_told_to_point_at_what_builds_it(tmp_path: Path) -> None:
    model = tmp_path / "inst.py"
    model.write_text("from torch import nn\nMODEL = nn.Linear(4, 2)\n", encoding="utf-8")
    result = invoke(f"{model}:MODEL", "--input", "1,4", "--max-params", "1k")
    assert result.exit_code == 3
    assert "MODEL is a Linear module (an instance; point at what builds it)" \
        in one_error_line(result)


def test_the_memory_refusal_for_a_model_suggests_what_a_model_takes(
        hooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bottlecalc.measure import timing

    monkeypatch.setattr(timing, "available_bytes", lambda device: 1)
    result = run("network", f"{hooks}:build", "--input", "1,4", "--time", "--threads", "1")
    assert result.exit_code == 2, result.output
    assert "give a smaller --input (or --inputs)" in result.stderr
    assert "--size" not in result.stderr and "--batch" not in result.stderr


VALUE_READER = '''
import torch
from torch import nn


class ReadsValues(nn.Module):
    """Its forward looks at the input through numpy, which a meta tensor cannot reach:
    counted on the CPU (the output is still computed from the input itself)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        assert x.numpy().shape == (1, 4)
        return self.fc(x)
'''


@pytest.fixture
def cpu_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A model counted on the CPU, too big (here: over 1 MAC) for fvcore to trace."""
    from bottlecalc.measure import pipeline

    monkeypatch.setattr(pipeline, "TRACE_MAX_MACS", 1)
    path = tmp_path / "reads.py"
    path.write_text(VALUE_READER, encoding="utf-8")
    return f"{path}:ReadsValues"


def test_notes_say_where_the_count_was_made(cpu_counted: str) -> None:
    result = invoke(cpu_counted, "--input", "1,4", "--max-macs", "1k", "--format", "json")
    notes = json.loads(result.stdout)["budgets"][0]["notes"]
    assert any(n.startswith("counted on the CPU") for n in notes), notes
    fvcore = [n for n in notes if n.startswith("fvcore not run")]
    assert fvcore == ["fvcore not run: tracing for real would compute 8 MACs; "
                      "FlopCounterMode measured on the cpu"]
    assert not any("meta" in n for n in notes if not n.startswith("counted on the CPU"))


def test_conventions_name_the_device_that_counted(cpu_counted: str) -> None:
    result = run("network", cpu_counted, "--input", "1,4", "--conventions")
    assert result.exit_code == 0, result.output
    assert "2 per multiply-add (cpu device)" in result.stdout
    assert "(meta device)" not in result.stdout


DETECTOR = '''
import torch
from torch import nn


class Concat(nn.Module):
    def forward(self, xs):
        return torch.cat(xs, 1)


class Detector(nn.Module):
    """Stride 4, as a YOLO is stride 32: two stride-2 convs, the deeper features upsampled
    and joined to the shallower ones, so the input side must be a multiple of 4."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, 2, 1)
        self.down = nn.Conv2d(4, 4, 3, 2, 1)
        self.up = nn.Upsample(scale_factor=2)
        self.join = Concat()
        self.head = nn.Conv2d(8, 2, 1)
        self.stride = {stride}

    def forward(self, x):
        a = self.stem(x)
        return self.head(self.join([a, self.up(self.down(a))]))
'''


@pytest.mark.parametrize(("stride", "said"), [("torch.tensor([2.0, 4.0])", "stride (4)."),
                                              ("None", "stride.")])
def test_an_input_the_model_rejects_names_the_module_and_the_stride(
        tmp_path: Path, stride: str, said: str) -> None:
    path = tmp_path / "det.py"
    path.write_text(DETECTOR.format(stride=stride), encoding="utf-8")
    result = invoke(f"{path}:Detector", "--input", "1,3,10,10", "--max-macs", "1M")
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert "failed on input 1x3x10x10 in module join (Concat): RuntimeError: " in line
    assert line.endswith(f"The input size may need to be a multiple of the model's {said}")
    # 10 -> 5 -> 3, upsampled to 6 against 5; a multiple of 4 fits: 16 -> 8 -> 4 -> 8
    assert invoke(f"{path}:Detector", "--input", "1,3,16,16", "--max-macs", "1M").exit_code == 0


def test_an_error_in_the_models_own_forward_names_its_class(hooks: Path) -> None:
    result = invoke(f"{hooks}:forward_runtime", "--input", "1,4", "--max-params", "1k")
    assert "failed on input 1x4 in Forward.forward: RuntimeError: line one\\nline two" \
        in one_error_line(result)
