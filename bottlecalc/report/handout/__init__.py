"""Renderers of ``bottlecalc handout``: one module per output format."""
