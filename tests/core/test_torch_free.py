"""What needs no torch never imports it: every module by its layer, and every command that
counts analytically or only shows help. One check, run in fresh processes.

Modules are imported from the lightest layer up in one process; each is held to its
layer's rule the moment it is imported, so a heavy import is blamed on the module that
brought it in.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap
from functools import cache

import pytest

import bottlecalc

TORCH_LAYERS = ("bottlecalc.build", "bottlecalc.measure")
CLI_LAYER = ("bottlecalc.cli", "bottlecalc.__main__")
ENGINES = frozenset({"torch", "fvcore"})


def rule(module: str) -> frozenset[str]:
    """What a module may not bring in: the core is pure Python; report adds rich; cli click."""
    if module.startswith(CLI_LAYER):
        return ENGINES
    if module.startswith("bottlecalc.report"):
        return ENGINES | {"click"}
    return ENGINES | {"rich", "click"}


def modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(bottlecalc.__path__, "bottlecalc.")
             if not m.name.startswith(TORCH_LAYERS)]
    def layer(name: str) -> int:
        return 2 if name.startswith(CLI_LAYER) else int(name.startswith("bottlecalc.report"))

    return sorted(names, key=lambda name: (layer(name), name))


@cache
def imported_heavy() -> dict[str, list[str]]:
    """module -> the forbidden packages loaded once it was imported."""
    code = f"""
        import importlib, json, sys
        rules = {json.dumps({m: sorted(rule(m)) for m in modules()})}
        seen = {{}}
        for name, banned in rules.items():
            importlib.import_module(name)
            seen[name] = sorted(set(banned) & set(sys.modules))
        print(json.dumps(seen))
    """
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=True)
    found: dict[str, list[str]] = json.loads(proc.stdout)
    return found


@pytest.mark.parametrize("module", modules())
def test_module_keeps_its_layer_light(module: str) -> None:
    assert imported_heavy()[module] == [], f"{module} imports {imported_heavy()[module]}"


COMMANDS = [
    ["--help"],
    *[[name, "--help"] for name in ("compare", "network", "check", "sweep", "diagram",
                                    "handout", "schema")],
    ["compare", "--in", "256", "--mid", "64", "--no-measure"],
    ["compare", "--in", "256", "--mid", "64", "--no-measure", "--format", "json"],
    ["compare", "--in", "256", "--mid", "64", "--no-measure", "--format", "markdown"],
    ["network", "resnet50", "--no-measure", "--format", "json"],
    ["sweep", "--in", "256", "--mid", "16,32,64"],
    ["diagram", "--in", "256", "--mid", "64"],
    ["handout", "--in", "256", "--mid", "64", "--no-measure", "--format", "markdown"],
    ["schema", "network"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_command_never_imports_torch(args: list[str]) -> None:
    code = f"""
        import sys
        from bottlecalc.cli import cli
        try:
            cli.main({args!r}, prog_name="bottlecalc")
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        assert not set({sorted(ENGINES)!r}) & set(sys.modules), "torch or fvcore imported"
        print("TORCH-FREE", file=sys.stderr)
    """
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "TORCH-FREE" in proc.stderr
