"""Renderers of ``bottlecalc check``: one module per output format."""
