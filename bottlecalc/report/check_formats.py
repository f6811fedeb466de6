"""The formats of ``bottlecalc check``: one registry, from which ``--format`` takes its choices."""

from __future__ import annotations

from enum import StrEnum


class CheckFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    GITHUB = "github"
    JUNIT = "junit"


# format -> module whose ``render(report)`` returns the text; imported on use, so only
# the table pays for rich.
CHECK_RENDERERS: dict[str, str] = {
    CheckFormat.TABLE: "bottlecalc.report.check_table",
    CheckFormat.JSON: "bottlecalc.report.check_json",
    CheckFormat.GITHUB: "bottlecalc.report.check_github",
    CheckFormat.JUNIT: "bottlecalc.report.check_junit",
}

CHECK_FORMATS = [str(f) for f in CheckFormat]
