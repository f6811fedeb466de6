"""Exit codes hold under every flag (docs/cli.md): 2 bad input, 3 tool error, 130 Ctrl-C,
with or without --debug; the small things users expect of a command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bottlecalc.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures"
BAD_INPUT = {
    "compare": ("compare", "--in", "0", "--mid", "64", "--no-measure"),
    "network": ("network", "custom", "--block", "basic", "--layers", "3,0", "--no-measure"),
    "check": ("check", "resnet18", "--max-params", "25.6m"),
    "sweep": ("sweep", "--in", "256", "--mid", "16:8:1"),
    "diagram": ("diagram", "--in", "256", "--mid", "64", "--groups", "3"),
    "handout": ("handout", "--in", "256", "--mid", "64", "--sweep", "0", "--no-measure"),
    "click's own": ("compare", "--in", "abc", "--mid", "64"),
}
DEBUG = [((), {}), (("--debug",), {}), ((), {"BOTTLECALC_DEBUG": "1"})]


def invoke(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, prog_name="bottlecalc")


@pytest.mark.parametrize("command", sorted(BAD_INPUT))
@pytest.mark.parametrize(("flags", "env"), DEBUG, ids=["plain", "--debug", "BOTTLECALC_DEBUG"])
def test_bad_input_exits_2_under_every_flag(command: str, flags: tuple[str, ...],
                                            env: dict[str, str]) -> None:
    result = invoke(*BAD_INPUT[command], *flags, **env)
    assert result.exit_code == 2, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("bottlecalc ") and ": error: " in last
    if not flags and not env:
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(("flags", "env"), DEBUG, ids=["plain", "--debug", "BOTTLECALC_DEBUG"])
def test_a_tool_error_exits_3_under_every_flag(flags: tuple[str, ...],
                                               env: dict[str, str]) -> None:
    result = invoke("check", f"{FIXTURES / 'raising.py'}:build", "--max-params", "1M",
                    *flags, **env)
    assert result.exit_code == 3
    assert ("Traceback" in result.stderr) is bool(flags or env)


def test_ctrl_c_inside_a_command_is_one_line_and_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import bottlecalc.api

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bottlecalc.api, "compare_blocks", interrupted)
    result = invoke("compare", "--in", "256", "--mid", "64")
    assert result.exit_code == 130
    assert result.stderr == "bottlecalc compare: interrupted (Ctrl-C)\n"


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


def test_a_real_sigint_exits_130() -> None:
    proc = run_python(f"""
        import os, signal, bottlecalc.api
        # Ctrl-C as in a terminal, even when the suite runs with SIGINT ignored (a
        # background job inherits SIG_IGN and Python then raises no KeyboardInterrupt)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        bottlecalc.api.compare_blocks = lambda *a, **k: os.kill(os.getpid(), {signal.SIGINT})
        from bottlecalc.cli import main
        main()
    """, "compare", "--in", "256", "--mid", "64")
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().endswith("interrupted (Ctrl-C)")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("args", "hint"), [
    (("compare", "--in", "256", "--mid", "64"), "or use --no-measure"),
    (("check", "resnet18", "--max-params", "12M"), "pip install torch"),
])
def test_without_torch_a_measuring_command_exits_3_with_a_hint(
        args: tuple[str, ...], hint: str) -> None:
    proc = run_python("""
        import sys
        sys.modules["torch"] = None  # as if torch were not installed
        from bottlecalc.cli import main
        main()
    """, *args)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert "torch is not installed" in proc.stderr and hint in proc.stderr
    if args[0] == "check":
        assert "--no-measure" not in proc.stderr  # check has none to offer


def test_without_torch_no_measure_still_works() -> None:
    proc = run_python("""
        import sys
        sys.modules["torch"] = None
        from bottlecalc.cli import main
        main()
    """, "compare", "--in", "256", "--mid", "64", "--no-measure")
    assert proc.returncode == 0, proc.stderr
    assert "1,179,648" in proc.stdout


def test_bare_bottlecalc_prints_help_and_exits_0() -> None:
    result = invoke()
    assert result.exit_code == 0
    assert "Usage: bottlecalc" in result.stdout and "compare" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("args", [
    ("compare", "--in", "256", "--mid", "64", "--no-measure", "--format", "JSON"),
    ("compare", "--in", "256", "--mid", "64", "--no-measure", "--stride", "2",
     "--stride-on", "1X1"),
    ("network", "ResNet18", "--no-measure", "--depth", "LAYER", "--dtype", "Float16",
     "--variant", "V1"),
    ("network", "CUSTOM", "--block", "Basic", "--layers", "1,1", "--no-measure"),
    ("handout", "--in", "256", "--mid", "64", "--no-measure", "--lang", "ZH",
     "--format", "Markdown"),
    ("sweep", "--in", "256", "--mid", "16,32", "--format", "CSV"),
])
def test_choices_are_case_insensitive_everywhere(args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "message"), [
    (("compare", "--in", "256", "--mid", "64", "--stride-on", "1x1", "--no-measure"),
     "--stride-on applies only with --stride 2"),
    (("sweep", "--in", "256", "--mid", "16,32", "--stride-on", "3x3"),
     "--stride-on applies only with --stride 2"),
    (("check", "--block", "basic", "--in", "64", "--mid", "32", "--max-params", "1M"),
     "--mid applies to --block bottleneck only"),
    (("check", "--block", "basic", "--in", "64", "--stride", "2", "--stride-on", "1x1",
      "--max-params", "1M"), "--stride-on applies to --block bottleneck only"),
])
def test_an_option_that_would_change_nothing_is_refused(args: tuple[str, ...],
                                                          message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_diagram_refuses_what_it_cannot_draw() -> None:
    for extra in (("--batch", "8"), ("--bias",)):
        result = invoke("diagram", "--in", "256", "--mid", "64", *extra)
        assert result.exit_code == 2
        assert f"{extra[0]} does not apply to diagram" in result.stderr


def complete(words: str) -> list[str]:
    env = {"_BOTTLECALC_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    result = CliRunner().invoke(cli, [], env=env, prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_completion_offers_presets_formats_and_files() -> None:
    assert complete("bottlecalc network resnet1") == [
        "plain,resnet18", "plain,resnet101", "plain,resnet152"]
    assert "plain,custom" in complete("bottlecalc network c")
    assert complete("bottlecalc check wide") == [
        "plain,wide_resnet50_2", "plain,wide_resnet101_2"]
    assert complete("bottlecalc check models/") == ["file,models/"]
    assert complete("bottlecalc check --format ") == [
        "plain,table", "plain,json", "plain,github", "plain,junit", "plain,markdown"]
    assert complete("bottlecalc compare -o out") == ["file,out"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_exist_for_the_documented_shells(shell: str) -> None:
    result = CliRunner().invoke(cli, [], env={"_BOTTLECALC_COMPLETE": f"{shell}_source"},
                                prog_name="bottlecalc")
    assert result.exit_code == 0
    assert "_BOTTLECALC_COMPLETE" in result.stdout
