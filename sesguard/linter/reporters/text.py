"""`path:line:col: ID level message [set/destination]`, grouped by file, then a summary line."""

from __future__ import annotations

from itertools import groupby

from sesguard.linter.findings import is_active
from sesguard.linter.reporters import finding_path

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(report, options) -> str:
    # Baseline-accepted findings are shown with --show-suppressed too, but one that is gone is not shown.
    shown = [f for f in report.findings if is_active(f) or (options.show_suppressed and f.baseline_state != "absent")]
    lines = []
    for path, findings in groupby(shown, key=finding_path):
        for finding in findings:
            lines.append(_line(path, finding, options.color))
        lines.append("")
    if not options.quiet:
        lines.append(summary(report))
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def _line(path: str, finding, color: bool) -> str:
    loc = finding.location
    level = finding.level
    rule_id = finding.rule_id
    if color:
        path, rule_id, level = f"{_BOLD}{path}{_RESET}", f"{_BOLD}{rule_id}{_RESET}", f"{_COLORS[level]}{level}{_RESET}"
    subject = f" [{finding.subject}]" if finding.subject else ""
    suppressed = (
        " (suppressed)" if finding.suppressions else (" (baseline)" if finding.baseline_state == "unchanged" else "")
    )
    return f"{path}:{loc.line}:{loc.column}: {rule_id} {level} {finding.message}{subject}{suppressed}"


def summary(report) -> str:
    active = [f for f in report.findings if is_active(f)]
    counts = {level: sum(1 for f in active if f.level == level) for level in ("error", "warning", "note")}
    levels = ", ".join(_count(counts[level], level) for level in ("error", "warning", "note"))
    if report.live_sets is None:
        read = f"{_count(report.files_checked, 'file')}, {report.files_skipped} skipped"
    else:
        read = f"{_count(report.live_sets, 'configuration set')} read live"
    text = f"{_count(len(active), 'finding')} ({levels}) in {read}"
    suppressed = sum(1 for f in report.findings if f.suppressions)
    accepted = sum(1 for f in report.findings if f.baseline_state == "unchanged")
    return (
        text + (f"; {suppressed} suppressed" if suppressed else "") + (f"; {accepted} in baseline" if accepted else "")
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
