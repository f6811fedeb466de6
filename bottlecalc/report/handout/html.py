"""``handout --format html``: one self-contained page; no scripts, no external resources."""

from __future__ import annotations

from html import escape

from bottlecalc.report.diagram.svg import render_svg
from bottlecalc.report.handout import page
from bottlecalc.report.handout import yolo as ryolo
from bottlecalc.report.handout.bars import bars_svg
from bottlecalc.report.handout.i18n import Lang
from bottlecalc.report.render import RenderOptions
from bottlecalc.report.sweep.svg import render_chart

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --accent: #1b7a9e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font-family: "DejaVu Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
  Helvetica, Arial, sans-serif; font-size: 15px; }
main { max-width: 980px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 3px;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.sub, .note, footer { color: var(--muted); }
.note { font-size: 13.5px; }
.figures { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.figures svg, .chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; }
th { background: #eef4f8; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.layers td { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 12.5px; }
.ratio { font-weight: bold; margin: 8px 0; }
.lead { font-size: 17px; font-weight: bold; border-left: 5px solid var(--accent);
  padding: 6px 12px; background: #f3f9fc; margin: 14px 0 0; }
.box { border: 2px solid var(--accent); border-radius: 8px; padding: 4px 16px 10px;
  background: #f3f9fc; margin-top: 24px; }
.box h2 { border: none; margin-top: 10px; }
pre { background: #f6f6f6; border: 1px solid var(--rule); border-radius: 6px;
  padding: 8px 12px; font-size: 12.5px; white-space: pre-wrap; }
pre.error { color: #a11; }
.lesson { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
.lesson > div { flex: 1 1 380px; }
footer { margin-top: 32px; font-size: 12px; border-top: 1px solid var(--rule);
  padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .box, table, svg, pre, .lesson { break-inside: avoid; }
  .figures svg { max-height: 105mm; width: auto; }
  h2 { margin-top: 16px; }
  .chart svg { width: 100%; }
  table { font-size: 9pt; }
  table.layers td { font-size: 8pt; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _table(head: list[str], rows: list[list[str]], *, cls: str = "",
           numeric_from: int = 1) -> str:
    ths = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{_e(c)}</td>' if i >= numeric_from else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"


def _section(ident: str, title: str, body: str, *, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<section id="{ident}"{attr}><h2>{_e(title)}</h2>{body}</section>'


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{_e(text)}</p>"


def html_diagrams(h: page.Handout) -> str:
    svgs = "".join(render_svg(d, page.labels(h)) for d in h.diagrams)
    return _section("diagrams", h.text["diagrams"],
                    _p(h.text["diagrams_note"], "note") + f'<div class="figures">{svgs}</div>')


def html_comparison(h: page.Handout) -> str:
    t = h.text
    head = [t["count"], t["basic"], t["bottleneck"]]
    body = (_p(t["comparison_note"], "note") + _table(head, page.comparison_rows(h))
            + _p(page.ratio_text(h), "ratio") + _p(page.verdict(h), "note"))
    return _section("comparison", t["comparison"], body)


def html_time(h: page.Handout) -> str:
    """handout --time: measured table, speed ratio, chart, and each block layer by layer."""
    machine = h.result.machine
    if machine is None:
        return ""
    t = h.text
    head, layer_head = page.time_headers(h)
    chart = bars_svg(t["chart_title"], page.speed_bars(h, machine), page.chart_label(machine))
    parts = [_p(t["time_note"], "note"), _table(head, page.time_rows(h, machine)),
             *(_p(line, "ratio" if i == 0 else "note")
               for i, line in enumerate(page.time_texts(h, machine))),
             f'<div class="chart">{chart}</div>', _p(t["time_roofline"])]
    for block in h.result.blocks:
        parts.append(f"<h3>{_e(t['time_layers'].format(block=t[str(block.spec.kind)]))}</h3>")
        parts.append(_table(layer_head, page.time_layer_rows(h, block, machine),
                            numeric_from=2))
    return _section("time", t["time_title"], "".join(parts))


def html_derivation(h: page.Handout) -> str:
    t = h.text
    head = [t["layer"], t["shape"], t["params"], t["macs"]]
    parts = [_p(t["derivation_note"], "note")]
    for block in h.result.blocks:
        parts.append(f"<h3>{_e(t[str(block.spec.kind)])}</h3>")
        parts.append(_table(head, page.layer_rows(block), cls="layers", numeric_from=9))
        parts.append("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in page.sum_lines(h, block))
                     + "</ul>")
    return _section("derivation", t["derivation"], "".join(parts))


def html_sweep(h: page.Handout) -> str:
    chart = render_chart(h.sweep, page.chart_text(h))
    return _section("sweep", h.text["sweep"],
                    _p(h.text["sweep_note"], "note") + f'<div class="chart">{chart}</div>')


def html_flops(h: page.Handout) -> str:
    body = "".join(_p(line) for line in page.flops_lines(h))
    return _section("flops", h.text["flops_title"], body, cls="box")


def html_lesson(h: page.Handout) -> str:
    s = page.lesson_texts(h)
    text = (_p(s["setup"]) + _p(s["crash"]) + f'<pre class="error">{_e(s["error"])}</pre>'
            + _p(s["rule"]) + _p(s["fix"]) + f"<pre>{_e(s['code'])}</pre>" + _p(s["cost"]))
    figure = render_svg(h.lesson_diagram, page.labels(h))
    return _section("lesson", h.text["lesson"],
                    f'<div class="lesson"><div>{text}</div><div>{figure}</div></div>')


def html_footer(h: page.Handout) -> str:
    conventions = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>"
                          for k, v in h.conventions.items())
    notes = "".join(f"<li>{_e(n)}</li>" for n in h.result.notes)
    body = (f"<p>{_e(page.footer_text(h))}</p><p>{_e(h.text['conventions'])}:</p>"
            f"<ul>{conventions}</ul>")
    if notes:
        body += f"<p>{_e(h.text['notes'])}:</p><ul>{notes}</ul>"
    return f"<footer>{body}</footer>"


def html_yolo(h: page.Handout) -> str:
    """--yolo: YOLO's blocks beside ResNet's, and the three baselines the web confuses."""
    if h.yolo is None:
        return ""
    t, s = h.text, ryolo.yolo_texts(h.yolo, h.text)
    blocks = _table([t["yolo_block"], t["yolo_conv"], t["yolo_params"], t["macs"]],
                    ryolo.block_rows(h.yolo, t))
    baselines = _table([t["baseline"], t["baseline_theirs"], t["baseline_mine"],
                        t["baseline_ratio"]], ryolo.baseline_rows(h.yolo, t))
    body = (_p(s["intro"]) + blocks + _p(s["bottleneck"]) + _p(s["c3"]) + _p(s["c2f"])
            + _p(s["baselines"], "ratio") + baselines)
    return _section("yolo", t["yolo"], body)


SECTIONS_HTML = (html_diagrams, html_comparison, html_time, html_derivation, html_sweep,
                 html_flops, html_lesson, html_yolo)


def render(h: page.Handout, options: RenderOptions) -> str:
    """The page: UTF-8, no scripts, no external resources, A4 print styles."""
    lang = "zh-CN" if h.lang is Lang.ZH else "en"
    body = "".join(section(h) for section in SECTIONS_HTML)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(h.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<header><h1>{_e(h.title)}</h1><p class="sub">{_e(page.subtitle(h))}</p>'
        f'<p class="lead">{_e(page.ratio_text(h))}</p></header>\n'
        f"{body}\n{html_footer(h)}\n</main>\n</body>\n</html>\n"
    )
