"""GitHub Actions workflow commands: ``::error``/``::warning``/``::notice`` per budget.

Annotations point at the budget's table in the budget file when there is one, so a pull
request shows the failure on the line that set the limit.
"""

from __future__ import annotations

from bottlecalc.budget.model import CheckReport, Outcome, Status
from bottlecalc.budget.text import one_line
from bottlecalc.report.check.words import WORD, outcome_text
from bottlecalc.report.render import RenderOptions

# A failed or unmeasured budget is an error annotation; the rest inform.
LEVEL = dict.fromkeys(Status, "error") | {Status.PASS: "notice", Status.TOLERATED: "warning"}


def escape_data(text: str) -> str:
    """GitHub's escaping for a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping for a property value (``title=``, ``file=``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: CheckReport, options: RenderOptions) -> str:
    return "\n".join(annotation(o, report.source, report.baseline) for o in report.outcomes)


def annotation(outcome: Outcome, source: str | None, baseline: str | None = None) -> str:
    props = []
    if source is not None and outcome.budget.line is not None:
        props += [f"file={escape_property(source)}", f"line={outcome.budget.line}"]
    head = f"bottlecalc {one_line(outcome.budget.name)}: {WORD[outcome.status]}"
    props.append(f"title={escape_property(head)}")
    message = escape_data(outcome_text(outcome, baseline))
    return f"::{LEVEL[outcome.status]} {','.join(props)}::{message}"
