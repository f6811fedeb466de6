"""A user's model, named ``package.module:callable`` or ``path/to/file.py:callable``.

The callable takes no arguments and returns an ``nn.Module``. It is called with the
device to build on as torch's default device, so most models build on the meta device
and cost no weight memory.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch import nn

from bottlecalc.budget.targets import is_file_path, split_target
from bottlecalc.errors import MeasureError
from bottlecalc.measure.subject import Make, Subject


def load_factory(target: str, *, base: Path) -> Callable[[], Any]:
    """Import the module or file of ``target`` and return its callable."""
    where, attr = split_target(target)
    module = _import_file(where, base) if is_file_path(where) else _import_module(where, base)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise MeasureError(f"{where} has no attribute {part!r}")
        obj = getattr(obj, part)
    if isinstance(obj, nn.Module) or not callable(obj):
        raise MeasureError(f"{attr} is a {type(obj).__name__}, not a callable "
                           "that returns an nn.Module (point at a function or class)")
    return obj


def _import_module(name: str, base: Path) -> ModuleType:
    _prepend_path(base)  # the console script's sys.path lacks the project directory
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise MeasureError(f"cannot import {name}: {type(exc).__name__}: {exc}") from exc


def _import_file(where: str, base: Path) -> ModuleType:
    path = (base / where).expanduser().resolve()
    if not path.is_file():
        raise MeasureError(f"cannot import {where}: no such file {path}")
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    name = f"bottlecalc_user_{path.stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    _prepend_path(path.parent)  # so the file can import its siblings
    return _exec_file(name, path)


def _exec_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MeasureError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise MeasureError(f"cannot import {path}: {type(exc).__name__}: {exc}") from exc
    return module


def _prepend_path(directory: Path) -> None:
    entry = str(directory.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


def model_maker(factory: Callable[[], Any], target: str) -> Make:
    """Wrap a user's factory: call it with ``device`` as torch's default device."""

    def make(device: str) -> nn.Module:
        with torch.device(device):
            module = factory()
        if not isinstance(module, nn.Module):
            raise MeasureError(f"{target} returned a {type(module).__name__}, "
                               "not an nn.Module")
        return module

    return make


def model_subject(target: str, shape: tuple[int, ...], *, base: Path) -> Subject:
    """The user's model as a subject (imported now; built when measured)."""
    make = model_maker(load_factory(target, base=base), target)
    return Subject(name=target, make=make, shape=shape)
