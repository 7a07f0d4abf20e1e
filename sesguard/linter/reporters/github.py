"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=ID::message`.

One annotation per active finding: suppressed ones, and those a baseline accepts (or lists as
fixed), are no more a pull request's business than they are the exit code's.
"""

from __future__ import annotations

from sesguard.linter.findings import is_active
from sesguard.linter.reporters import finding_path

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def render(report, options) -> str:
    lines = []
    for finding in report.findings:
        if not is_active(finding):
            continue
        loc = finding.location
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", finding_path(finding)),
                ("line", loc.line),
                ("col", loc.column),
                ("title", finding.rule_id),
            )
        )
        subject = f" [{finding.subject}]" if finding.subject else ""
        lines.append(f"::{_COMMAND[finding.level]} {properties}::{_escape_data(finding.message + subject)}")
    return "".join(line + "\n" for line in lines)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
