"""Renderers for ``bottlecalc network``: one module per format, each ``render(view) -> str``.

Only :mod:`bottlecalc.report.network.table` imports rich.
"""

from __future__ import annotations

from dataclasses import dataclass

from bottlecalc.analytic import DType
from bottlecalc.report import Format
from bottlecalc.results import Depth, NetworkResult

# format -> module whose ``render(view)`` returns the text; imported on use, so JSON
# output never pays for rich. ``--format`` choices come from these keys.
NETWORK_RENDERERS: dict[str, str] = {
    Format.TABLE: "bottlecalc.report.network.table",
    Format.JSON: "bottlecalc.report.network.jsonfmt",
    Format.CSV: "bottlecalc.report.network.csvfmt",
    Format.MARKDOWN: "bottlecalc.report.network.markdown",
}


@dataclass(frozen=True)
class NetworkView:
    """What to render: the counted networks and how the user asked to see them."""

    results: tuple[NetworkResult, ...]
    depth: Depth = Depth.STAGE
    dtype: DType = DType.FLOAT32
    conventions: bool = False
    measured: bool = True
    cross_checked: bool = False

    @property
    def all_agree(self) -> bool:
        return all(result.all_agree for result in self.results)
