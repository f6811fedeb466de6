"""tools/code_lines.py: blank lines, comments and docstrings are not code; strings used as
values, and every line of a statement that spans several, are."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).parent.parent.parent / "tools" / "code_lines.py"


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("code_lines", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SOURCE = textwrap.dedent('''
    """A module docstring
    on two lines."""

    # a comment
    import os  # code (1)


    class A:  # code (2)
        """One line."""

        x = """a string value,
        not a docstring"""  # code (3, 4)

        def f(self, a,
              b):  # code (5, 6)
            """Doc."""
            return (a +
                    b)  # code (7, 8)
''')


def test_counts_code_lines_only() -> None:
    assert tool().code_lines(SOURCE) == 1 + 1 + 2 + 2 + 2  # import, class, x, def, return
