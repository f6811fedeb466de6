"""JSON for ``bottlecalc network`` (schema: docs/network.md). Keys are a public contract."""

from __future__ import annotations

import json

from bottlecalc.report.network import NetworkView
from bottlecalc.results import networks_dict


def render(view: NetworkView) -> str:
    """Pretty JSON; ``--depth block|layer`` adds a ``breakdown`` list to each network."""
    doc = networks_dict(view.results, measured=view.measured,
                        cross_checked=view.cross_checked, dtype=view.dtype, depth=view.depth)
    return json.dumps(doc, indent=2, ensure_ascii=False)
