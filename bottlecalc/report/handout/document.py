"""The handout as one document: title, diagrams, the counts by every route, the derivation,
the sweep, the MACs-or-FLOPs box, the lesson (and, with ``--time``, "MACs are not time";
with ``--yolo``, "From ResNet to YOLO"), in the page's language.

Each section is worded here, straight from the counted :class:`~.page.Handout`. The
Markdown format is this document drawn by the Markdown writer; the HTML page is the HTML
writer's drawing of it inside the page's head and styles (:mod:`.html`). Each figure
carries its SVG for HTML and a drawing in characters (or its table) for Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

from bottlecalc import __version__
from bottlecalc.analytic import Counts, Layer, Op
from bottlecalc.report import document as doc
from bottlecalc.report import extra, timing
from bottlecalc.report.compare.words import note_text
from bottlecalc.report.diagram.model import Labels, block_diagram
from bottlecalc.report.diagram.svg import render_svg
from bottlecalc.report.diagram.text import render_pair_text
from bottlecalc.report.glossary import CONVENTIONS
from bottlecalc.report.handout import yolo as ryolo
from bottlecalc.report.handout.bars import bars_svg, bars_text
from bottlecalc.report.handout.page import Handout
from bottlecalc.report.numbers import exact, shape_text
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.svg import ChartText, render_chart
from bottlecalc.report.writers import markdown
from bottlecalc.results import BlockResult
from bottlecalc.timed import NOISY_IQR, Machine

Blocks = list[doc.Block]
MARKS = {True: " ✓", False: " ✗", None: ""}

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
SHOWN_OPS = (Op.CONV, Op.BN, Op.ADD, Op.LINEAR)  # the derivation's layers
# The headers of "MACs are not time" (--time): the measured table's, each block's layers'
TIME_HEAD = ("time_block", "macs", "time_median", "time_iqr", "time_runs", "time_gflops",
             "time_predicted", "time_intensity", "time_bound")
LAYER_TIME_HEAD = ("layer", "time_op", "macs", "time_intensity", "time_bound", "time_predicted",
                   "time_measured", "time_gflops")


def sheet(head: list[str], rows: list[list[str]], *, words: int = 1) -> doc.Sheet:
    """A table whose first ``words`` columns hold words (left-aligned), the rest numbers."""
    columns = tuple(doc.Column(name, right=i >= words) for i, name in enumerate(head))
    return doc.Sheet(columns, tuple(map(tuple, rows)), keys=words, look=doc.Look.BOXED)


def section(anchor: str, title: str, intro: str = "") -> Blocks:
    """A section's heading (``anchor`` links to it: ``#lesson``) and its first paragraph."""
    return [extra.Heading(title, anchor=anchor), *([doc.Prose(intro)] if intro else [])]


def diagrams(h: Handout, blocks: tuple[BlockResult, ...]) -> extra.Figure:
    """Block diagrams side by side: SVG for HTML, characters for Markdown."""
    t, drawn = h.text, tuple(map(block_diagram, blocks))
    labels = Labels(basic=t["basic"], bottleneck=t["bottleneck"], identity=t["identity"],
                    projection=t["projection"], inp=t["in"], out=t["out"], channels=t["ch"])
    return extra.Figure("".join(render_svg(d, labels) for d in drawn),
                        text=render_pair_text(drawn, labels))


def header(h: Handout) -> Blocks:
    """The title, the blocks' widths and input, and the ratio line."""
    spec, shape = h.result.blocks[-1].spec, h.result.shape
    dims = shape_text([shape.batch, spec.in_channels, shape.height, shape.width])
    subtitle = h.text["subtitle"].format(inp=spec.in_channels, mid=spec.mid,
                                         out=spec.out_channels, shape=dims)
    return [extra.Heading(h.title.replace("\n", " "), level=1, typed=True),
            doc.Prose(subtitle, doc.Kind.LEGEND),
            doc.Prose(ratio_text(h), doc.Kind.RATIO)]


def ratio_text(h: Handout) -> str:
    r = {key: round(value, 4) for key, value in h.result.ratios().items()}
    return h.text["ratio"].format(conv=f"{r['conv']:.1f}", params=f"{r['params']:.1f}",
                                  macs=f"{r['macs']:.1f}")


def comparison(h: Handout) -> Blocks:
    """Every count of both blocks, then whether the routes that ran agree."""
    t, result = h.text, h.result
    if result.measured:
        verdict = t["agree"] if result.all_agree else t["disagree"]
    else:
        verdict = t["analytic_only"]
    return [*section("comparison", t["comparison"], t["comparison_note"]),
            sheet([t["count"], t["basic"], t["bottleneck"]], comparison_rows(h)),
            doc.Prose(ratio_text(h), doc.Kind.RATIO),
            doc.Prose(verdict, doc.Kind.VERDICT, good=result.all_agree or not result.measured)]


def comparison_rows(h: Handout) -> list[list[str]]:
    """[label, basic, bottleneck] for every count; measured rows only when they ran."""
    blocks = h.result.blocks
    rows = [[h.text[key]] + [exact(value(b.counts)) for b in blocks] for key, value in ROWS]
    for key, measure, at in MEASURED_ROWS:
        seen = [measure(b) for b in blocks]
        if any(n is not None for n, _ in seen):
            rows.insert(at, [h.text[key]] + [exact(n) + MARKS[mark] for n, mark in seen])
    return rows


def time(h: Handout) -> Blocks:
    """handout --time: measured table, speed ratio, chart, and each block layer by layer."""
    machine = h.result.machine
    if machine is None:
        return []
    t = h.text
    ratio, *remarks = time_texts(h, machine)
    parts = [*section("time", t["time_title"], t["time_note"]),
             sheet([t[key] for key in TIME_HEAD], time_rows(h, machine)),
             doc.Prose(ratio, doc.Kind.RATIO), *map(doc.Prose, remarks),
             speed_chart(h, machine), doc.Prose(t["time_roofline"])]
    for block in h.result.blocks:
        rows = [_translated(h, row, bound=4) for row in timing.layer_rows(block, machine)]
        parts += [extra.Heading(t["time_layers"].format(block=t[str(block.spec.kind)]), level=3),
                  sheet([t[key] for key in LAYER_TIME_HEAD], rows, words=2)]
    return parts


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


def ratios(h: Handout, machine: Machine) -> tuple[float, float, float]:
    """(x fewer MACs, x as fast measured, x as fast by the roofline): bottleneck vs basic."""
    first, last = h.result.blocks[0], h.result.blocks[-1]
    roof = timing.predicted(first, machine) / timing.predicted(last, machine)
    return h.result.ratios()["macs"], h.result.speedup or 0.0, roof


def speed_chart(h: Handout, machine: Machine) -> extra.Figure:
    """The three ratios as bars, the machine named below them as 'timed on AMD EPYC (cpu),
    2 threads, float32' (torch's version left out)."""
    t, keys = h.text, ("bar_macs", "bar_measured", "bar_roofline")
    bars = [(t[key], value) for key, value in zip(keys, ratios(h, machine), strict=True)]
    machine_label = timing.machine_line(machine).split(", torch")[0]
    return extra.Figure(bars_svg(t["chart_title"], bars, machine_label),
                        text=f"{t['chart_title']}\n{bars_text(bars)}")


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


def derivation(h: Handout) -> Blocks:
    """Each block's counted layers with their formulas, then how its totals add up."""
    t = h.text
    parts = section("derivation", t["derivation"], t["derivation_note"])
    for block in h.result.blocks:
        rows = [[layer.name, shape_text(layer.out_shape), layer.formula, layer.macs_formula]
                for layer in block.layers if layer.op in SHOWN_OPS]
        parts += [extra.Heading(t[str(block.spec.kind)], level=3),
                  sheet([t["layer"], t["shape"], t["params"], t["macs"]], rows, words=4),
                  doc.List(tuple(sum_lines(h, block)), doc.Kind.TEXT)]
    return parts


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


def sweep(h: Handout) -> Blocks:
    """The sweep over --mid: a chart in HTML, its table in Markdown."""
    t = h.text
    head = ["--mid", *(f"{t[kind]}: {t[count]}" for count in ("params", "macs")
                       for kind in ("basic", "bottleneck"))]
    rows = [[str(p.value), *map(exact, (p.basic.total, p.bottleneck.total, p.basic.macs,
                                           p.bottleneck.macs))] for p in h.sweep.points]
    words = ChartText(x_label=t["mid_axis"], params=t["axis_params"], macs=t["macs_axis"],
                      basic=t["basic"], bottleneck=t["bottleneck"],
                      tips=(t["tip_basic"], t["tip_bottleneck"]))
    return [*section("sweep", t["sweep"], t["sweep_note"]),
            extra.Figure(render_chart(h.sweep, words), sheet=sheet(head, rows))]


def flops(h: Handout) -> Blocks:
    """MACs or FLOPs: both defined, then the user's bottleneck counted in each."""
    block, t = h.result.blocks[-1], h.text
    c = block.counts
    lines = [t["mac"], t["flop"],
             t["flops_example"].format(macs=exact(c.macs), flops=exact(c.flops))]
    if block.measured.torch_flops is not None:
        lines.append(t["flops_torch"].format(torch=exact(block.measured.torch_flops)))
    lines.append(t["flops_bn"].format(fvcore=exact(c.fvcore)))
    return [*section("flops", t["flops_title"]),
            *(doc.Prose(line, doc.Kind.ASIDE) for line in lines)]


def _layer(block: BlockResult, name: str) -> Layer:
    return next(layer for layer in block.layers if layer.name == name)


def lesson(h: Handout) -> Blocks:
    """The lesson, filled from the article's sample block: the crash and its error message,
    the rule, torchvision's fix and what the projection costs."""
    b, t = h.lesson, h.text
    s, c = b.spec, b.counts
    main, ident = shape_text(_layer(b, "conv3").out_shape), shape_text(_layer(b, "conv1").in_shape)
    proj, norm = _layer(b, "downsample.0"), _layer(b, "downsample.1")
    error = (f"RuntimeError: The size of tensor a ({s.out_channels}) must match the size "
             f"of tensor b ({s.in_channels}) at non-singleton dimension 1")
    code = (f"downsample = nn.Sequential(\n"
            f"    nn.Conv2d({s.in_channels}, {s.out_channels}, kernel_size=1, "
            f"stride={s.stride}, bias=False),\n    nn.BatchNorm2d({s.out_channels}),\n)\n"
            f"block = Bottleneck({s.in_channels}, {s.mid}, downsample=downsample)")
    cost = t["lesson_cost"].format(params=exact(c.shortcut), conv=exact(proj.params),
                                   bn=exact(norm.params), macs=exact(c.shortcut_macs))
    setup = t["lesson_setup"].format(inp=s.in_channels, mid=s.mid, out=s.out_channels)
    return [*section("lesson", t["lesson"], setup),
            doc.Prose(t["lesson_crash"].format(main=main, ident=ident)), extra.Code(error),
            doc.Prose(t["lesson_rule"]), doc.Prose(t["lesson_fix"]), extra.Code(code, "python"),
            doc.Prose(cost), diagrams(h, (b,))]


def yolo(h: Handout) -> Blocks:
    """--yolo: YOLO's blocks beside ResNet's, and the three baselines the web confuses."""
    if h.yolo is None:
        return []
    t, s = h.text, ryolo.yolo_texts(h.yolo, h.text)
    blocks = sheet([t["yolo_block"], t["yolo_conv"], t["yolo_params"], t["macs"]],
                   ryolo.block_rows(h.yolo, t))
    baselines = sheet([t["baseline"], t["baseline_theirs"], t["baseline_mine"],
                       t["baseline_ratio"]], ryolo.baseline_rows(h.yolo, t))
    return [*section("yolo", t["yolo"], s["intro"]), blocks, doc.Prose(s["bottleneck"]),
            doc.Prose(s["c3"]), doc.Prose(s["c2f"]), doc.Prose(s["baselines"], doc.Kind.CAPTION),
            baselines]


def footer(h: Handout) -> Blocks:
    """Who made the page, the conventions its counts follow, the notes on this run."""
    t, notes = h.text, tuple(note_text(note, h.text) for note in h.result.notes)
    conventions = doc.List(tuple(CONVENTIONS.values()), doc.Kind.LEGEND,
                           terms=tuple(CONVENTIONS))
    noted: Blocks = [doc.Prose(f"{t['notes']}:"), doc.List(notes)] if notes else []
    return [extra.Rule(), doc.Prose(t["footer"].format(version=__version__)),
            doc.Prose(f"{t['conventions']}:"), conventions, *noted]


def build(h: Handout) -> doc.Document:
    t = h.text
    figures = [*section("diagrams", t["diagrams"], t["diagrams_note"]),
               diagrams(h, h.result.blocks)]
    return doc.Document((*header(h), *figures, *comparison(h), *time(h), *derivation(h),
                         *sweep(h), *flops(h), *lesson(h), *yolo(h), *footer(h)))


def render_markdown(h: Handout, options: RenderOptions) -> str:
    return markdown.render(build(h), options)
