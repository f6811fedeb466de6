"""The torch side: one measuring path for blocks, presets and users' models.

* :mod:`~bottlecalc.measure.subject` — what to measure: a module factory and example inputs;
* :mod:`~bottlecalc.measure.user` — a user's ``module:callable`` loaded as a subject;
* :mod:`~bottlecalc.measure.pipeline` — :func:`~bottlecalc.measure.pipeline.measure`, every
  route on one subject, returning one :class:`~bottlecalc.results.Measured`;
* :mod:`~bottlecalc.measure.engines` — the instantiated count and fvcore's;
* :mod:`~bottlecalc.measure.forward` — one instrumented forward pass: the complete count, the
  op route, unknown ops, usage;
* :mod:`~bottlecalc.measure.ops` — the op registry: each op's formula, how FlopCounterMode and
  fvcore count it, its shape-only answer;
* :mod:`~bottlecalc.measure.formulas` — the module formulas;
* :mod:`~bottlecalc.measure.reconcile` — every difference between the routes, in integers;
* :mod:`~bottlecalc.measure.shape_only` — fast shape answers on the meta device;
* :mod:`~bottlecalc.measure.known` — values bottlecalc knows, so a forward reading them runs
  on meta;
* :mod:`~bottlecalc.measure.sequence` — sequence models: counts at several lengths, decoding;
* :mod:`~bottlecalc.measure.timing` — wall-clock time and the machine's roofs (``--time``);
* :mod:`~bottlecalc.measure.rejected` — why a model rejected its input: the module, the stride;
* :mod:`~bottlecalc.measure.torch_range` — the tested torch releases; one warning outside.
"""

from bottlecalc.measure.torch_range import warn_if_untested

warn_if_untested()  # once per process: the first import of any measuring module
