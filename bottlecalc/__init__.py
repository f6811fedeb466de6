"""bottlecalc: exact parameter, MAC and FLOP counts for ResNet-style blocks and networks.

Importing the package never imports torch, fvcore, rich or click: the analytic core
(``spec``, ``analytic``, ``presets``, ``results``) is pure Python.
"""

from __future__ import annotations

from bottlecalc.errors import BottlecalcError, MeasureError, SpecError

__version__ = "0.1.0"

__all__ = ["BottlecalcError", "MeasureError", "SpecError", "__version__"]
