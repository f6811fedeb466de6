"""Budgets for ``bottlecalc check``: numbers, budget tables, verdicts. Pure Python, no torch.

A budget caps a target's parameters, MACs or FLOPs. Each cap is held against one engine:

* ``max-params`` — learnable parameters torch instantiated (``numel`` summed);
* ``max-macs``   — fvcore's measured count (one multiply-accumulate = 1; BN and pooling
  counted as fvcore counts them);
* ``max-flops``  — torch's FlopCounterMode (two FLOPs per multiply-accumulate).

Numbers accept ``25557032``, ``25_557_032``, ``25.6M``, ``4.1G``, ``70k`` and ``1e9``
(k/K = 10^3, M = 10^6, G = 10^9); the result must be a whole number.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

from bottlecalc.errors import SpecError
from bottlecalc.presets import get_preset
from bottlecalc.spec import MAX_SIZE, BlockSpec, InputShape, NetworkSpec, parse_int

SUFFIXES = {"k": 3, "K": 3, "M": 6, "G": 9}
# Beyond 10^21 a budget is a typo, and capping keeps "1e999999999" from building a huge int.
MAX_COUNT = 10**21
_NUMBER = re.compile(
    r"(?P<mantissa>(?:\d+(?:_\d+)*)?(?:\.\d+(?:_\d+)*)?|\d+(?:_\d+)*\.)"
    r"(?P<exp>[eE][+-]?\d+)?\s*(?P<suffix>[kKMG])?"
)
KNOWN_KEYS = ("target", "input", "max-params", "max-macs", "max-flops", "tolerance")
DEFAULT_INPUT = (1, 3, 224, 224)


class Metric(StrEnum):
    PARAMS = "params"
    MACS = "macs"
    FLOPS = "flops"

    @property
    def option(self) -> str:
        return f"max-{self}"

    @property
    def engine(self) -> str:
        """The count this metric's limit is held against (shown in every format)."""
        return ENGINES[self]

    @property
    def label(self) -> str:
        """The short form of :attr:`engine`, for table columns."""
        return LABELS[self]


ENGINES = {
    Metric.PARAMS: "parameters (instantiated, numel)",
    Metric.MACS: "MACs (fvcore, 1 per multiply-add)",
    Metric.FLOPS: "FLOPs (FlopCounterMode, 2 per multiply-add)",
}
LABELS = {
    Metric.PARAMS: "params (torch)",
    Metric.MACS: "MACs (fvcore)",
    Metric.FLOPS: "FLOPs (FlopCounterMode)",
}


def parse_count(option: str, value: object) -> int:
    """An exact, positive integer from a user's number: ``25.6M`` -> 25,600,000."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SpecError(f"{option} must be a number like 25_557_032, 25.6M or 4.1G, got {value!r}")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    match = _NUMBER.fullmatch(text) if len(text) <= 64 else None
    if match is None or not match["mantissa"].strip("."):
        raise SpecError(
            f"{option} must be a number like 25_557_032, 25.6M, 4.1G, 70k or 1e9, got {value!r}"
        )
    return _exact(option, match, value)


def _exact(option: str, match: re.Match[str], value: object) -> int:
    number = Decimal(match["mantissa"].replace("_", "") + (match["exp"] or ""))
    # Bound the exponent before scaling, so no huge number or context overflow can arise.
    if number and number.adjusted() + SUFFIXES.get(match["suffix"] or "", 0) > 21:
        raise SpecError(f"{option} must be at most 10^21, got {value!r}")
    with localcontext() as ctx:
        ctx.prec = 200  # exact: the mantissa is at most 64 characters long
        number = number.scaleb(SUFFIXES.get(match["suffix"] or "", 0))
    if number > MAX_COUNT:
        raise SpecError(f"{option} must be at most 10^21, got {value!r}")
    if number != number.to_integral_value():
        raise SpecError(f"{option} must be a whole number, got {value!r} = {number}")
    if number < 1:
        raise SpecError(f"{option} must be at least 1, got {value!r}")
    return int(number)


def parse_tolerance(option: str, value: object) -> Fraction:
    """A percentage the actual count may exceed the limit by: ``5``, ``"2.5%"``."""
    text = str(value).strip() if isinstance(value, (int, float, str)) else ""
    text = repr(value) if isinstance(value, float) else text.removesuffix("%").strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d+(\.\d+)?", text):
        raise SpecError(f"{option} must be a percentage like 5 or \"2.5%\", got {value!r}")
    percent = Fraction(Decimal(text))
    if percent > 100:
        raise SpecError(f"{option} must be at most 100 (%), got {value!r}")
    return percent


def parse_input(option: str, value: object) -> tuple[int, ...]:
    """An input shape: ``"1,3,224,224"``, ``"1x3x224x224"`` or ``[1, 3, 224, 224]``."""
    if isinstance(value, list) and value:
        parts = [str(v) if isinstance(v, int) and not isinstance(v, bool) else "?" for v in value]
    elif isinstance(value, str) and value.strip():
        parts = re.split(r"\s*[,xX]\s*", value.strip())
    else:
        raise SpecError(f"{option} must be a shape like 1,3,224,224, got {value!r}")
    if len(parts) > 8:
        raise SpecError(f"{option} has {len(parts)} dimensions; at most 8, got {value!r}")
    try:
        return tuple(parse_int(option, part, high=MAX_SIZE) for part in parts)
    except SpecError as exc:
        raise SpecError(f"{option} must be a shape like 1,3,224,224, got {value!r}") from exc


@dataclass(frozen=True)
class Limit:
    metric: Metric
    value: int


@dataclass(frozen=True)
class Budget:
    """One named budget: a target and up to three limits (``tolerance`` in percent)."""

    name: str
    target: str
    limits: tuple[Limit, ...]
    input: tuple[int, ...] | None = None
    tolerance: Fraction = Fraction(0)
    line: int | None = None  # where the table starts in the config file, for annotations

    def limit(self, metric: Metric) -> int | None:
        return next((lim.value for lim in self.limits if lim.metric is metric), None)

    @property
    def metrics(self) -> frozenset[Metric]:
        return frozenset(lim.metric for lim in self.limits)


def make_limits(raw: Mapping[Metric, object], *, prefix: str = "--") -> tuple[Limit, ...]:
    """Parse the limits given (None means not given); at least one is required."""
    limits = tuple(
        Limit(metric, parse_count(f"{prefix}{metric.option}", value))
        for metric, value in raw.items() if value is not None
    )
    if not limits:
        options = ", ".join(f"{prefix}{m.option}" for m in Metric)
        raise SpecError(f"give at least one limit: {options}")
    return limits


class Status(StrEnum):
    PASS = "pass"
    TOLERATED = "tolerated"  # over the limit, within the tolerance
    FAIL = "fail"
    ERROR = "error"  # the target could not be measured


@dataclass(frozen=True)
class Verdict:
    """One limit held against one measured count."""

    metric: Metric
    limit: int
    actual: int
    tolerance: Fraction = Fraction(0)
    engine: str = ""

    @property
    def headroom(self) -> Fraction:
        """Share of the limit still free: 0.25 = 25 % under, -0.1 = 10 % over."""
        return Fraction(self.limit - self.actual, self.limit)

    @property
    def headroom_pct(self) -> float:
        return round(float(self.headroom * 100), 2)

    @property
    def status(self) -> Status:
        if self.actual <= self.limit:
            return Status.PASS
        allowed = self.limit * (1 + self.tolerance / 100)
        return Status.TOLERATED if self.actual <= allowed else Status.FAIL


@dataclass(frozen=True)
class Measurement:
    """What the torch side measured for one target; ``None``: that route did not run."""

    params: int
    trainable: int
    buffers: int
    macs: int | None = None  # fvcore
    flops: int | None = None  # FlopCounterMode
    flops_device: str | None = None
    unsupported: tuple[tuple[str, int], ...] = ()  # fvcore's skipped ops and counts
    notes: tuple[str, ...] = ()

    def actual(self, metric: Metric) -> int | None:
        return {Metric.PARAMS: self.params, Metric.MACS: self.macs,
                Metric.FLOPS: self.flops}[metric]


@dataclass(frozen=True)
class Outcome:
    """A budget checked: verdicts, or the error that kept it from being measured."""

    budget: Budget
    kind: str  # "preset", "block" or "model"
    input: tuple[int, ...]
    verdicts: tuple[Verdict, ...] = ()
    measurement: Measurement | None = None
    analytic: Mapping[str, int] | None = None  # closed-form counts (presets, blocks)
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def status(self) -> Status:
        if self.error is not None:
            return Status.ERROR
        statuses = {v.status for v in self.verdicts}
        for status in (Status.FAIL, Status.TOLERATED):
            if status in statuses:
                return status
        return Status.PASS


def verdicts(budget: Budget, measurement: Measurement) -> tuple[Verdict, ...]:
    """Hold every limit of ``budget`` against the count its engine measured."""
    out = []
    for lim in budget.limits:
        actual = measurement.actual(lim.metric)
        if actual is None:
            raise SpecError(f"{budget.name}: {lim.metric.option} could not be measured")
        out.append(Verdict(lim.metric, lim.value, actual, budget.tolerance,
                           lim.metric.engine))
    return tuple(out)


def exit_code(outcomes: tuple[Outcome, ...]) -> int:
    """3 when a target could not be measured, else 1 when a limit is exceeded, else 0."""
    statuses = {o.status for o in outcomes}
    if Status.ERROR in statuses:
        return 3
    return 1 if Status.FAIL in statuses else 0


# --- budget files ---------------------------------------------------------------------


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
            input=parse_input("input", table["input"]) if "input" in table else None,
            tolerance=parse_tolerance("tolerance", table.get("tolerance", 0)),
            line=_line_of(text, name),
        )
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from exc


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


# --- targets --------------------------------------------------------------------------


class Kind(StrEnum):
    PRESET = "preset"
    BLOCK = "block"
    MODEL = "model"


@dataclass(frozen=True)
class Target:
    """What a budget's ``target`` names, resolved; ``input`` is the full NCHW (or N...) shape."""

    kind: Kind
    input: tuple[int, ...]
    network: NetworkSpec | None = None
    block: BlockSpec | None = None


def resolve(budget: Budget, *, option: str = "input") -> Target:
    """A preset name or a ``module:callable`` / ``file.py:callable`` model (not imported yet)."""
    shape = budget.input or DEFAULT_INPUT
    if ":" in budget.target:
        split_target(budget.target)
        return Target(Kind.MODEL, shape)
    network = get_preset(budget.target)
    if len(shape) != 4 or shape[1] != network.in_channels:
        raise SpecError(f"{option} for {budget.target} must be N,{network.in_channels},H,W, "
                        f"got {','.join(map(str, shape))}")
    return Target(Kind.PRESET, shape, network=network)


def preset_shape(target: Target) -> InputShape:
    """The analytic layer's view of a preset's NCHW input."""
    n, _, h, w = target.input
    return InputShape(height=h, width=w, batch=n)


_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def is_file_path(where: str) -> bool:
    return where.endswith(".py") or "/" in where or "\\" in where


def split_target(target: str) -> tuple[str, str]:
    """('pkg.mod' or 'path/file.py', 'attr.path'), or SpecError naming the target."""
    where, _, attr = target.rpartition(":")
    if not where or not _DOTTED.fullmatch(attr):
        raise SpecError(
            f"target {target!r} must be package.module:callable or path/to/file.py:callable"
        )
    if not is_file_path(where) and not _DOTTED.fullmatch(where):
        raise SpecError(f"target {target!r}: {where!r} is neither a module name nor a .py path")
    return where, attr


@dataclass(frozen=True)
class CheckReport:
    """Every budget checked in one run; ``source`` is the budget file, if any."""

    outcomes: tuple[Outcome, ...]
    source: str | None = None

    @property
    def exit_code(self) -> int:
        return exit_code(self.outcomes)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)
