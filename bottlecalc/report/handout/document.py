"""The handout as one document: title, diagrams, the counts by every route, the derivation,
the sweep, the MACs-or-FLOPs box, the lesson (and, with ``--time``, "MACs are not time";
with ``--yolo``, "From ResNet to YOLO"), in the page's language.

The Markdown format is this document drawn by the Markdown writer; the HTML page is the
HTML writer's drawing of it inside the page's head and styles (:mod:`.html`). Each figure
carries its SVG for HTML and a drawing in characters (or its table) for Markdown.
"""

from __future__ import annotations

from bottlecalc.report import document as doc
from bottlecalc.report import extra
from bottlecalc.report.compare.words import note_text
from bottlecalc.report.diagram.model import BlockDiagram
from bottlecalc.report.diagram.svg import render_svg
from bottlecalc.report.diagram.text import render_pair_text
from bottlecalc.report.glossary import CONVENTIONS
from bottlecalc.report.handout import page
from bottlecalc.report.handout import yolo as ryolo
from bottlecalc.report.handout.bars import bars_svg, bars_text
from bottlecalc.report.handout.page import Handout
from bottlecalc.report.numbers import exact
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.svg import render_chart
from bottlecalc.report.writers import markdown

Blocks = list[doc.Block]


def sheet(head: list[str], rows: list[list[str]], *, words: int = 1) -> doc.Sheet:
    """A table whose first ``words`` columns hold words (left-aligned), the rest numbers."""
    columns = tuple(doc.Column(name, right=i >= words) for i, name in enumerate(head))
    return doc.Sheet(columns, tuple(map(tuple, rows)), keys=words, look=doc.Look.BOXED)


def section(anchor: str, title: str, intro: str = "") -> Blocks:
    """A section's heading (``anchor`` links to it: ``#lesson``) and its first paragraph."""
    return [doc.Heading(title, anchor=anchor), *([doc.Prose(intro)] if intro else [])]


def diagrams(h: Handout, drawn: tuple[BlockDiagram, ...]) -> extra.Figure:
    """Block diagrams side by side: SVG for HTML, characters for Markdown."""
    labels = page.labels(h)
    return extra.Figure("".join(render_svg(d, labels) for d in drawn),
                      text=render_pair_text(drawn, labels))


def header(h: Handout) -> Blocks:
    return [doc.Heading(h.title.replace("\n", " "), level=1, typed=True),
            doc.Prose(page.subtitle(h), doc.Kind.LEGEND),
            doc.Prose(page.ratio_text(h), doc.Kind.RATIO)]


def comparison(h: Handout) -> Blocks:
    t, agree = h.text, h.result.all_agree or not h.result.measured
    return [*section("comparison", t["comparison"], t["comparison_note"]),
            sheet([t["count"], t["basic"], t["bottleneck"]], page.comparison_rows(h)),
            doc.Prose(page.ratio_text(h), doc.Kind.RATIO),
            doc.Prose(page.verdict(h), doc.Kind.VERDICT, good=agree)]


def time(h: Handout) -> Blocks:
    """handout --time: measured table, speed ratio, chart, and each block layer by layer."""
    machine = h.result.machine
    if machine is None:
        return []
    t = h.text
    head, layer_head = page.time_headers(h)
    ratio, *remarks = page.time_texts(h, machine)
    bars = page.speed_bars(h, machine)
    chart = extra.Figure(bars_svg(t["chart_title"], bars, page.chart_label(machine)),
                       text=f"{t['chart_title']}\n{bars_text(bars)}")
    parts = [*section("time", t["time_title"], t["time_note"]),
             sheet(head, page.time_rows(h, machine)),
             doc.Prose(ratio, doc.Kind.RATIO), *map(doc.Prose, remarks), chart,
             doc.Prose(t["time_roofline"])]
    for block in h.result.blocks:
        parts += [doc.Heading(t["time_layers"].format(block=t[str(block.spec.kind)]), level=3),
                  sheet(layer_head, page.time_layer_rows(h, block, machine), words=2)]
    return parts


def derivation(h: Handout) -> Blocks:
    t = h.text
    parts = section("derivation", t["derivation"], t["derivation_note"])
    for block in h.result.blocks:
        parts += [doc.Heading(t[str(block.spec.kind)], level=3),
                  sheet([t["layer"], t["shape"], t["params"], t["macs"]], page.layer_rows(block),
                        words=4),
                  doc.List(tuple(page.sum_lines(h, block)), doc.Kind.TEXT)]
    return parts


def sweep(h: Handout) -> Blocks:
    """The sweep over --mid: a chart in HTML, its table in Markdown."""
    t = h.text
    head = ["--mid", *(f"{t[kind]}: {t[count]}" for count in ("params", "macs")
                       for kind in ("basic", "bottleneck"))]
    rows = [[str(p.value), *map(exact, (p.basic.total, p.bottleneck.total, p.basic.macs,
                                           p.bottleneck.macs))] for p in h.sweep.points]
    chart = render_chart(h.sweep, page.chart_text(h))
    return [*section("sweep", t["sweep"], t["sweep_note"]),
            extra.Figure(chart, sheet=sheet(head, rows))]


def flops(h: Handout) -> Blocks:
    return [*section("flops", h.text["flops_title"]),
            *(doc.Prose(line, doc.Kind.ASIDE) for line in page.flops_lines(h))]


def lesson(h: Handout) -> Blocks:
    s = page.lesson_texts(h)
    return [*section("lesson", h.text["lesson"], s["setup"]), doc.Prose(s["crash"]),
            extra.Code(s["error"]), doc.Prose(s["rule"]), doc.Prose(s["fix"]),
            extra.Code(s["code"], "python"), doc.Prose(s["cost"]), diagrams(h, (h.lesson_diagram,))]


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
    return [extra.Rule(), doc.Prose(page.footer_text(h)), doc.Prose(f"{t['conventions']}:"),
            conventions, *noted]


def build(h: Handout) -> doc.Document:
    t = h.text
    figures = [*section("diagrams", t["diagrams"], t["diagrams_note"]), diagrams(h, h.diagrams)]
    return doc.Document((*header(h), *figures, *comparison(h), *time(h), *derivation(h),
                         *sweep(h), *flops(h), *lesson(h), *yolo(h), *footer(h)))


def render_markdown(h: Handout, options: RenderOptions) -> str:
    return markdown.render(build(h), options)
