"""Forward.unused_modules: the outermost modules whose parameters the forward never read.

Checked against the definition spelled out here (every parameter under the module unread),
on random module trees.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bottlecalc.measure.forward import Forward

PATHS = st.lists(st.lists(st.sampled_from(["a", "b", "ab", "0"]), min_size=1, max_size=3)
                 .map(".".join), min_size=1, max_size=8, unique=True)


def by_definition(kinds: list[str], params: list[str], unused: set[str]) -> tuple[str, ...]:
    def under(module: str) -> list[str]:
        return [p for p in params if not module or p.startswith(f"{module}.")]

    idle = {m for m in kinds if under(m) and all(p in unused for p in under(m))}
    return tuple(sorted(m or "(root)" for m in idle
                        if not m or m.rpartition(".")[0] not in idle))


@settings(max_examples=200)
@given(modules=PATHS, data=st.data())
def test_unused_modules_follow_the_definition(modules: list[str], data: st.DataObject) -> None:
    kinds = ["", *modules]
    params = [f"{m}.weight" for m in data.draw(st.lists(st.sampled_from(kinds), unique=True))]
    params = [p.removeprefix(".") for p in params]
    unused = set(data.draw(st.lists(st.sampled_from(params), unique=True))) if params else set()
    found = Forward(flops=0, device="meta", kinds=dict.fromkeys(kinds, "M"),
                    unused=dict.fromkeys(unused, 1), held_names=tuple(params))
    assert found.unused_modules() == by_definition(kinds, params, unused)
