"""The teaching handout's data: what the page shows, counted, for :mod:`.document` to word.

Every number comes from the typed results of the user's blocks (the numbers ``compare``
prints), of the article's sample for the projection lesson, and of the ``--mid`` sweep.
Nothing here or in the document recomputes a count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bottlecalc.report.handout.i18n import STRINGS, Lang
from bottlecalc.report.handout.yolo import YoloSection, build_yolo
from bottlecalc.results import BlockResult, CompareResult, analytic_result
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, resolve_out
from bottlecalc.sweep import Sweep

# The article's sample: Bottleneck(64, 64) with expansion 4 and no downsample, fed 1x64x56x56.
# The lesson's text says "expansion 4" as the article's code does (a class attribute).
ARTICLE_IN, ARTICLE_MID, ARTICLE_EXPANSION, ARTICLE_SIZE = 64, 64, 4, 56


@dataclass(frozen=True)
class Handout:
    """Everything the page shows, already counted; renderers only format it."""

    title: str
    lang: Lang
    result: CompareResult  # the user's basic and bottleneck blocks
    lesson: BlockResult  # the article's sample, projection added
    sweep: Sweep  # over --mid
    yolo: YoloSection | None = None  # --yolo: "From ResNet to YOLO"

    @property
    def text(self) -> Mapping[str, str]:
        return STRINGS[self.lang]


def lesson_spec() -> BlockSpec:
    out = resolve_out(ARTICLE_IN, ARTICLE_MID, None, ARTICLE_EXPANSION)
    return BlockSpec(BlockKind.BOTTLENECK, ARTICLE_IN, ARTICLE_MID, out)


def build_handout(result: CompareResult, sweep: Sweep, *, title: str | None = None,
                  lang: Lang = Lang.EN, yolo: bool = False) -> Handout:
    """Gather the page's data: the user's comparison, the lesson block and the sweep (and,
    with ``yolo``, YOLO's blocks at the same widths)."""
    lesson = analytic_result(lesson_spec(), InputShape(ARTICLE_SIZE, ARTICLE_SIZE))
    return Handout(title=title or STRINGS[lang]["title"], lang=lang, result=result,
                   lesson=lesson, sweep=sweep, yolo=build_yolo(result) if yolo else None)
