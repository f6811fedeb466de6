"""Renderers of ``bottlecalc compare``: one module per output format."""
