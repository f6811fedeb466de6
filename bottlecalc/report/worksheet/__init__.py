"""``bottlecalc worksheet``: exercises drawn from a seed, and their answer key."""
