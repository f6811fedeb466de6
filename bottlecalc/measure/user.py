"""A user's model, named ``package.module:callable`` or ``path/to/file.py:callable``.

The callable takes no arguments and returns an ``nn.Module``. It is called with the
device to build on as torch's default device, so most models build on the meta device
and cost no weight memory. Example inputs are shapes (``--input 1,16:int64``, zeros) or
another callable returning a tuple (positional) or a dict (keyword) of tensors.

The user's code is contained: what it prints goes to stderr (never into the JSON or JUnit
on stdout), and ``sys.exit`` inside it (or any BaseException but Ctrl-C, such as
``asyncio.CancelledError``) is one clear error, not the end of bottlecalc.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch import nn

from bottlecalc.errors import MeasureError, SpecError, failing_as
from bottlecalc.measure.subject import Inputs, Make, Subject, zeros_of
from bottlecalc.spec import TensorSpec, is_file_path, split_target


@contextlib.contextmanager
def contained(what: str) -> Iterator[None]:
    """Run user code: its prints go to stderr, its ``sys.exit`` becomes one error line."""
    sys.stdout.flush()
    saved = _redirect_fd1()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except SystemExit as exc:
        raise MeasureError(f"{what} called sys.exit({exc.code!r})") from None
    except (KeyboardInterrupt, Exception):  # Ctrl-C stays Ctrl-C (exit 130)
        raise
    except BaseException as exc:  # CancelledError, GeneratorExit...: the hook failed
        raise MeasureError(f"{what} raised {type(exc).__name__}"
                           f"{f': {exc}' if str(exc) else ''}") from None
    finally:
        sys.stderr.flush()
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def _redirect_fd1() -> int | None:
    """Point file descriptor 1 at stderr too (C extensions print there), when stdout is it."""
    try:
        if sys.stdout.fileno() != 1:
            return None
    except (AttributeError, OSError, ValueError):
        return None  # stdout is not a real file here (a test runner's buffer)
    saved = os.dup(1)
    os.dup2(sys.stderr.fileno(), 1)
    return saved


MODEL = "a callable that returns an nn.Module (point at a function or class)"
INPUTS = ("a callable that returns the example inputs: a tensor, a tuple of them "
          "(positional) or a dict (keyword)")


def load_factory(target: str, *, base: Path, wanted: str = MODEL) -> Callable[[], Any]:
    """Import the module or file of ``target`` and return its callable (``wanted`` says
    what it should be, for the error when it is not)."""
    where, attr = split_target(target)
    with contained(f"importing {where}"):
        module = _import_file(where, base) if is_file_path(where) else _import_module(where, base)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise MeasureError(f"{where} has no attribute {part!r}")
        obj = getattr(obj, part)
    if isinstance(obj, nn.Module) or not callable(obj):
        named = f"--inputs {target}: " if wanted is INPUTS else ""  # a model's name leads
        raise MeasureError(f"{named}{attr} is {what_it_is(obj)}, not {wanted}")
    return obj


def what_it_is(obj: object) -> str:
    """'an int (5)', 'a Linear module', 'a str ('x')': what a name points at, in words."""
    kind = type(obj).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    if isinstance(obj, nn.Module):
        return f"{article} {kind} module (an instance; point at what builds it)"
    shown = repr(obj)
    return f"{article} {kind} ({shown})" if len(shown) <= 40 else f"{article} {kind}"


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
    # One import per version of the file: budgets naming it twice share it, and a file
    # edited since (a notebook, a test) is read again.
    stat = path.stat()
    key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    name = f"bottlecalc_user_{path.stem}_{hashlib.sha1(key.encode()).hexdigest()[:10]}"
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


def model_maker(factory: Callable[[], Any], target: str, *,
                keywords: tuple[str, ...] = (), positional: int = 0) -> Make:
    """Wrap a user's factory: call it with ``device`` as torch's default device; the
    module's forward must take every keyword input given (``--input NAME=SHAPE``) beside
    its ``positional`` inputs."""

    def make(device: str) -> nn.Module:
        with torch.device(device), contained(target):
            module = factory()
        if not isinstance(module, nn.Module):
            raise MeasureError(f"{target} returned a {type(module).__name__}, "
                               "not an nn.Module")
        check_keywords(module, keywords, positional=positional)
        return module

    return make


def check_keywords(module: nn.Module, names: tuple[str, ...], *, positional: int = 0) -> None:
    """Refuse (exit 2) a keyword input the module's forward has no parameter for, or one
    a positional input already fills, or more positional inputs than it takes, naming the
    signature; a forward taking ``**kwargs`` takes any name."""
    try:
        signature = inspect.signature(module.forward)
    except (TypeError, ValueError):  # a forward inspect cannot read: torch will say
        return
    params = signature.parameters.values()
    named = {p.name for p in params if p.kind is not p.POSITIONAL_ONLY}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params)
    for name in names:
        if name not in named and not takes_any:
            raise SpecError(f"keyword input {name!r} is not a parameter of "
                            f"{type(module).__name__}.forward{signature}")
    try:  # what the call would raise as a TypeError in the forward (exit 3), told now
        signature.bind_partial(*range(positional), **dict.fromkeys(names))
    except TypeError as exc:
        raise SpecError(f"--input: {exc} of {type(module).__name__}.forward{signature}"
                        ) from None


def inputs_maker(target: str, *, base: Path) -> Callable[[str], Inputs]:
    """``--inputs pkg.mod:callable``: its tuple, dict or tensor, made once, moved per device."""
    factory = load_factory(target, base=base, wanted=INPUTS)
    made: list[Inputs] = []

    def inputs(device: str) -> Inputs:
        if not made:
            made.append(as_inputs(_call_inputs(factory, target), target))
        return made[0].to(device)

    return inputs


def _call_inputs(factory: Callable[[], Any], target: str) -> Any:
    """Call an ``--inputs`` callable; what it raises is an error naming it (exit 3)."""
    with failing_as(f"the --inputs callable {target}"), torch.device("cpu"), contained(target):
        return factory()


def as_inputs(value: Any, target: str) -> Inputs:
    """A tuple or list (positional), a dict (keyword) or one tensor, as :class:`Inputs`."""
    if isinstance(value, torch.Tensor):
        return Inputs((value,))
    if isinstance(value, (tuple, list)):
        return Inputs(tuple(value))
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return Inputs(kwargs=dict(value))
    raise MeasureError(f"{target} returned a {type(value).__name__}; example inputs must be "
                       "a tensor, a tuple of them (positional) or a dict (keyword)")


def model_subject(target: str, *, feed: tuple[TensorSpec, ...], inputs: str | None,
                  base: Path) -> Subject:
    """The user's model as a subject (imported now; built when measured)."""
    keywords = tuple(t.name for t in feed if t.name is not None)
    make = model_maker(load_factory(target, base=base), target, keywords=keywords,
                       positional=0 if inputs is not None else len(feed) - len(keywords))
    if inputs is not None:
        return Subject(name=target, make=make, inputs=inputs_maker(inputs, base=base))
    return Subject(name=target, make=make, inputs=zeros_of(feed), feed=feed)
