"""Budgets for ``bottlecalc check``: pure Python, no torch.

* :mod:`~bottlecalc.budget.numbers` — users' numbers (``25.6M``) as exact integers;
* :mod:`~bottlecalc.budget.model` — budgets, limits, verdicts and the checked report;
* :mod:`~bottlecalc.budget.files` — ``[tool.bottlecalc.budgets.<name>]`` tables;
* :mod:`~bottlecalc.budget.targets` — what a budget's ``target`` names;
* :mod:`~bottlecalc.budget.baseline` — an earlier run's counts, and what moved since;
* :mod:`~bottlecalc.budget.blame` — the modules that carry an exceeded limit;
* :mod:`~bottlecalc.budget.text` — names and errors made safe for one line.
"""
