"""``bottlecalc worksheet``: printable exercises drawn from a seed, and a separate answer key."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from bottlecalc.budget.text import one_line
from bottlecalc.cli import options
from bottlecalc.cli.compare import KINDS, parse_blocks
from bottlecalc.cli.output import OutputPath, emit, same_file, write_file
from bottlecalc.errors import BottlecalcError, SpecError
from bottlecalc.report.handout.i18n import Lang
from bottlecalc.report.worksheet.html import render_key, render_sheet
from bottlecalc.report.worksheet.model import Kind, Level, make_worksheet
from bottlecalc.spec import MAX_CHANNELS, InputShape
from bottlecalc.sweep import parse_values

EXAMPLES = """
\b
Examples:
  bottlecalc worksheet --seed 7 -o sheet.html --key key.html
  bottlecalc worksheet --seed 7 --lang zh --level advanced -o sheet.pdf --key key.pdf
  bottlecalc worksheet --blocks basic,bottleneck,c3,c2f --in 64,256 --count 12 -o yolo.html
"""

MAX_EXERCISES = 100
MAX_WIDTH = 4096  # a worksheet's widths are for people to multiply
PAGE = ("html", "pdf")


@dataclass(frozen=True)
class SheetConfig:
    seed: int
    kinds: tuple[Kind, ...]
    widths: tuple[int, ...]
    level: Level
    lang: Lang
    count: int
    shape: InputShape


def sheet_config(*, seed: int, blocks: str, widths: str, level: str, lang: str, count: int,
                 size: str) -> SheetConfig:
    if not 1 <= count <= MAX_EXERCISES:
        raise SpecError(f"--count must be 1 to {MAX_EXERCISES}, got {count}")
    values = parse_values("--in", widths, high=min(MAX_WIDTH, MAX_CHANNELS))
    if any(w < 4 for w in values):
        raise SpecError(f"--in: widths of at least 4 make a bottleneck (mid = in / 4), got "
                        f"{widths!r}")
    kinds = tuple(dict.fromkeys(parse_blocks(blocks, least=1)))  # each once, in order
    return SheetConfig(seed, kinds, values, Level(level), Lang(lang), count,
                       InputShape.parse(size))


def chromium() -> str:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser",
                                                 "google-chrome")) if p), None)
    if found is None:
        raise BottlecalcError("a PDF is printed by headless Chromium, which is not installed "
                              "(apt-get install chromium); write .html and print it instead")
    return found


def pdf_of(html: str) -> bytes:
    """The page printed to PDF (A4, as its print styles say) by headless Chromium."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="bottlecalc-") as tmp:
        page, pdf = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-pdf-header-footer", f"--user-data-dir={Path(tmp) / 'profile'}",
                   f"--print-to-pdf={pdf}", page.as_uri()]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not pdf.is_file():
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise BottlecalcError(f"Chromium could not print the PDF: {tail}")
        return pdf.read_bytes()


def deliver(html: str, path: Path | None) -> None:
    """HTML to stdout or a file; a .pdf name is printed through Chromium first."""
    if path is not None and path.suffix.lower() == ".pdf":
        write_file(path, pdf_of(html))
    else:
        emit(html, path)


@click.command(epilog=EXAMPLES)
@click.option("--seed", type=int, default=1, show_default=True,
              help="Which exercises: the same seed gives the same sheet.")
@click.option("--blocks", default="basic,bottleneck", show_default=True, metavar="LIST",
              help=f"Blocks the exercises are about: {', '.join(KINDS)}.")
@click.option("--in", "widths", default="64,128,256", show_default=True, metavar="LIST",
              help="Input widths to draw from (mid = in / 4): 64,256 or 64:256:64.")
@click.option("--size", default="56", show_default=True, metavar="H|HxW",
              help="Spatial size of the inputs.")
@click.option("--count", type=int, default=8, show_default=True, help="Number of exercises.")
@click.option("--level", type=options.choice(Level), default="beginner", show_default=True,
              help="beginner: one layer at a time; advanced: whole blocks, strides, groups.")
@click.option("--lang", type=options.choice(Lang), default="en", show_default=True,
              help="Language of the sheet and the key.")
@click.option("-o", "--output", type=OutputPath(formats=PAGE, strict=True),
              default=None, metavar="FILE",
              help="The exercise sheet: .html, or .pdf (headless Chromium)  [default: stdout]")
@click.option("--key", "key", type=OutputPath(dash=False, formats=PAGE, strict=True),
              default=None, metavar="FILE", help="Also write the answer key (.html or .pdf).")
@options.debug_option
def worksheet(*, seed: int, blocks: str, widths: str, size: str, count: int, level: str,
              lang: str, output: Path | None, key: Path | None) -> None:
    """Write a printable worksheet of exercises (weights, MACs, ratios, projection shortcuts)
    with blanks, and with --key a separate answer key whose every figure is bottlecalc's
    exact count and derivation. English or Chinese; beginner or advanced.
    """
    refuse_same_file(output, key)
    config = sheet_config(seed=seed, blocks=blocks, widths=widths, level=level, lang=lang,
                          count=count, size=size)
    if any(p is not None and p.suffix.lower() == ".pdf" for p in (output, key)):
        chromium()  # refuse before anything is drawn
    sheet = make_worksheet(**vars(config))
    deliver(render_sheet(sheet), output)
    if key is not None:
        deliver(render_key(sheet), key)


def refuse_same_file(output: Path | None, key: Path | None) -> None:
    """The key written over the sheet would leave the pupils the answers: one file each."""
    if output is not None and key is not None and same_file(output, key):
        raise click.UsageError(f"--key {one_line(repr(str(key)))} is the file -o writes the "
                               "sheet to; give the answer key its own file")
