"""Renderers of ``bottlecalc network``: one module per output format."""
