"""bottlecalc: exact parameter, MAC and FLOP counts for ResNet-style blocks and networks.

Importing the package never imports torch, fvcore, rich or click: the analytic core
(``spec``, ``analytic``, ``presets``, ``results``) is pure Python, and ``bottlecalc.count``
(:func:`bottlecalc.library.count`) is looked up on first use and imports torch only when
it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bottlecalc.errors import BottlecalcError, MeasureError, SpecError

if TYPE_CHECKING:
    from bottlecalc.library import Count, count
    from bottlecalc.library_seq import decode, scale

__version__ = "0.1.0"

__all__ = ["BottlecalcError", "Count", "MeasureError", "SpecError", "__version__", "count",
           "decode", "scale"]

_LAZY = frozenset({"Count", "count"})  # from bottlecalc.library, on first use
_LAZY_SEQ = frozenset({"scale", "decode"})  # from bottlecalc.library_seq, on first use


def __getattr__(name: str) -> Any:
    if name in _LAZY_SEQ:
        from bottlecalc import library_seq

        return getattr(library_seq, name)
    if name not in _LAZY:
        raise AttributeError(f"module 'bottlecalc' has no attribute {name!r}")
    from bottlecalc import library

    return getattr(library, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_LAZY_SEQ})
