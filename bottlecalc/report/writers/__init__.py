"""Writers that draw any :class:`~bottlecalc.report.document.Document`: ``rich`` (a
terminal table that fits the width and never cuts a number), ``markdown`` and ``html``.
Each has ``render(document, options) -> str``."""
