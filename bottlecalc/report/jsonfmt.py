"""JSON for ``compare`` (schema: docs/json.md). Keys are a public contract."""

from __future__ import annotations

import json

from bottlecalc.results import CompareResult, compare_dict


def render(result: CompareResult, *, explain: bool = False) -> str:
    """Pretty JSON; per-layer rows are always included (``explain`` changes nothing)."""
    return json.dumps(compare_dict(result), indent=2, ensure_ascii=False)
