"""Sequence models: counts at several sequence lengths, the exact polynomial in the length,
one decoding step with its KV cache, and a Mixture of Experts' active parameters.

Pure Python (no torch): :mod:`bottlecalc.measure.sequence` measures, the renderers of
:mod:`bottlecalc.report.scaling` read these records. Every number is an exact integer or an
exact fraction (:class:`fractions.Fraction`); nothing is rounded here.

The polynomial MACs(T) = a + b*T + c*T^2 is fitted through three lengths by exact rational
arithmetic (Lagrange interpolation) and then *verified* at every other length measured: a
model whose count is not such a polynomial (a window, a pooling to a fixed size, a cost in
T^3) fails the check and is reported as not polynomial, never fitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from bottlecalc.errors import SpecError

MIN_FIT = 3  # lengths needed to fit a + b*T + c*T^2


@dataclass(frozen=True)
class SeqPoint:
    """One forward pass at sequence length ``length``, counted on meta."""

    length: int  # T, the sequence length fed
    tokens: int  # tokens fed: batch x T
    macs: int  # the complete count: every multiply-accumulate the kernels compute (dense)
    attention: int  # of which products between two activations (no parameter operand)
    causal_skipped: int  # MACs above the diagonal of causal attention (masked, not needed)

    @property
    def causal(self) -> int:
        """The causal-effective count: causal attention's masked half left out."""
        return self.macs - self.causal_skipped

    @property
    def per_token(self) -> Fraction:
        return Fraction(self.macs, self.tokens)

    @property
    def causal_per_token(self) -> Fraction:
        return Fraction(self.causal, self.tokens)


@dataclass(frozen=True)
class Polynomial:
    """a + b*T + c*T^2 with exact rational coefficients."""

    a: Fraction
    b: Fraction
    c: Fraction

    def at(self, length: int) -> Fraction:
        return self.a + self.b * length + self.c * length * length

    @property
    def coefficients(self) -> tuple[Fraction, Fraction, Fraction]:
        return (self.a, self.b, self.c)


@dataclass(frozen=True)
class Misfit:
    """Where the polynomial fitted through three lengths missed a count."""

    length: int
    predicted: Fraction  # the polynomial's value at ``length``
    counted: int


@dataclass(frozen=True)
class Fit:
    """The polynomial through the first three lengths, and where it was checked.

    ``polynomial`` is None when there are too few ``lengths`` or the count is not polynomial
    (``misfit`` says where); report/scaling/words.py words why."""

    polynomial: Polynomial | None
    verified_at: tuple[int, ...] = ()  # lengths beyond the three fitted where it held
    lengths: tuple[int, ...] = ()  # every length counted; the first three are fitted
    misfit: Misfit | None = None

    @property
    def verified(self) -> bool:
        return self.polynomial is not None and bool(self.verified_at)


def interpolate(points: Sequence[tuple[int, int]]) -> Polynomial:
    """The unique polynomial of degree <= 2 through three (T, value) points, exactly."""
    (x0, y0), (x1, y1), (x2, y2) = points
    # Newton's divided differences: exact with Fractions, and short.
    d01 = Fraction(y1 - y0, x1 - x0)
    d12 = Fraction(y2 - y1, x2 - x1)
    c = (d12 - d01) / (x2 - x0)
    b = d01 - c * (x0 + x1)
    a = y0 - b * x0 - c * x0 * x0
    return Polynomial(Fraction(a), b, c)


def fit(points: Sequence[tuple[int, int]]) -> Fit:
    """Fit through the first three points; verify at every other one."""
    lengths = tuple(length for length, _ in points)
    if len(points) < MIN_FIT:
        return Fit(None, lengths=lengths)
    poly = interpolate(points[:MIN_FIT])
    for length, value in points[MIN_FIT:]:
        if poly.at(length) != value:
            return Fit(None, lengths=lengths, misfit=Misfit(length, poly.at(length), value))
    return Fit(poly, lengths[MIN_FIT:], lengths)


def parse_lengths(text: str) -> tuple[int, ...]:
    """``--seq 128,512,2048``: distinct whole numbers >= 1, in the order given."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise SpecError(f"--seq takes sequence lengths like 128,512,2048, got {text!r}")
    lengths = tuple(int(p) for p in parts)
    return check_lengths(lengths)


def check_lengths(lengths: Sequence[int]) -> tuple[int, ...]:
    """Lengths as given, refused when empty, repeated, or not whole numbers >= 1."""
    found = tuple(lengths)
    if not found or any(isinstance(t, bool) or not isinstance(t, int) or t < 1 for t in found):
        raise SpecError(f"sequence lengths must be whole numbers >= 1, got {list(found)!r}")
    if len(set(found)) != len(found):
        raise SpecError(f"sequence lengths must differ, got {list(found)!r}")
    return found


@dataclass(frozen=True)
class Scaling:
    """A model counted at several sequence lengths (``network TARGET --seq``)."""

    name: str
    params: int
    seq_dim: int  # the dimension of the inputs that is the sequence
    resized: tuple[str, ...]  # the inputs whose sequence dimension was set to T
    points: tuple[SeqPoint, ...]
    notes: tuple[str, ...] = ()

    @property
    def dense(self) -> Fit:
        return fit([(p.length, p.macs) for p in self.points])

    @property
    def causal(self) -> Fit:
        return fit([(p.length, p.causal) for p in self.points])

    @property
    def attention(self) -> Fit:
        return fit([(p.length, p.attention) for p in self.points])


@dataclass(frozen=True)
class Decode:
    """One decoding step: a new token at context N, the cache built by a prefill of N."""

    name: str
    params: int
    context: int  # N: tokens already in the cache
    batch: int
    prefill_macs: int  # the prefill of N tokens that built the cache (dense)
    prefill_causal: int  # the same, causal-effective
    macs: int  # the decoding step: batch new tokens against N cached ones
    attention: int  # of which products between two activations
    kv_bytes: int  # the cache's tensors after the prefill, by their own shapes and dtypes
    kv_tensors: int  # how many tensors the cache holds
    notes: tuple[str, ...] = ()

    @property
    def per_token(self) -> Fraction:
        return Fraction(self.macs, self.batch)

    @property
    def kv_bytes_per_token(self) -> Fraction:
        return Fraction(self.kv_bytes, self.batch * self.context)


@dataclass(frozen=True)
class Active:
    """Parameters one token reads (a Mixture of Experts reads its top-k experts only)."""

    name: str
    params: int  # every parameter the model holds
    active: int  # those a one-token forward reads: router, shared parts, routed experts
    macs: int  # that one token's MACs: routed experts only
    notes: tuple[str, ...] = ()

    @property
    def inactive(self) -> int:
        return self.params - self.active


def share(part: int, whole: int) -> Fraction:
    """part / whole exactly (0 when whole is 0)."""
    return Fraction(part, whole) if whole else Fraction(0)


def causal_pairs(queries: int, keys: int) -> int:
    """Query-key pairs a causal (top-left aligned, torch's ``is_causal``) mask keeps:
    query i sees keys 0..i. T x T: T*(T+1)/2."""
    if queries <= keys:
        return queries * (queries + 1) // 2
    return keys * (keys + 1) // 2 + (queries - keys) * keys


@dataclass(frozen=True)
class SequenceReport:
    """What ``network TARGET --seq/--phase`` found: any of the three measurements."""

    name: str
    params: int
    scaling: Scaling | None = None
    decode: Decode | None = None
    active: Active | None = None
    trainable: int | None = None  # of ``params``, those with requires_grad

    @property
    def notes(self) -> tuple[str, ...]:
        parts = (self.scaling, self.decode, self.active)
        found = (note for part in parts if part is not None for note in part.notes)
        return tuple(dict.fromkeys(found))  # each once: the parts share their model's notes


@dataclass(frozen=True)
class Asked:
    """What ``network TARGET --seq/--phase/--context/--seq-dim`` asked for."""

    lengths: tuple[int, ...] = ()  # --seq
    phase: str | None = None  # --phase prefill|decode
    context: int | None = None  # --context N
    seq_dim: int | None = None  # --seq-dim N
    active: bool = True  # with lengths, also the parameters one token reads
