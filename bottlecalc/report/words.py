"""Wording more than one command uses, so every format says the same thing the same way."""

from __future__ import annotations

from collections.abc import Sequence

from bottlecalc.results import Routes

MARK = {True: "✓", False: "✗", None: ""}
NO_MEASURE = "--no-measure: analytic counts only; torch was not imported"


def routes_line(results: Sequence[Routes], *, measured: bool) -> str:
    """Which routes ran over ``results`` and whether they all agreed."""
    if not measured:
        return "routes: analytic only"
    routes = ["analytic", "instantiated (meta device)"]
    if any(r.measured.fvcore is not None for r in results):
        routes.append("fvcore")
    if any(r.measured.torch_flops is not None for r in results):
        routes.append("FlopCounterMode")
    verdict = "all agree" if all(r.all_agree for r in results) else "DISAGREE (see ✗)"
    return f"routes: {', '.join(routes)}: {verdict}"
