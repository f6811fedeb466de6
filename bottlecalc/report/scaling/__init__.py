"""Renderers of ``network TARGET --seq`` and ``--phase``: a SequenceReport."""
