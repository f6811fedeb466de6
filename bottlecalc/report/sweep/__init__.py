"""Renderers of ``bottlecalc sweep``: one module per output format."""
