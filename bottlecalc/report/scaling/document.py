"""``network TARGET --seq/--phase``'s document: the model's parameters, the sheet of every
length with the fitted polynomials, one decoding step, the parameters one token reads, the
dense/causal legend and the notes. The table and Markdown formats are this document drawn
by the rich and Markdown writers; the terminal never wraps it when piped (lines as long as
their text, every number whole)."""

from __future__ import annotations

from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.numbers import fmt
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.scaling import words
from bottlecalc.report.writers import markdown, rich
from bottlecalc.scaling import Active, Decode, Scaling, SequenceReport

VALUE = (doc.Column("", right=False), doc.Column("value"))  # a key/value sheet's columns
FIT = (doc.Column("", right=False), doc.Column("MACs(T) = a + b*T + c*T^2, exact", right=False))


def pairs(title: str, rows: list[tuple[str, str]], *, heading: int = 3,
          columns: tuple[doc.Column, ...] = VALUE) -> doc.Sheet:
    """Key/value lines on the terminal, a two-column table in Markdown."""
    return doc.Sheet(columns, tuple(rows), title=title, look=doc.Look.PAIRS, heading=heading)


def scaling(found: Scaling) -> list[doc.Block]:
    """Every length's counts, then MACs(T) fitted to them, exactly."""
    columns = tuple(doc.Column(name) for name in words.POINT_HEADERS)
    fits = [("dense", words.polynomial(found.dense)), ("causal", words.polynomial(found.causal)),
            ("attention", words.polynomial(found.attention))]
    return [doc.Prose(f"Sequence lengths (inputs resized at dim {found.seq_dim}: "
                      f"{', '.join(found.resized)})"), extra.Gap(),
            doc.Sheet(columns, tuple(words.point_row(p) for p in found.points),
                      look=doc.Look.GRID),
            extra.Gap(), pairs("MACs(T) = a + b*T + c*T^2, exact", fits, heading=0,
                             columns=FIT), extra.Gap()]


def decode(step: Decode) -> list[doc.Block]:
    return [pairs("One decoding step (cache built by a prefill of N tokens on meta)",
                  words.decode_lines(step)), extra.Gap()]


def active(found: Active) -> list[doc.Block]:
    rows = [("params", fmt(found.params)), ("active per token", fmt(found.active)),
            ("not read", fmt(found.inactive)), ("MACs per token", fmt(found.macs))]
    return [pairs("Parameters one token reads (batch 1, T=1)", rows), extra.Gap()]


def build(report: SequenceReport) -> doc.Document:
    blocks: list[doc.Block] = [extra.Gap()]
    if report.scaling is not None:
        blocks += scaling(report.scaling)
    if report.decode is not None:
        blocks += decode(report.decode)
    if report.active is not None:
        blocks += active(report.active)
    blocks += [doc.Prose(text, doc.Kind.LEGEND)
               for text in (words.DENSE, words.CAUSAL, words.ATTENTION)]
    blocks += [doc.Prose(f"note: {note}") for note in report.notes]
    # '216,384 params (216,384 trainable)': both, as every report gives them
    trainable = "" if report.trainable is None else f" ({report.trainable:,} trainable)"
    return doc.Document(tuple(blocks), title=f"{report.name}: {report.params:,} params"
                        f"{trainable}", run_on=True)


def render_table(report: SequenceReport, options: RenderOptions) -> str:
    return rich.render(build(report), options)


def render_markdown(report: SequenceReport, options: RenderOptions) -> str:
    return markdown.render(build(report), options)
