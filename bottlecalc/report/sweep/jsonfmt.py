"""JSON for ``sweep`` (schema ``bottlecalc.sweep``, documented in docs/teaching.md)."""

from __future__ import annotations

import json

from bottlecalc.sweep import Sweep, sweep_dict


def render(sweep: Sweep) -> str:
    return json.dumps(sweep_dict(sweep), indent=2, ensure_ascii=False)
