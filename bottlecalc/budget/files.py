"""Budget files: every ``[tool.bottlecalc.budgets.<name>]`` table of a TOML file, validated."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from bottlecalc.budget.model import Budget, Metric, make_limits
from bottlecalc.budget.numbers import parse_tolerance
from bottlecalc.errors import SpecError
from bottlecalc.spec import TensorSpec, parse_tensor

KNOWN_KEYS = ("target", "input", "inputs", "max-params", "max-macs", "max-flops",
              "tolerance")


def load_budgets(path: Path) -> tuple[Budget, ...]:
    """Every ``[tool.bottlecalc.budgets.<name>]`` table of a TOML file, validated."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read budget file {path}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: invalid TOML: {exc}") from exc
    tables = data.get("tool", {}).get("bottlecalc", {}).get("budgets")
    if not isinstance(tables, dict) or not tables:
        raise SpecError(f"{path}: no [tool.bottlecalc.budgets.<name>] tables; "
                        "give a TARGET or add a budget (see docs/ci.md)")
    return tuple(_budget(path, name, table, text) for name, table in tables.items())


def _budget(path: Path, name: str, table: object, text: str) -> Budget:
    where = f"{path}: [tool.bottlecalc.budgets.{name}]"
    if not isinstance(table, dict):
        raise SpecError(f"{where} must be a table with target and max-params/max-macs/max-flops")
    _check_keys(where, table)
    target = table.get("target")
    if not isinstance(target, str) or not target.strip():
        raise SpecError(f"{where}: missing target (a preset like \"resnet50\" or "
                        "\"package.module:callable\" / \"path/to/file.py:callable\")")
    try:
        return Budget(
            name=name, target=target.strip(),
            limits=make_limits({m: table.get(m.option) for m in Metric}, prefix=""),
            input=parse_feed("input", table["input"]) if "input" in table else None,
            inputs=_callable("inputs", table["inputs"]) if "inputs" in table else None,
            tolerance=parse_tolerance("tolerance", table.get("tolerance", 0)),
            line=_line_of(text, name),
        )
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from exc


def parse_feed(option: str, value: object) -> tuple[TensorSpec, ...]:
    """``input``: one shape (``"1,3,224,224"`` or ``[1, 3, 224, 224]``) or a list of shapes
    with optional dtypes, one per positional input (``["1,16:int64", "1,16:int64"]``)."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(parse_tensor(f"{option}[{i}]", v) for i, v in enumerate(value))
    return (parse_tensor(option, value),)


def _callable(option: str, value: object) -> str:
    if not isinstance(value, str) or ":" not in value:
        raise SpecError(f"{option} must be \"package.module:callable\" or "
                        f"\"path/to/file.py:callable\", got {value!r}")
    return value.strip()


def _check_keys(where: str, table: dict[str, Any]) -> None:
    for key in table:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpecError(f"{where}: unknown key {key!r}{hint} "
                            f"(known: {', '.join(KNOWN_KEYS)})")


def _line_of(text: str, name: str) -> int | None:
    """1-based line of the budget's table header, so annotations can point at it."""
    quoted = rf"(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')"
    pattern = re.compile(rf"^\s*\[\s*tool\s*\.\s*bottlecalc\s*\.\s*budgets\s*\.\s*{quoted}\s*\]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
