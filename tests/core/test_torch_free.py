"""The analytic core, --help and --no-measure never import torch (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)


def test_package_import_is_light() -> None:
    proc = run("""
        import sys
        import bottlecalc, bottlecalc.spec, bottlecalc.analytic, bottlecalc.results
        import bottlecalc.presets, bottlecalc.budget, bottlecalc.sweep, bottlecalc.diagram
        import bottlecalc.api, bottlecalc.report.text, bottlecalc.report.jsonfmt
        heavy = {"torch", "fvcore", "rich", "click"} & set(sys.modules)
        assert not heavy, heavy
    """)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("args", [
    ["--help"],
    ["compare", "--help"],
    ["compare", "--in", "256", "--mid", "64", "--no-measure"],
    ["compare", "--in", "256", "--mid", "64", "--no-measure", "--format", "json"],
    ["compare", "--in", "256", "--mid", "64", "--no-measure", "--format", "markdown"],
    ["network", "resnet50", "--no-measure", "--format", "json"],
    ["sweep", "--in", "256", "--mid", "16,32,64"],
    ["diagram", "--in", "256", "--mid", "64"],
    ["check", "--help"],
])
def test_cli_without_torch(args: list[str]) -> None:
    proc = run(f"""
        import sys
        from bottlecalc.cli import cli
        try:
            cli.main({args!r}, prog_name="bottlecalc")
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        assert "torch" not in sys.modules and "fvcore" not in sys.modules
        print("TORCH-FREE", file=sys.stderr)
    """)
    assert proc.returncode == 0, proc.stderr
    assert "TORCH-FREE" in proc.stderr
