"""Renderers: ``report/<command>/<format>.py``, each ``render(result, options) -> str``.

Shared pieces live here once: :mod:`~bottlecalc.report.render` (the renderer protocol and
format names), :mod:`~bottlecalc.report.numbers` (exact and short number forms),
:mod:`~bottlecalc.report.words` (wording every command shares),
:mod:`~bottlecalc.report.console` (the rich console), :mod:`~bottlecalc.report.layout`
(tables that fit a width without cutting a number: stacked columns, records, prose),
:mod:`~bottlecalc.report.markdown` (pipe tables) and :mod:`~bottlecalc.report.jsondoc`
(JSON schema names and versions). Only the ``table`` renderers,
:mod:`~bottlecalc.report.console` and :mod:`~bottlecalc.report.layout` import rich.
"""
