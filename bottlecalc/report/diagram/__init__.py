"""Renderers of ``bottlecalc diagram``: one module per output format."""
