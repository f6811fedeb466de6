"""The torch side of ``bottlecalc check``: loading, meta/CPU placement, leaving models alone."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
import torch

from bottlecalc.api import check_budget
from bottlecalc.budget.model import Budget, Limit, Metric, Status
from bottlecalc.budget.targets import resolve
from bottlecalc.errors import MeasureError
from bottlecalc.measure.pipeline import Plan, measure
from bottlecalc.measure.subject import Subject, zeros_of
from bottlecalc.measure.user import load_factory, model_maker
from bottlecalc.spec import TensorSpec

FIXTURES = Path(__file__).parent.parent / "fixtures"
ALL = Plan(complete=True, fvcore=True)


def test_a_model_is_left_exactly_as_it_came() -> None:
    factory = load_factory("singleton.py:get", base=FIXTURES)
    model = factory()
    before = copy.deepcopy(model.state_dict())
    found = measure(Subject("singleton", model_maker(factory, "singleton"),
                            zeros_of((TensorSpec((2, 3, 8, 8)),))), ALL)
    assert all(sub.training for sub in model.modules())
    after = model.state_dict()
    assert sorted(before) == sorted(after)
    for key, tensor in before.items():
        assert torch.equal(tensor, after[key]), key
    # conv 3->4 3x3 with bias, BN 4: built on the CPU by the factory, counted on a meta copy
    assert found.params == 3 * 3 * 3 * 4 + 4 + 2 * 4
    assert found.torch_flops == 2 * (3 * 3 * 3 * 4) * 2 * 8 * 8
    assert found.torch_device == "meta"
    assert "factory placed its tensors there" in found.notes[0]


def test_a_file_is_imported_once_and_relative_to_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    first = load_factory("small_cnn.py:build", base=FIXTURES)
    again = load_factory(str(FIXTURES / "small_cnn.py") + ":Net", base=Path("/"))
    assert sys.modules[first.__module__] is sys.modules[again.__module__]
    assert str(FIXTURES) in sys.path  # so the file can import its siblings


def test_module_targets_import_from_the_project_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    package = tmp_path / "bcpkg_check_demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "from torch import nn\n\nclass Zoo:\n    @staticmethod\n"
        "    def tiny():\n        return nn.Linear(4, 2)\n")
    factory = load_factory("bcpkg_check_demo.models:Zoo.tiny", base=tmp_path)
    found = measure(Subject("t", model_maker(factory, "t"), zeros_of((TensorSpec((1, 4)),))),
                    ALL)
    assert (found.params, found.fvcore, found.torch_flops) == (4 * 2 + 2, 4 * 2, 2 * 4 * 2)
    assert found.torch_device == "meta"


def test_instances_are_refused_with_a_hint() -> None:
    with pytest.raises(MeasureError, match=r"not a callable that returns an nn\.Module"):
        load_factory("singleton.py:MODEL", base=FIXTURES)


def test_errors_become_outcomes_and_debug_reraises() -> None:
    budget = Budget("b", "raising.py:build", (Limit(Metric.PARAMS, 1),))
    outcome = check_budget(budget, resolve(budget), base=FIXTURES)
    assert outcome.status is Status.ERROR
    assert outcome.error == ("building raising.py:build failed: "
                             "RuntimeError: checkpoint weights.pt not found")
    with pytest.raises(MeasureError) as info:
        check_budget(budget, resolve(budget), base=FIXTURES, debug=True)
    assert isinstance(info.value.__cause__, RuntimeError)
