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

KNOWN_KEYS = ("target", "input", "inputs", *(m.option for m in Metric), "context", "seq-dim",
              "tolerance")
SECTION_KEYS = ("budgets",)  # what [tool.bottlecalc] itself may hold
TOML_TYPES = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
              list: "an array", dict: "a table"}


def toml_type(value: object) -> str:
    """'an integer (5)': what a TOML value is, for messages that say what was expected."""
    kind = TOML_TYPES.get(type(value), "a date or time")
    return f"{kind} ({value!r})" if isinstance(value, (bool, int, float)) else kind


def load_budgets(path: Path) -> tuple[Budget, ...]:
    """Every ``[tool.bottlecalc.budgets.<name>]`` table of a TOML file, validated."""
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: invalid TOML: {exc}") from exc
    tables = _budget_tables(path, data)
    return tuple(_budget(path, name, table, text) for name, table in tables.items())


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text (byte {exc.start}); TOML files must be "
                        "UTF-8") from exc
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reason = getattr(exc, "strerror", None) or exc
        raise SpecError(f"cannot read budget file {str(path)!r}: {reason}") from exc


def _budget_tables(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``[tool.bottlecalc.budgets]``, after checking every key under ``[tool.bottlecalc]``."""
    tool = data.get("tool", {})
    section = tool.get("bottlecalc", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        raise SpecError(f"{path}: [tool.bottlecalc] must be a table, got {toml_type(section)}")
    _check_keys(f"{path}: [tool.bottlecalc]", section, SECTION_KEYS)
    tables = section.get("budgets")
    if tables is not None and not isinstance(tables, dict):
        raise SpecError(f"{path}: [tool.bottlecalc] budgets must be a table of "
                        f"[tool.bottlecalc.budgets.<name>] tables, got {toml_type(tables)}")
    if not tables:
        raise SpecError(f"{path}: no [tool.bottlecalc.budgets.<name>] tables; "
                        "give a TARGET or add a budget (see docs/ci.md)")
    return tables


def _budget(path: Path, name: str, table: object, text: str) -> Budget:
    where = f"{path}: [tool.bottlecalc.budgets.{name}]"
    if not isinstance(table, dict):
        raise SpecError(f"{where} must be a table with target and max-params/max-macs/"
                        f"max-flops, got {toml_type(table)}")
    _check_keys(where, table, KNOWN_KEYS)
    target = table.get("target")
    what = ('a preset like "resnet50" or "package.module:callable" / '
            '"path/to/file.py:callable"')
    if target is None:
        raise SpecError(f"{where}: missing target ({what})")
    if not isinstance(target, str) or not target.strip():
        got = toml_type(target) if not isinstance(target, str) else "an empty string"
        raise SpecError(f"{where}: target must be a string ({what}), got {got}")
    try:
        return Budget(
            name=name, target=target.strip(),
            limits=make_limits({m: table.get(m.option) for m in Metric}, prefix=""),
            input=parse_feed("input", table["input"]) if "input" in table else None,
            inputs=_callable("inputs", table["inputs"]) if "inputs" in table else None,
            tolerance=parse_tolerance("tolerance", table.get("tolerance", 0)),
            line=_line_of(text, name),
            context=_whole("context", table.get("context"), least=1),
            seq_dim=_whole("seq-dim", table.get("seq-dim"), least=0),
        )
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from exc


def parse_feed(option: str, value: object) -> tuple[TensorSpec, ...]:
    """``input``: one shape (``"1,3,224,224"`` or ``[1, 3, 224, 224]``) or a list of shapes
    with optional dtypes, one per positional input (``["1,16:int64", "1,16:int64"]``)."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(parse_tensor(f"{option}[{i}]", v) for i, v in enumerate(value))
    return (parse_tensor(option, value),)


def _whole(key: str, value: object, *, least: int) -> int | None:
    """``context = 2048``, ``seq-dim = 1``: a TOML integer of at least ``least``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise SpecError(f"{key} must be a whole number >= {least}, got {toml_type(value)}")
    return value


def _callable(option: str, value: object) -> str:
    if not isinstance(value, str) or ":" not in value:
        raise SpecError(f"{option} must be \"package.module:callable\" or "
                        f"\"path/to/file.py:callable\", got {value!r}")
    return value.strip()


def _check_keys(where: str, table: dict[str, Any], known: tuple[str, ...]) -> None:
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpecError(f"{where}: unknown key {key!r}{hint} (known: {', '.join(known)})")


# TOML keys as written: bare, "basic" (with escapes) or 'literal', dotted with dots.
KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
DOTTED = rf"{KEY_PART}(?:\s*\.\s*{KEY_PART})*"
HEADER = re.compile(rf"^\s*\[\s*({DOTTED})\s*\]")
ASSIGN = re.compile(rf"^\s*({DOTTED})\s*=")
BUDGETS_PATH = ["tool", "bottlecalc", "budgets"]


def _line_of(text: str, name: str) -> int | None:
    """1-based line where the budget is first named, so annotations can point at it: its
    ``[tool.bottlecalc.budgets.<name>]`` header, a dotted key (``<name>.target = ...``)
    or an inline table (``<name> = { target = ... }``) under any parent table."""
    wanted, prefix = [*BUDGETS_PATH, name], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("[["):
            prefix = ["[["]  # an array of tables: no budget lives there
        elif header := HEADER.match(line):
            prefix = _key_parts(header.group(1))
            if prefix[:4] == wanted:
                return number
        elif assign := ASSIGN.match(line):
            path = prefix + _key_parts(assign.group(1))
            inline = path == wanted[:len(path)] and _names_key(line[assign.end():], name)
            if path[:4] == wanted or inline:
                return number
    return None


def _key_parts(dotted: str) -> list[str]:
    """``tool."a.b".c`` -> ['tool', 'a.b', 'c'] (quotes removed, escapes decoded)."""
    return [_unquote(part) for part in re.findall(KEY_PART, dotted)]


def _unquote(part: str) -> str:
    if part.startswith('"'):
        try:
            return str(tomllib.loads(f"k = {part}")["k"])
        except tomllib.TOMLDecodeError:
            return part
    return part[1:-1] if part.startswith("'") else part


def _names_key(value: str, name: str) -> bool:
    """An inline table's text (``{ tiny = { target = ... } }``) has ``name`` as a key."""
    return any(_unquote(key) == name for key in
               re.findall(rf"[{{,]\s*({KEY_PART})\s*[=.]", value))
