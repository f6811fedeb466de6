"""``worksheet``: the exercise sheet (blanks to fill in) and its answer key, as printable HTML.

Self-contained pages (no scripts, no external resources) with A4 print styles; each exercise
of the key carries its block and exact answer as ``data-`` attributes, so a test (or a
teacher's script) can check it against ``bottlecalc compare``.
"""

from __future__ import annotations

import json
from html import escape

from bottlecalc.report.glossary import Lang
from bottlecalc.report.worksheet.model import Exercise, Worksheet
from bottlecalc.spec import BlockSpec

CSS = """
body { margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5;
  font-family: "DejaVu Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
  Helvetica, Arial, sans-serif; font-size: 15px; }
main { max-width: 860px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 24px; margin: 0 0 6px; }
.meta, .note { color: #555; font-size: 13.5px; }
ol { padding-left: 22px; }
li.exercise { margin: 0 0 18px; }
.blank { margin: 8px 0 0; }
.blank span { display: inline-block; min-width: 260px; border-bottom: 1px solid #333; }
.work { height: 64px; border: 1px dashed #bbb; border-radius: 4px; margin-top: 6px;
  padding: 2px 6px; color: #888; font-size: 12px; }
.answer { font-weight: bold; margin: 6px 0 2px; }
pre { background: #f6f6f6; border: 1px solid #d0d0d0; border-radius: 6px; margin: 4px 0;
  padding: 6px 10px; font-size: 12.5px; white-space: pre-wrap; }
@page { size: A4; margin: 14mm 12mm; }
@media print { main { max-width: none; padding: 0; } li.exercise { break-inside: avoid; } }
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def spec_data(spec: BlockSpec) -> dict[str, object]:
    """The block as ``compare`` takes it: kind, widths, stride, groups and n."""
    data: dict[str, object] = {"kind": str(spec.kind), "in": spec.in_channels,
                               "mid": spec.mid, "out": spec.out_channels,
                               "stride": spec.stride, "groups": spec.groups}
    if spec.is_yolo and spec.repeats:
        data["n"] = spec.repeats
    return data


def _page(ws: Worksheet, title: str, body: str) -> str:
    lang = "zh-CN" if ws.lang is Lang.ZH else "en"
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{_e(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n")


def _meta(ws: Worksheet) -> str:
    t = ws.text
    level = t[f"level_{ws.level}"]
    return f'<p class="meta">{_e(t["meta"].format(level=level, seed=ws.seed))}</p>'


def _question(e: Exercise) -> str:
    return f'<p class="question">{_e(e.question)}</p>'


def render_sheet(ws: Worksheet) -> str:
    """The exercises with blanks: an answer line and a box for the working."""
    t = ws.text
    items = "".join(
        f'<li class="exercise" data-kind="{e.kind}">{_question(e)}'
        f'<p class="blank">{_e(t["answer"])} <span>&nbsp;</span></p>'
        f'<div class="work">{_e(t["work"])}</div></li>' for e in ws.exercises)
    body = (f'<p class="meta">{_e(t["name"])}</p>{_meta(ws)}'
            f'<p class="note">{_e(t["intro"])}</p><ol>{items}</ol>')
    return _page(ws, t["title"], body)


def _key_item(e: Exercise) -> str:
    data = json.dumps([spec_data(s) for s in e.specs], separators=(",", ":"))
    attrs = (f'data-kind="{e.kind}" data-answer="{_e(e.answer)}" data-specs="{_e(data)}"'
             + (f' data-value="{e.value}"' if e.value is not None else "")
             + (f' data-layer="{_e(e.layer)}"' if e.layer else ""))
    work = f"<pre>{_e(chr(10).join(e.derivation))}</pre>" if e.derivation else ""
    return (f'<li class="exercise" {attrs}>{_question(e)}'
            f'<p class="answer">{_e(e.answer)}</p>{work}</li>')


def render_key(ws: Worksheet) -> str:
    """The answer key: every answer and its derivation, numbered as the sheet."""
    t = ws.text
    items = "".join(_key_item(e) for e in ws.exercises)
    body = f'{_meta(ws)}<p class="note">{_e(t["key_note"])}</p><ol>{items}</ol>'
    return _page(ws, t["key_title"], body)
