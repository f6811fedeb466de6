"""Number forms every format shares: the exact integer, and a short form beside it."""

from __future__ import annotations

_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))


def fmt(n: int) -> str:
    """1179648 -> '1,179,648': every exact count, in every format, is written this way."""
    return f"{n:,}"


def exact(n: int | None) -> str:
    """'1,179,648', or an em dash when the route did not run."""
    return "—" if n is None else fmt(n)


def human(n: int | None) -> str:
    """Short form: 1,179,648 -> '1.18 M'; 3,699,376,128 -> '3.70 G'."""
    if n is None:
        return "—"
    for scale, unit in _UNITS:
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def giga(n: int) -> str:
    """'4.089 G': three decimals, as torchvision's model cards print GFLOPS."""
    return f"{n / 1e9:.3f} G"


def nbytes(n: int) -> str:
    """1,048,576 -> '1.00 MiB'."""
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n} B"


def shape_text(shape: tuple[int, ...] | list[int]) -> str:
    """(1, 3, 224, 224) -> '1x3x224x224'."""
    return "x".join(map(str, shape))
