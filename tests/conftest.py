"""Shared fixtures. ``pytest --update-golden`` rewrites golden files instead of comparing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Properties here are exact-integer checks; a slow CI machine must not turn into a failure.
settings.register_profile("bottlecalc", deadline=None, print_blob=True)
settings.load_profile("bottlecalc")

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*")


# The environment a user's shell may carry into a test run: each changes what the
# commands print (width, colour, tracebacks). Tests that want one set it themselves.
OUTPUT_ENVIRONMENT = ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "BOTTLECALC_DEBUG")


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OUTPUT_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def short_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--time`` with brief budgets: timing quality is not under test, only its structure."""
    from bottlecalc.measure import timing  # torch: only for the tests that time

    for budget in ("WHOLE_BUDGET_S", "WHOLE_CAP_S", "PROBE_BUDGET_S"):
        monkeypatch.setattr(timing, budget, 0.05)
    for budget in ("LAYER_BUDGET_S", "LAYER_CAP_S"):
        monkeypatch.setattr(timing, budget, 0.01)


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``golden(name, text)``: compare ``text`` with tests/golden/<name> (or rewrite it)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not update:
                pytest.fail(f"golden file {name} was missing; written, re-run to compare")
        assert text == path.read_text(encoding="utf-8")

    return check
