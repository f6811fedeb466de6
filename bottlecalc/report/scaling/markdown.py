"""``network TARGET --seq/--phase --format markdown``: GitHub tables, every number whole."""

from __future__ import annotations

from bottlecalc.report.numbers import fmt
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.scaling import words
from bottlecalc.scaling import SequenceReport


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(headers) + " |", "|" + "---:|" * len(headers),
            *("| " + " | ".join(r) + " |" for r in rows)]


def lines(report: SequenceReport) -> list[str]:
    out = [f"## {report.name}", "", report.trainable_text, ""]
    if report.scaling is not None:
        s = report.scaling
        out += [*table(words.POINT_HEADERS, [words.point_row(p) for p in s.points]), ""]
        out += [f"- dense: {words.polynomial(s.dense)}", f"- causal: {words.polynomial(s.causal)}",
                f"- attention: {words.polynomial(s.attention)}", ""]
    if report.decode is not None:
        out += ["### One decoding step", "",
                *table(("", "value"), [tuple(p) for p in words.decode_lines(report.decode)]), ""]
    if report.active is not None:
        a = report.active
        out += ["### Parameters one token reads", "",
                *table(("params", "active per token", "MACs per token"),
                       [(fmt(a.params), fmt(a.active), fmt(a.macs))]), ""]
    out += [f"_{words.DENSE}; {words.CAUSAL}; {words.ATTENTION}._"]
    return out + [f"\n> note: {n}" for n in report.notes]


def render(report: SequenceReport, options: RenderOptions) -> str:
    return "\n".join(lines(report)) + "\n"
