"""The worksheet's two documents: the exercise sheet (blanks to fill in) and its answer key
(each answer and its derivation), numbered alike. Each exercise of the key carries its
block and exact answer as data, which HTML writes as ``data-`` attributes, so a test (or a
teacher's script) can check it against ``bottlecalc compare``."""

from __future__ import annotations

import json

from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.worksheet.model import Exercise, Worksheet
from bottlecalc.spec import BlockSpec


def spec_data(spec: BlockSpec) -> dict[str, object]:
    """The block as ``compare`` takes it: kind, widths, stride, groups and n."""
    data: dict[str, object] = {"kind": str(spec.kind), "in": spec.in_channels,
                               "mid": spec.mid, "out": spec.out_channels,
                               "stride": spec.stride, "groups": spec.groups}
    if spec.is_yolo and spec.repeats:
        data["n"] = spec.repeats
    return data


def key_data(e: Exercise) -> tuple[tuple[str, str], ...]:
    """kind, answer, the blocks (as JSON), and the exact value and layer when asked for."""
    specs = json.dumps([spec_data(s) for s in e.specs], separators=(",", ":"))
    found = (("value", None if e.value is None else str(e.value)), ("layer", e.layer))
    return (("kind", e.kind), ("answer", e.answer), ("specs", specs),
            *((name, value) for name, value in found if value))


def meta(ws: Worksheet) -> doc.Prose:
    t = ws.text
    return doc.Prose(t["meta"].format(level=t[f"level_{ws.level}"], seed=ws.seed),
                     doc.Kind.LEGEND)


def sheet(ws: Worksheet) -> doc.Document:
    """The exercises with blanks: an answer line and a box for the working."""
    t = ws.text
    exercises = tuple(extra.Entry((doc.Prose(e.question, doc.Kind.QUESTION),
                                 doc.Prose(t["answer"], doc.Kind.BLANK),
                                 doc.Prose(t["work"], doc.Kind.WORK)), data=(("kind", e.kind),))
                      for e in ws.exercises)
    return doc.Document((extra.Heading(t["title"], level=1),
                         doc.Prose(t["name"], doc.Kind.LEGEND), meta(ws),
                         doc.Prose(t["intro"], doc.Kind.LEGEND),
                         extra.Entries(exercises, label="exercise")))


def key(ws: Worksheet) -> doc.Document:
    """The answer key: every answer and its derivation, numbered as the sheet."""
    exercises = tuple(extra.Entry((doc.Prose(e.question, doc.Kind.QUESTION),
                                 doc.Prose(e.answer, doc.Kind.ANSWER),
                                 *([extra.Code("\n".join(e.derivation))] if e.derivation else [])),
                                data=key_data(e))
                      for e in ws.exercises)
    return doc.Document((extra.Heading(ws.text["key_title"], level=1), meta(ws),
                         doc.Prose(ws.text["key_note"], doc.Kind.LEGEND),
                         extra.Entries(exercises, label="exercise")))
