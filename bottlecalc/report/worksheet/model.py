"""A worksheet's exercises, drawn from a seed, with their answers and derivations.

The same seed, blocks, widths, size, level and language always give the same sheet. Every
answer is a count bottlecalc makes (:mod:`bottlecalc.analytic`, the integers ``compare``
prints) and every derivation is that count's formula text: nothing is computed twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

from bottlecalc.analytic import Layer, Op, conv_out, ratio
from bottlecalc.report.compare.words import totals_text
from bottlecalc.report.diagram.yolo import CLASS
from bottlecalc.report.glossary import Lang
from bottlecalc.report.numbers import fmt
from bottlecalc.report.worksheet.i18n import STRINGS
from bottlecalc.results import BlockResult, analytic_result
from bottlecalc.spec import YOLO_DEFAULTS, BlockKind, BlockSpec, InputShape, YoloKind, yolo_block

Kind = BlockKind | YoloKind


class Level(StrEnum):
    BEGINNER = "beginner"  # one layer at a time
    ADVANCED = "advanced"  # whole blocks, strides, groups


@dataclass(frozen=True)
class Exercise:
    """One question, its answer and how the answer is derived (all already counted)."""

    number: int
    kind: str  # weights, macs, ratio, macs_ratio, projection, params, block_macs
    question: str
    answer: str
    derivation: tuple[str, ...]
    value: int | None = None  # the exact integer asked for (None: a ratio)
    specs: tuple[BlockSpec, ...] = ()  # the block(s) asked about
    layer: str | None = None  # the layer asked about


@dataclass(frozen=True)
class Worksheet:
    seed: int
    level: Level
    lang: Lang
    shape: InputShape
    exercises: tuple[Exercise, ...]

    @property
    def text(self) -> Mapping[str, str]:
        return STRINGS[self.lang]


@dataclass(frozen=True)
class Draw:
    """What one exercise may be about, and the random source that chooses."""

    rng: random.Random
    kinds: tuple[Kind, ...]
    widths: tuple[int, ...]
    level: Level
    shape: InputShape
    t: Mapping[str, str]


TYPES = {Level.BEGINNER: ("weights", "macs", "ratio", "projection"),
         Level.ADVANCED: ("params", "block_macs", "macs_ratio", "projection", "macs")}


def translated(lines: Sequence[str], t: Mapping[str, str]) -> tuple[str, ...]:
    """Derivation lines with their English words in the sheet's language (numbers kept)."""
    pairs = [item.split("=", 1) for item in t["w_labels"].split("|") if item]
    out = []
    for line in lines:
        for english, local in pairs:
            line = line.replace(english, local)
        out.append(line)
    return tuple(out)


def make_worksheet(seed: int, kinds: Sequence[Kind], widths: Sequence[int], *, level: Level,
                   lang: Lang, count: int, shape: InputShape) -> Worksheet:
    """``count`` exercises; each kind of question comes round in turn, in a seeded order."""
    d = Draw(random.Random(seed), tuple(kinds), tuple(widths), level, shape, STRINGS[lang])
    types = [k for k in TYPES[level] if _possible(k, d.kinds)]
    d.rng.shuffle(types)
    exercises: list[Exercise] = []
    for i in range(count):
        made = _fresh(d, MAKERS[types[i % len(types)]], i + 1, exercises)
        exercises.append(replace(made, derivation=translated(made.derivation, d.t)))
    return Worksheet(seed, level, lang, shape, tuple(exercises))


def _fresh(d: Draw, make: Callable[[Draw, int], Exercise], number: int,
           made: list[Exercise]) -> Exercise:
    """A question not already on the sheet, where a few draws can find one."""
    asked = {e.question for e in made}
    for _ in range(9):  # the first draw and up to eight more
        exercise = make(d, number)
        if exercise.question not in asked:
            break
    return exercise


def _possible(kind: str, kinds: tuple[Kind, ...]) -> bool:
    if kind == "projection":
        return any(isinstance(k, BlockKind) for k in kinds)
    return len(set(kinds)) > 1 if kind.endswith("ratio") else True


def spec_for(d: Draw, kind: Kind, width: int) -> BlockSpec:
    """A block of ``kind`` at ``width``; advanced sheets vary n, stride, out and groups."""
    advanced = d.level is Level.ADVANCED
    if isinstance(kind, YoloKind):
        takes_n = YOLO_DEFAULTS[kind].n is not None and kind is not YoloKind.SPPF
        return yolo_block(kind, width, width, n=d.rng.choice((1, 2, 3)) if advanced and
                          takes_n else None)
    mid = max(width // 4, 1)
    if not advanced:
        return BlockSpec(kind, width, mid, width)
    stride, out = d.rng.choice(((1, width), (2, 2 * width), (1, 4 * mid)))
    groups = 32 if kind is BlockKind.BOTTLENECK and mid % 32 == 0 and d.rng.random() < .5 else 1
    return BlockSpec(kind, width, mid, out, stride=stride, groups=groups)


def describe(spec: BlockSpec, t: Mapping[str, str]) -> str:
    """'a bottleneck block (1x1, 3x3, 1x1), in 256, mid 64, out 256, stride 2'."""
    if isinstance(spec.kind, YoloKind):
        n = f", n={spec.repeats}" if YOLO_DEFAULTS[spec.kind].n is not None else ""
        cls = f"{CLASS[spec.kind]}({spec.in_channels}, {spec.out_channels}{n})"
        return t["yolo"].format(cls=cls)
    text = t[str(spec.kind)].format(inp=spec.in_channels, mid=spec.mid, out=spec.out_channels)
    text += t["stride"].format(stride=spec.stride) if spec.stride != 1 else ""
    return text + (t["groups"].format(groups=spec.groups) if spec.groups != 1 else "")


def _block(d: Draw, kinds: Sequence[Kind] | None = None) -> BlockResult:
    spec = spec_for(d, d.rng.choice(kinds or d.kinds), d.rng.choice(d.widths))
    return analytic_result(spec, d.shape)


def _size(d: Draw) -> str:
    return f"{d.shape.batch} x C x {d.shape.height} x {d.shape.width}"


def _conv(d: Draw, block: BlockResult) -> Layer:
    return d.rng.choice([r for r in block.layers if r.op is Op.CONV])


def _layer_words(layer: Layer) -> dict[str, object]:
    g = f", G = {layer.groups}" if layer.groups != 1 else ""
    return {"layer": layer.name, "k": layer.kernel, "cin": layer.in_shape[1],
            "cout": layer.out_shape[1], "g": g, "stride": layer.stride}


def weights(d: Draw, number: int) -> Exercise:
    block = _block(d)
    layer = _conv(d, block)
    q = d.t["q_weights"].format(block=describe(block.spec, d.t), **_layer_words(layer))
    return Exercise(number, "weights", q, fmt(layer.weights), (layer.formula,),
                    value=layer.weights, specs=(block.spec,), layer=layer.name)


def macs(d: Draw, number: int) -> Exercise:
    block = _block(d)
    layer = _conv(d, block)
    h = layer.in_shape[2]
    hw = f"{layer.out_shape[2]}x{layer.out_shape[3]}"
    q = d.t["q_macs"].format(block=describe(block.spec, d.t), size=_size(d), hw=hw,
                             **_layer_words(layer))
    steps = [f"H_out = ({h} + 2 x {layer.padding} - {layer.kernel}) // {layer.stride} + 1 = "
             f"{conv_out(h, layer.kernel, layer.stride)}"] if layer.stride != 1 else []
    return Exercise(number, "macs", q, fmt(layer.macs), (*steps, layer.formula,
                                                        layer.macs_formula),
                    value=layer.macs, specs=(block.spec,), layer=layer.name)


def _pair(d: Draw, value: Callable[[BlockResult], int]) -> tuple[BlockResult, BlockResult]:
    """Two different kinds at one width, the costlier first (so B is the cheaper one)."""
    a, b = d.rng.sample(sorted(set(d.kinds), key=str), 2)
    width = d.rng.choice(d.widths)
    first, second = (analytic_result(spec_for(d, k, width), d.shape) for k in (a, b))
    return (first, second) if value(first) >= value(second) else (second, first)


def _ratio_exercise(d: Draw, number: int, key: str, value: Callable[[BlockResult], int],
                    line: int) -> Exercise:
    a, b = _pair(d, value)
    r = f"{ratio(value(a), value(b)):.1f}"
    q = d.t[key].format(a=describe(a.spec, d.t), b=describe(b.spec, d.t), size=_size(d))
    work = (f"A, {totals_text(a)[line]}", f"B, {totals_text(b)[line]}",
            d.t["ratio_work"].format(a=fmt(value(a)), b=fmt(value(b)), r=r))
    return Exercise(number, key.removeprefix("q_"), q, r, work, specs=(a.spec, b.spec))


def projection(d: Draw, number: int) -> Exercise:
    kinds = [k for k in d.kinds if isinstance(k, BlockKind)]
    width = d.rng.choice(d.widths)
    stride, out = d.rng.choice(((1, width), (1, 4 * width), (2, 2 * width), (2, width)))
    spec = BlockSpec(d.rng.choice(kinds), width, max(width // 4, 1), out, stride=stride)
    block = analytic_result(spec, d.shape)
    said = describe(spec, d.t)
    q = d.t["q_projection"].format(block=said[:1].upper() + said[1:], size=_size(d))
    if not spec.needs_projection:
        return Exercise(number, "projection", q, d.t["a_no_projection"], (), value=0,
                        specs=(spec,))
    why = [d.t["why_channels"].format(inp=spec.in_channels, out=spec.out_channels)
           if spec.in_channels != spec.out_channels else "",
           d.t["why_stride"].format(stride=stride) if stride != 1 else ""]
    params = block.counts.shortcut
    answer = d.t["a_projection"].format(why=", ".join(w for w in why if w), stride=stride,
                                        params=fmt(params))
    side = [r for r in block.layers if r.shortcut]
    work = (*(f"{r.name}: {r.formula}" for r in side),
            f"{' + '.join(fmt(r.params) for r in side)} = {fmt(params)}")
    return Exercise(number, "projection", answer=answer, question=q, derivation=work,
                    value=params, specs=(spec,))


def params(d: Draw, number: int) -> Exercise:
    block = _block(d)
    q = d.t["q_params"].format(block=describe(block.spec, d.t))
    return Exercise(number, "params", q, fmt(block.counts.total), tuple(totals_text(block)[:-2]),
                    value=block.counts.total, specs=(block.spec,))


def block_macs(d: Draw, number: int) -> Exercise:
    block = _block(d)
    q = d.t["q_block_macs"].format(block=describe(block.spec, d.t), size=_size(d))
    work = (*(f"{r.name}: {r.macs_formula}" for r in block.layers if r.op is Op.CONV),
            totals_text(block)[-2])
    return Exercise(number, "block_macs", q, fmt(block.counts.macs), work,
                    value=block.counts.macs, specs=(block.spec,))


MAKERS: dict[str, Callable[[Draw, int], Exercise]] = {
    "weights": weights, "macs": macs, "projection": projection, "params": params,
    "block_macs": block_macs,
    "ratio": partial(_ratio_exercise, key="q_ratio", value=lambda b: b.counts.conv, line=0),
    "macs_ratio": partial(_ratio_exercise, key="q_macs_ratio", value=lambda b: b.counts.macs,
                          line=-2),
}
