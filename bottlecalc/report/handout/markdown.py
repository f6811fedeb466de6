"""``handout --format markdown``: the same page as Markdown, diagrams as text."""

from __future__ import annotations

from html import escape

from bottlecalc.report.diagram.text import render_pair_text
from bottlecalc.report.handout import page
from bottlecalc.report.handout import yolo as ryolo
from bottlecalc.report.handout.bars import bars_text
from bottlecalc.report.markdown import table
from bottlecalc.report.render import RenderOptions


def md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [*table(head, rows), ""]


def md_sweep_rows(h: page.Handout) -> list[list[str]]:
    return [[str(p.value), *map(page.num, (p.basic.total, p.bottleneck.total, p.basic.macs,
                                          p.bottleneck.macs))] for p in h.sweep.points]


def _md_head(h: page.Handout) -> list[str]:
    title = h.title.replace("\n", " ")
    return [f"# {_md_text(title)}", "", f"_{_md_text(page.subtitle(h))}_", "",
            f"**{page.ratio_text(h)}**", ""]


def _md_text(text: str) -> str:
    """Markdown-escape user text so a title cannot inject links or HTML."""
    return escape("".join(f"\\{c}" if c in "\\`*_[]#<>!|" else c for c in text), quote=False)


def _md_comparison(h: page.Handout) -> list[str]:
    t = h.text
    head = [t["count"], t["basic"], t["bottleneck"]]
    return [f"## {t['comparison']}", "", t["comparison_note"], "",
            *md_table(head, page.comparison_rows(h)), f"**{page.ratio_text(h)}**", "",
            page.verdict(h), ""]


def _md_time(h: page.Handout) -> list[str]:
    """handout --time: the same section as the HTML page; the chart drawn in text."""
    machine = h.result.machine
    if machine is None:
        return []
    t = h.text
    head, layer_head = page.time_headers(h)
    texts = page.time_texts(h, machine)
    lines = [f"## {t['time_title']}", "", t["time_note"], "",
             *md_table(head, page.time_rows(h, machine)), f"**{texts[0]}**", "",
             *(f"{line}\n" for line in texts[1:]), f"_{t['chart_title']}_", "", "```text",
             bars_text(page.speed_bars(h, machine)), "```", "", t["time_roofline"], ""]
    for block in h.result.blocks:
        lines += [f"### {t['time_layers'].format(block=t[str(block.spec.kind)])}", ""]
        lines += md_table(layer_head, page.time_layer_rows(h, block, machine))
    return lines


def _md_derivation(h: page.Handout) -> list[str]:
    t = h.text
    lines = [f"## {t['derivation']}", "", t["derivation_note"], ""]
    for block in h.result.blocks:
        lines += [f"### {t[str(block.spec.kind)]}", ""]
        lines += md_table([t["layer"], t["shape"], t["params"], t["macs"]], page.layer_rows(block))
        lines += [f"- {s}" for s in page.sum_lines(h, block)] + [""]
    return lines


def _md_sweep(h: page.Handout) -> list[str]:
    t = h.text
    head = ["--mid", f"{t['basic']}: {t['params']}", f"{t['bottleneck']}: {t['params']}",
            f"{t['basic']}: {t['macs']}", f"{t['bottleneck']}: {t['macs']}"]
    return [f"## {t['sweep']}", "", t["sweep_note"], "", *md_table(head, md_sweep_rows(h))]


def _md_lesson(h: page.Handout) -> list[str]:
    s = page.lesson_texts(h)
    return [f"## {h.text['lesson']}", "", s["setup"], "", s["crash"], "", "```text",
            s["error"], "```", "", s["rule"], "", s["fix"], "", "```python", s["code"], "```",
            "", s["cost"], "", "```text", render_pair_text((h.lesson_diagram,), page.labels(h)),
            "```", ""]


def _md_yolo(h: page.Handout) -> list[str]:
    """--yolo: YOLO's blocks beside ResNet's, and the three baselines the web confuses."""
    if h.yolo is None:
        return []
    t, s = h.text, ryolo.yolo_texts(h.yolo, h.text)
    return [f"## {t['yolo']}", "", s["intro"], "",
            *md_table([t["yolo_block"], t["yolo_conv"], t["yolo_params"], t["macs"]],
                      ryolo.block_rows(h.yolo, t)),
            s["bottleneck"], "", s["c3"], "", s["c2f"], "", f"**{s['baselines']}**", "",
            *md_table([t["baseline"], t["baseline_theirs"], t["baseline_mine"],
                       t["baseline_ratio"]], ryolo.baseline_rows(h.yolo, t))]


def render(h: page.Handout, options: RenderOptions) -> str:
    t = h.text
    lines = [*_md_head(h), f"## {t['diagrams']}", "", t["diagrams_note"], "", "```text",
             render_pair_text(h.diagrams, page.labels(h)), "```", ""]
    lines += _md_comparison(h) + _md_time(h) + _md_derivation(h) + _md_sweep(h)
    lines += [f"## {t['flops_title']}", ""] + [f"> {line}\n>" for line in page.flops_lines(h)]
    lines += ["", *_md_lesson(h), *_md_yolo(h), "---", "", page.footer_text(h), ""]
    lines += [f"- **{k}**: {v}" for k, v in h.conventions.items()]
    lines += [f"- {n}" for n in h.result.notes]
    return "\n".join(lines) + "\n"
