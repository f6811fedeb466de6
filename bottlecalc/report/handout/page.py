"""The teaching handout's content: what the page says, counted, for every format to lay out.

Every number comes from the typed results of the user's blocks (the numbers ``compare``
prints), of the article's sample for the projection lesson, and of the ``--mid`` sweep.
Nothing here recomputes a count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bottlecalc import __version__
from bottlecalc.analytic import Counts, Layer, Op
from bottlecalc.report import timing
from bottlecalc.report.diagram.model import BlockDiagram, Labels, block_diagram
from bottlecalc.report.handout.i18n import STRINGS, Lang
from bottlecalc.report.handout.yolo import YoloSection, build_yolo
from bottlecalc.report.numbers import exact, shape_text
from bottlecalc.report.sweep.svg import ChartText
from bottlecalc.results import BlockResult, CompareResult, analytic_result
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, resolve_out
from bottlecalc.sweep import Sweep
from bottlecalc.timed import NOISY_IQR, Machine

# The article's sample: Bottleneck(64, 64) with expansion 4 and no downsample, fed 1x64x56x56.
# The lesson's text says "expansion 4" as the article's code does (a class attribute).
ARTICLE_IN, ARTICLE_MID, ARTICLE_EXPANSION, ARTICLE_SIZE = 64, 64, 4, 56
MARKS = {True: " ✓", False: " ✗", None: ""}


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

    @property
    def diagrams(self) -> tuple[BlockDiagram, ...]:
        return tuple(block_diagram(block) for block in self.result.blocks)

    @property
    def lesson_diagram(self) -> BlockDiagram:
        return block_diagram(self.lesson)


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


def labels(h: Handout) -> Labels:
    t = h.text
    return Labels(basic=t["basic"], bottleneck=t["bottleneck"], identity=t["identity"],
                  projection=t["projection"], inp=t["in"], out=t["out"], channels=t["ch"])


def subtitle(h: Handout) -> str:
    spec, shape = h.result.blocks[-1].spec, h.result.shape
    dims = shape_text([shape.batch, spec.in_channels, shape.height, shape.width])
    return h.text["subtitle"].format(inp=spec.in_channels, mid=spec.mid,
                                     out=spec.out_channels, shape=dims)


Count = Callable[[Counts], int]
ROWS: tuple[tuple[str, Count], ...] = (
    ("conv_weights_article", lambda c: c.conv), ("row_bn", lambda c: c.bn),
    ("row_shortcut", lambda c: c.shortcut), ("row_total", lambda c: c.total),
    ("row_macs", lambda c: c.macs), ("row_macs_bn", lambda c: c.fvcore),
    ("row_flops", lambda c: c.flops),
)
Measure = Callable[[BlockResult], tuple[int | None, bool | None]]
MEASURED_ROWS: tuple[tuple[str, Measure, int], ...] = (
    ("row_instantiated", lambda b: (b.measured.params, b.params_agree), 4),
    ("row_fvcore", lambda b: (b.measured.fvcore, b.fvcore_agree), 7),
    ("row_torch", lambda b: (b.measured.torch_flops, b.torch_agree), 9),
)


def comparison_rows(h: Handout) -> list[list[str]]:
    """[label, basic, bottleneck] for every count; measured rows only when they ran."""
    blocks = h.result.blocks
    rows = [[h.text[key]] + [exact(value(b.counts)) for b in blocks] for key, value in ROWS]
    for key, measure, at in MEASURED_ROWS:
        seen = [measure(b) for b in blocks]
        if any(n is not None for n, _ in seen):
            rows.insert(at, [h.text[key]] + [exact(n) + MARKS[mark] for n, mark in seen])
    return rows


def ratio_text(h: Handout) -> str:
    r = {key: round(value, 4) for key, value in h.result.ratios().items()}
    return h.text["ratio"].format(conv=f"{r['conv']:.1f}", params=f"{r['params']:.1f}",
                                  macs=f"{r['macs']:.1f}")


def verdict(h: Handout) -> str:
    if not h.result.measured:
        return h.text["analytic_only"]
    return h.text["agree"] if h.result.all_agree else h.text["disagree"]


SHOWN_OPS = (Op.CONV, Op.BN, Op.ADD, Op.LINEAR)


def layer_rows(block: BlockResult) -> list[list[str]]:
    """[layer, output shape, parameters formula, MACs formula] per counted operation."""
    return [[layer.name, shape_text(layer.out_shape), layer.formula, layer.macs_formula]
            for layer in block.layers if layer.op in SHOWN_OPS]


def sum_lines(h: Handout, block: BlockResult) -> list[str]:
    """How each total adds up, from the block's own figures."""
    c, t = block.counts, h.text
    parts = " + ".join(exact(n) for n in (c.conv, c.bn, c.bias, c.shortcut))
    macs = " + ".join(exact(layer.macs) for layer in block.layers if layer.macs)
    return [
        f"{t['conv_weights']}: {exact(c.conv)}",
        f"{t['sum_total']}: {parts} = {exact(c.total)}",
        f"{t['sum_macs']}: {macs} = {exact(c.macs)}",
        f"{t['flops_are_2_macs']}: 2 x {exact(c.macs)} = {exact(c.flops)}",
    ]


def flops_lines(h: Handout) -> list[str]:
    block, t = h.result.blocks[-1], h.text
    c = block.counts
    lines = [t["mac"], t["flop"],
             t["flops_example"].format(macs=exact(c.macs), flops=exact(c.flops))]
    if block.measured.torch_flops is not None:
        lines.append(t["flops_torch"].format(torch=exact(block.measured.torch_flops)))
    lines.append(t["flops_bn"].format(fvcore=exact(c.fvcore)))
    return lines


def _layer(block: BlockResult, name: str) -> Layer:
    return next(layer for layer in block.layers if layer.name == name)


def lesson_texts(h: Handout) -> dict[str, str]:
    """The lesson's sentences, error message and fix, filled from the lesson block."""
    b, t = h.lesson, h.text
    s, c = b.spec, b.counts
    main, ident = shape_text(_layer(b, "conv3").out_shape), shape_text(_layer(b, "conv1").in_shape)
    proj, norm = _layer(b, "downsample.0"), _layer(b, "downsample.1")
    return {
        "setup": t["lesson_setup"].format(inp=s.in_channels, mid=s.mid, out=s.out_channels),
        "crash": t["lesson_crash"].format(main=main, ident=ident),
        "error": f"RuntimeError: The size of tensor a ({s.out_channels}) must match the size "
                 f"of tensor b ({s.in_channels}) at non-singleton dimension 1",
        "rule": t["lesson_rule"],
        "fix": t["lesson_fix"],
        "code": (f"downsample = nn.Sequential(\n"
                 f"    nn.Conv2d({s.in_channels}, {s.out_channels}, kernel_size=1, "
                 f"stride={s.stride}, bias=False),\n    nn.BatchNorm2d({s.out_channels}),\n)\n"
                 f"block = Bottleneck({s.in_channels}, {s.mid}, downsample=downsample)"),
        "cost": t["lesson_cost"].format(params=exact(c.shortcut), conv=exact(proj.params),
                                        bn=exact(norm.params), macs=exact(c.shortcut_macs)),
    }


def chart_text(h: Handout) -> ChartText:
    t = h.text
    return ChartText(x_label=t["mid_axis"], params=t["axis_params"], macs=t["macs_axis"],
                     basic=t["basic"], bottleneck=t["bottleneck"])


def footer_text(h: Handout) -> str:
    return h.text["footer"].format(version=__version__)


# --- "MACs are not time" (handout --time) ---


def time_headers(h: Handout) -> tuple[list[str], list[str]]:
    """Headers of the measured table and of the per-layer tables, translated."""
    t = h.text
    blocks = [t["time_block"], t["macs"], t["time_median"], t["time_iqr"], t["time_runs"],
              t["time_gflops"], t["time_predicted"], t["time_intensity"], t["time_bound"]]
    layers = [t["layer"], t["time_op"], t["macs"], t["time_intensity"], t["time_bound"],
              t["time_predicted"], t["time_measured"], t["time_gflops"]]
    return blocks, layers


def _translated(h: Handout, cells: list[str], *, bound: int) -> list[str]:
    """A timing row with its bound and "noisy" words in the page's language."""
    cells = [c.replace("\nnoisy", f" {h.text['noisy']}") for c in cells]
    cells[bound] = h.text[f"bound_{cells[bound]}"]
    return cells


def time_rows(h: Handout, machine: Machine) -> list[list[str]]:
    """One row per block: its MACs, measured median and spread, throughput, roofline."""
    rows = []
    for block in h.result.blocks:
        row = _translated(h, timing.block_row(block, machine), bound=-1)
        rows.append([h.text[str(block.spec.kind)], *row[1:]])
    return rows


def time_layer_rows(h: Handout, block: BlockResult, machine: Machine) -> list[list[str]]:
    return [_translated(h, row, bound=4) for row in timing.layer_rows(block, machine)]


def ratios(h: Handout, machine: Machine) -> tuple[float, float, float]:
    """(x fewer MACs, x as fast measured, x as fast by the roofline): bottleneck vs basic."""
    first, last = h.result.blocks[0], h.result.blocks[-1]
    roof = timing.predicted(first, machine) / timing.predicted(last, machine)
    return h.result.ratios()["macs"], h.result.speedup or 0.0, roof


def chart_label(machine: Machine) -> str:
    """The machine, as the chart names it: 'timed on AMD EPYC (cpu), 2 threads, float32'."""
    return timing.machine_line(machine).split(", torch")[0]


def speed_bars(h: Handout, machine: Machine) -> list[tuple[str, float]]:
    keys = ("bar_macs", "bar_measured", "bar_roofline")
    return [(h.text[key], value) for key, value in zip(keys, ratios(h, machine), strict=True)]


def time_texts(h: Handout, machine: Machine) -> list[str]:
    """The section's sentences after the table: the ratio, the machine, the caveats."""
    t, m = h.text, machine
    macs, speed, roof = ratios(h, machine)
    lines = [t["time_ratio"].format(macs=f"{macs:.1f}", speed=f"{speed:.1f}", roof=f"{roof:.1f}"),
             t["time_machine"].format(cpu=m.gpu or m.cpu, device=m.device, threads=m.threads,
                                      dtype=m.dtype, torch=m.torch,
                                      peak=f"{m.peak_gflops:.1f}",
                                      bandwidth=f"{m.bandwidth_gbs:.1f}", ridge=f"{m.ridge:.2f}")]
    if m.busy:
        lines.append(t["time_busy"].format(load=f"{m.load_average:.1f}", cpus=m.cpus))
    if timing.any_noisy(h.result.blocks):
        lines.append(t["time_noisy"].format(pct=f"{NOISY_IQR:.0%}".rstrip("%")))
    return lines
