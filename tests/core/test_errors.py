"""errors.failing_as: a failure inside is one MeasureError line; kept errors pass as they are."""

from __future__ import annotations

import pytest

from bottlecalc.errors import MeasureError, SpecError, failing_as


def test_a_failure_becomes_one_line_naming_what_failed() -> None:
    with pytest.raises(MeasureError) as raised, failing_as("building the model"):
        raise KeyError("weight")
    assert str(raised.value) == "building the model failed: KeyError: 'weight'"
    assert isinstance(raised.value.__cause__, KeyError)


def test_kept_errors_pass_unchanged() -> None:
    error = MeasureError("the model called sys.exit(3)")
    with pytest.raises(MeasureError) as raised, failing_as("timing"):
        raise error
    assert raised.value is error


def test_nothing_kept_wraps_every_error() -> None:
    with pytest.raises(MeasureError) as raised, failing_as("probing", keep=()):
        raise MeasureError("inner")
    assert str(raised.value) == "probing failed: MeasureError: inner"


def test_a_spec_error_is_wrapped_unless_kept() -> None:
    with pytest.raises(SpecError), failing_as("building", keep=(SpecError,)):
        raise SpecError("--mid must be positive")
    with pytest.raises(MeasureError), failing_as("building"):
        raise SpecError("--mid must be positive")
