"""The teaching handout: one self-contained HTML page (or Markdown) a student can read.

Every number on the page is read from :func:`bottlecalc.results.compare_dict` (the data
``compare --format json`` prints) of the user's blocks, or of the article's sample for
the projection lesson, and the sweep chart from :func:`bottlecalc.sweep.sweep_dict`.
Nothing here recomputes a count. The page loads nothing: styles and SVG are inline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from bottlecalc import __version__
from bottlecalc.analytic import fmt
from bottlecalc.api import compare_blocks
from bottlecalc.diagram import (
    BlockDiagram,
    Labels,
    block_diagram,
    render_pair_text,
    render_svg,
)
from bottlecalc.report.handout_i18n import Lang, strings
from bottlecalc.report.sweep.svg import ChartText, render_chart
from bottlecalc.results import CompareResult, compare_dict
from bottlecalc.spec import BlockKind, BlockSpec, InputShape, resolve_out
from bottlecalc.sweep import Sweep, sweep_dict

# The article's sample: Bottleneck(64, 64) with expansion 4 and no downsample, fed 1x64x56x56.
# The lesson's text says "expansion 4" as the article's code does (a class attribute).
ARTICLE_IN, ARTICLE_MID, ARTICLE_EXPANSION, ARTICLE_SIZE = 64, 64, 4, 56
DASH = "—"
MARKS = {True: " ✓", False: " ✗", None: ""}


@dataclass(frozen=True)
class Handout:
    """Everything the page shows, already counted; renderers only format it."""

    title: str
    lang: Lang
    data: dict[str, Any]  # compare_dict of the user's basic and bottleneck blocks
    lesson: dict[str, Any]  # compare_dict of the article's sample, projection added
    diagrams: tuple[BlockDiagram, ...]
    lesson_diagram: BlockDiagram
    sweep: dict[str, Any]  # sweep_dict over --mid

    @property
    def text(self) -> Mapping[str, str]:
        return strings(self.lang)


def lesson_spec() -> BlockSpec:
    out = resolve_out(ARTICLE_IN, ARTICLE_MID, None, ARTICLE_EXPANSION)
    return BlockSpec(BlockKind.BOTTLENECK, ARTICLE_IN, ARTICLE_MID, out)


def build_handout(result: CompareResult, sweep: Sweep, *, title: str | None = None,
                  lang: Lang = Lang.EN) -> Handout:
    """Gather the page's data: the user's comparison, the lesson block and the sweep."""
    lesson = compare_blocks((lesson_spec(),), InputShape(ARTICLE_SIZE, ARTICLE_SIZE),
                            measure=False)
    return Handout(
        title=title or strings(lang)["title"], lang=lang, data=compare_dict(result),
        lesson=compare_dict(lesson),
        diagrams=tuple(block_diagram(block) for block in result.blocks),
        lesson_diagram=block_diagram(lesson.blocks[0]), sweep=sweep_dict(sweep),
    )


# ------------------------------------------------------------- content shared by formats

def num(n: int | None) -> str:
    return DASH if n is None else fmt(n)


def labels(h: Handout) -> Labels:
    t = h.text
    return Labels(basic=t["basic"], bottleneck=t["bottleneck"], identity=t["identity"],
                  projection=t["projection"], inp=t["in"], out=t["out"], channels=t["ch"])


def shape_text(shape: list[int]) -> str:
    return "x".join(str(d) for d in shape)


def subtitle(h: Handout) -> str:
    b, i = h.data["blocks"][-1], h.data["input"]
    shape = shape_text([i["batch"], b["in"], i["height"], i["width"]])
    return h.text["subtitle"].format(inp=b["in"], mid=b["mid"], out=b["out"], shape=shape)


def _measured(block: dict[str, Any], group: str, key: str, agree: str) -> str:
    return num(block[group][key]) + MARKS[block["agree"][agree]]


ROWS = (("row_conv", "params", "conv"), ("row_bn", "params", "bn"),
        ("row_shortcut", "params", "shortcut"), ("row_total", "params", "total"),
        ("row_macs", "macs", "conv"), ("row_macs_bn", "macs", "analytic"),
        ("row_flops", "flops", "analytic"))
MEASURED_ROWS = (("row_instantiated", "params", "instantiated", "params", 4),
                 ("row_fvcore", "macs", "fvcore", "fvcore", 7),
                 ("row_torch", "flops", "torch", "torch", 9))


def comparison_rows(h: Handout) -> list[list[str]]:
    """[label, basic, bottleneck] for every count; measured rows only when they ran."""
    blocks = h.data["blocks"]
    rows = [[h.text[key]] + [num(b[group][field]) for b in blocks]
            for key, group, field in ROWS]
    for key, group, field, agree, at in MEASURED_ROWS:
        if any(b[group][field] is not None for b in blocks):
            rows.insert(at, [h.text[key]] + [_measured(b, group, field, agree) for b in blocks])
    return rows


def ratio_text(h: Handout) -> str:
    r = h.data["ratios"]
    return h.text["ratio"].format(conv=f"{r['conv']:.1f}", params=f"{r['params']:.1f}",
                                  macs=f"{r['macs']:.1f}")


def verdict(h: Handout) -> str:
    if not h.data["measured"]:
        return h.text["analytic_only"]
    return h.text["agree"] if h.data["all_agree"] else h.text["disagree"]


SHOWN_OPS = ("conv", "bn", "add", "linear")


def layer_rows(block: dict[str, Any]) -> list[list[str]]:
    """[layer, output shape, parameters formula, MACs formula] per counted operation."""
    return [[layer["name"], shape_text(layer["out_shape"]), layer["formula"],
             layer["macs_formula"]]
            for layer in block["layers"] if layer["op"] in SHOWN_OPS]


def sum_lines(h: Handout, block: dict[str, Any]) -> list[str]:
    """How each total adds up, from the block's own figures."""
    p, t = block["params"], h.text
    parts = " + ".join(num(p[k]) for k in ("conv", "bn", "bias", "shortcut"))
    macs = " + ".join(num(layer["macs"]) for layer in block["layers"] if layer["macs"])
    return [
        f"{t['sum_conv']}: {num(p['conv'])}",
        f"{t['sum_total']}: {parts} = {num(p['total'])}",
        f"{t['sum_macs']}: {macs} = {num(block['macs']['conv'])}",
        f"{t['sum_flops']}: 2 x {num(block['macs']['conv'])} = {num(block['flops']['analytic'])}",
    ]


def flops_lines(h: Handout) -> list[str]:
    b, t = h.data["blocks"][-1], h.text
    lines = [t["flops_mac"], t["flops_flop"],
             t["flops_example"].format(macs=num(b["macs"]["conv"]),
                                       flops=num(b["flops"]["analytic"]))]
    if b["flops"]["torch"] is not None:
        lines.append(t["flops_torch"].format(torch=num(b["flops"]["torch"])))
    lines.append(t["flops_bn"].format(fvcore=num(b["macs"]["analytic"])))
    return lines


def _layer(block: dict[str, Any], name: str) -> dict[str, Any]:
    return next(layer for layer in block["layers"] if layer["name"] == name)


def lesson_texts(h: Handout) -> dict[str, str]:
    """The lesson's sentences, error message and fix, filled from the lesson block."""
    b, t = h.lesson["blocks"][0], h.text
    main = shape_text(_layer(b, "conv3")["out_shape"])
    ident = shape_text(_layer(b, "conv1")["in_shape"])
    proj, norm = _layer(b, "downsample.0"), _layer(b, "downsample.1")
    return {
        "setup": t["lesson_setup"].format(inp=b["in"], mid=b["mid"], out=b["out"]),
        "crash": t["lesson_crash"].format(main=main, ident=ident),
        "error": f"RuntimeError: The size of tensor a ({b['out']}) must match the size of "
                 f"tensor b ({b['in']}) at non-singleton dimension 1",
        "rule": t["lesson_rule"],
        "fix": t["lesson_fix"],
        "code": (f"downsample = nn.Sequential(\n"
                 f"    nn.Conv2d({b['in']}, {b['out']}, kernel_size=1, stride={b['stride']}, "
                 f"bias=False),\n    nn.BatchNorm2d({b['out']}),\n)\n"
                 f"block = Bottleneck({b['in']}, {b['mid']}, downsample=downsample)"),
        "cost": t["lesson_cost"].format(params=num(b["params"]["shortcut"]),
                                        conv=num(proj["params"]), bn=num(norm["params"]),
                                        macs=num(b["macs"]["shortcut"])),
    }


def chart_text(h: Handout) -> ChartText:
    t = h.text
    return ChartText(x_label=t["axis_mid"], params=t["axis_params"], macs=t["axis_macs"],
                     basic=t["basic"], bottleneck=t["bottleneck"])


def footer_text(h: Handout) -> str:
    return h.text["footer"].format(version=__version__)


# ------------------------------------------------------------- HTML

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


def html_diagrams(h: Handout) -> str:
    svgs = "".join(render_svg(d, labels(h)) for d in h.diagrams)
    return _section("diagrams", h.text["diagrams"],
                    _p(h.text["diagrams_note"], "note") + f'<div class="figures">{svgs}</div>')


def html_comparison(h: Handout) -> str:
    t = h.text
    head = [t["count"], t["basic"], t["bottleneck"]]
    body = (_p(t["comparison_note"], "note") + _table(head, comparison_rows(h))
            + _p(ratio_text(h), "ratio") + _p(verdict(h), "note"))
    return _section("comparison", t["comparison"], body)


def html_derivation(h: Handout) -> str:
    t = h.text
    head = [t["layer"], t["shape"], t["params"], t["macs"]]
    parts = [_p(t["derivation_note"], "note")]
    for block in h.data["blocks"]:
        parts.append(f"<h3>{_e(t[block['kind']])}</h3>")
        parts.append(_table(head, layer_rows(block), cls="layers", numeric_from=9))
        parts.append("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in sum_lines(h, block))
                     + "</ul>")
    return _section("derivation", t["derivation"], "".join(parts))


def html_sweep(h: Handout) -> str:
    chart = render_chart(h.sweep, chart_text(h))
    return _section("sweep", h.text["sweep"],
                    _p(h.text["sweep_note"], "note") + f'<div class="chart">{chart}</div>')


def html_flops(h: Handout) -> str:
    body = "".join(_p(line) for line in flops_lines(h))
    return _section("flops", h.text["flops_title"], body, cls="box")


def html_lesson(h: Handout) -> str:
    s = lesson_texts(h)
    text = (_p(s["setup"]) + _p(s["crash"]) + f'<pre class="error">{_e(s["error"])}</pre>'
            + _p(s["rule"]) + _p(s["fix"]) + f"<pre>{_e(s['code'])}</pre>" + _p(s["cost"]))
    figure = render_svg(h.lesson_diagram, labels(h))
    return _section("lesson", h.text["lesson"],
                    f'<div class="lesson"><div>{text}</div><div>{figure}</div></div>')


def html_footer(h: Handout) -> str:
    conventions = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>"
                          for k, v in h.data["conventions"].items())
    notes = "".join(f"<li>{_e(n)}</li>" for n in h.data["notes"])
    body = f"<p>{_e(footer_text(h))}</p><p>{_e(h.text['conventions'])}:</p><ul>{conventions}</ul>"
    if notes:
        body += f"<p>{_e(h.text['notes'])}:</p><ul>{notes}</ul>"
    return f"<footer>{body}</footer>"


SECTIONS_HTML = (html_diagrams, html_comparison, html_derivation, html_sweep, html_flops,
                 html_lesson)


def render_html(h: Handout) -> str:
    """The page: UTF-8, no scripts, no external resources, A4 print styles."""
    lang = "zh-CN" if h.lang is Lang.ZH else "en"
    body = "".join(section(h) for section in SECTIONS_HTML)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(h.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<header><h1>{_e(h.title)}</h1><p class="sub">{_e(subtitle(h))}</p>'
        f'<p class="lead">{_e(ratio_text(h))}</p></header>\n'
        f"{body}\n{html_footer(h)}\n</main>\n</body>\n</html>\n"
    )


# ------------------------------------------------------------- Markdown

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(c) for c in head) + " |",
             "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def md_sweep_rows(h: Handout) -> list[list[str]]:
    return [[str(p["value"]), num(p["basic"]["params"]), num(p["bottleneck"]["params"]),
             num(p["basic"]["macs"]), num(p["bottleneck"]["macs"])]
            for p in h.sweep["points"]]


def _md_head(h: Handout) -> list[str]:
    title = h.title.replace("\n", " ")
    return [f"# {_md_text(title)}", "", f"_{_md_text(subtitle(h))}_", "",
            f"**{ratio_text(h)}**", ""]


def _md_text(text: str) -> str:
    """Markdown-escape user text so a title cannot inject links or HTML."""
    return escape("".join(f"\\{c}" if c in "\\`*_[]#<>!|" else c for c in text), quote=False)


def _md_comparison(h: Handout) -> list[str]:
    t = h.text
    head = [t["count"], t["basic"], t["bottleneck"]]
    return [f"## {t['comparison']}", "", t["comparison_note"], "",
            *md_table(head, comparison_rows(h)), f"**{ratio_text(h)}**", "", verdict(h), ""]


def _md_derivation(h: Handout) -> list[str]:
    t = h.text
    lines = [f"## {t['derivation']}", "", t["derivation_note"], ""]
    for block in h.data["blocks"]:
        lines += [f"### {t[block['kind']]}", ""]
        lines += md_table([t["layer"], t["shape"], t["params"], t["macs"]], layer_rows(block))
        lines += [f"- {s}" for s in sum_lines(h, block)] + [""]
    return lines


def _md_sweep(h: Handout) -> list[str]:
    t = h.text
    head = ["--mid", f"{t['basic']}: {t['params']}", f"{t['bottleneck']}: {t['params']}",
            f"{t['basic']}: {t['macs']}", f"{t['bottleneck']}: {t['macs']}"]
    return [f"## {t['sweep']}", "", t["sweep_note"], "", *md_table(head, md_sweep_rows(h))]


def _md_lesson(h: Handout) -> list[str]:
    s = lesson_texts(h)
    return [f"## {h.text['lesson']}", "", s["setup"], "", s["crash"], "", "```text",
            s["error"], "```", "", s["rule"], "", s["fix"], "", "```python", s["code"], "```",
            "", s["cost"], "", "```text", render_pair_text((h.lesson_diagram,), labels(h)),
            "```", ""]


def render_markdown(h: Handout) -> str:
    t = h.text
    lines = [*_md_head(h), f"## {t['diagrams']}", "", t["diagrams_note"], "", "```text",
             render_pair_text(h.diagrams, labels(h)), "```", ""]
    lines += _md_comparison(h) + _md_derivation(h) + _md_sweep(h)
    lines += [f"## {t['flops_title']}", ""] + [f"> {line}\n>" for line in flops_lines(h)]
    lines += ["", *_md_lesson(h), "---", "", footer_text(h), ""]
    lines += [f"- **{k}**: {v}" for k, v in h.data["conventions"].items()]
    lines += [f"- {n}" for n in h.data["notes"]]
    return "\n".join(lines) + "\n"
