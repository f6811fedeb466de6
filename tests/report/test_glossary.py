"""One glossary: every text format of a command prints the same legend, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bottlecalc.cli import cli
from bottlecalc.report import glossary
from bottlecalc.report.handout import i18n as handout
from bottlecalc.report.worksheet import i18n as worksheet

TESTS = Path(__file__).parent.parent
SWEEP = ("sweep", "--in", "256", "--mid", "32,64")
CHECK = ("check", "--block", "bottleneck", "--in", "256", "--mid", "64", "--max-params", "1M")


def _words(args: tuple[str, ...], *fmt: str) -> str:
    """The command's output with its lines joined, so wrapped text reads as one line."""
    result = CliRunner().invoke(cli, [*args, *fmt], prog_name="bottlecalc")
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split()).replace("\u00a0", " ")


@pytest.mark.parametrize(("args", "legend"), [(SWEEP, glossary.SWEEP_LEGEND),
                                              (CHECK, glossary.CHECK_LEGEND)])
@pytest.mark.parametrize("fmt", [(), ("--format", "table"), ("--format", "markdown")])
def test_every_text_format_prints_the_one_legend(args: tuple[str, ...], legend: str,
                                                 fmt: tuple[str, ...]) -> None:
    assert legend in _words(args, *fmt)


def test_the_legends_define_a_mac_as_papers_do() -> None:
    for legend in (glossary.CHECK_LEGEND, glossary.SWEEP_LEGEND, glossary.COMPARE_LEGEND,
                   glossary.NETWORK_LEGEND, glossary.MODEL_LEGEND):
        assert legend.startswith("MAC = one multiply-accumulate")
    assert glossary.CHECK_LEGEND.endswith("Headroom = (limit - actual) / limit.")


def test_both_languages_have_the_same_terms() -> None:
    assert set(glossary.TERMS[glossary.Lang.EN]) == set(glossary.TERMS[glossary.Lang.ZH])


@pytest.mark.parametrize("lang", list(glossary.Lang))
def test_the_handout_reads_the_shared_terms(lang: glossary.Lang) -> None:
    text = handout.STRINGS[lang]
    for term, words in glossary.TERMS[lang].items():
        assert text[term] == words, term
    assert not set(glossary.TERMS[lang]) & set(handout.EN)  # no term worded twice
    assert worksheet.STRINGS[lang].keys() == worksheet.STRINGS[glossary.Lang.EN].keys()
