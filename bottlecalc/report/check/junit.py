"""JUnit XML for CI dashboards: one test case per limit, an error case per unmeasured target."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bottlecalc.budget.model import CheckReport, Outcome, Status
from bottlecalc.report.check.words import error_text, outcome_text, top_lines, verdict_line
from bottlecalc.report.render import RenderOptions


def render(report: CheckReport, options: RenderOptions) -> str:
    suite = ET.Element("testsuite", name="bottlecalc check")
    for outcome in report.outcomes:
        for case in cases(outcome, report.baseline):
            suite.append(case)
    counts = {"tests": len(suite), "failures": len(suite.findall("testcase/failure")),
              "errors": len(suite.findall("testcase/error")), "skipped": 0}
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element("testsuites", {k: v for k, v in suite.attrib.items() if k != "skipped"})
    root.set("name", "bottlecalc")
    root.append(suite)
    ET.indent(root)
    for element in root.iter():
        if element.text is not None:
            element.text = xml_safe(element.text)
        for key, attr in element.attrib.items():
            element.set(key, xml_safe(attr))
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


# Characters XML 1.0 cannot hold, even escaped (ElementTree writes them as they are, and
# every parser then rejects the file): control characters but tab, newline and return.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML cannot hold written as escapes (``\\x01``)."""
    return NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


def cases(outcome: Outcome, baseline: str | None = None) -> list[ET.Element]:
    classname = f"bottlecalc.budgets.{outcome.budget.name}"
    details = outcome_text(outcome, baseline)
    if outcome.error is not None:
        case = ET.Element("testcase", classname=classname, name="measure")
        ET.SubElement(case, "error", message=error_text(outcome.error),
                      type="MeasureError").text = details
        return [case]
    out = []
    for verdict in outcome.verdicts:
        case = ET.Element("testcase", classname=classname, name=verdict.metric.option)
        if verdict.status is Status.FAIL:
            blame = "".join(f"; {line}" for line in top_lines(outcome, verdict.metric))
            ET.SubElement(case, "failure", message=verdict_line(verdict) + blame,
                          type="BudgetExceeded").text = details
        else:
            ET.SubElement(case, "system-out").text = verdict_line(verdict)
        out.append(case)
    return out
