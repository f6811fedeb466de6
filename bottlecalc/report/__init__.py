"""Renderers: ``report/<command>/<format>.py``, each ``render(result, options) -> str``.

A command's text formats (table, Markdown, HTML) are one document
(:mod:`~bottlecalc.report.document`, built in ``report/<command>/document.py``) drawn by a
writer in :mod:`~bottlecalc.report.writers`; JSON, CSV, JUnit and GitHub annotations are
data renderers. Shared pieces live here once: :mod:`~bottlecalc.report.render` (the renderer
protocol and format names), :mod:`~bottlecalc.report.numbers` (exact and short number forms),
:mod:`~bottlecalc.report.words` (wording every command shares),
:mod:`~bottlecalc.report.reasons` (why the counting routes differ, worded from the data),
:mod:`~bottlecalc.report.glossary` (legends and conventions, English and Chinese),
:mod:`~bottlecalc.report.console` (the rich console), :mod:`~bottlecalc.report.layout`
(tables that fit a width without cutting a number: stacked columns, records, prose) and
:mod:`~bottlecalc.report.jsondoc` (JSON schema names and versions). Only the rich writer,
:mod:`~bottlecalc.report.console` and :mod:`~bottlecalc.report.layout` import rich.
"""
