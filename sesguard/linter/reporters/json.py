"""The versioned JSON format: `{"version": 1, "tool": ..., "findings": [...], "summary": {...}}`.

Version 1 fields of each finding: rule_id, level, message, file, line, column, logical_path, arn,
set, destination, field, source_kind, account, region, fingerprint, suppressions, baseline_state,
diff (drift findings: {"change": missing|unmanaged|changed, "field", "spec", "live"}; null otherwise).
The summary: findings, errors, warnings, notes (unsuppressed, new), suppressed, in_baseline,
files_checked, files_skipped, live_sets (`scan`: the sets read live; null when files were read),
complete, errors_during_run. Fields are only ever added within a version; a removal or change of
meaning bumps `version`.
"""

from __future__ import annotations

import json

from sesguard import __version__
from sesguard.linter.findings import is_active
from sesguard.linter.reporters import finding_path

VERSION = 1


def render(report, options) -> str:
    findings = [_finding(f) for f in report.findings]
    active = [f for f in report.findings if is_active(f)]
    document = {
        "version": VERSION,
        "tool": {"name": "sesguard", "version": __version__},
        "findings": findings,
        "summary": {
            "findings": len(active),
            "errors": sum(1 for f in active if f.level == "error"),
            "warnings": sum(1 for f in active if f.level == "warning"),
            "notes": sum(1 for f in active if f.level == "note"),
            "suppressed": sum(1 for f in report.findings if f.suppressions),
            "in_baseline": sum(1 for f in report.findings if f.baseline_state == "unchanged"),
            "files_checked": report.files_checked,
            "files_skipped": report.files_skipped,
            "live_sets": report.live_sets,
            "complete": not report.incomplete,
            "errors_during_run": list(report.errors),
        },
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _finding(finding) -> dict:
    loc = finding.location
    return {
        "rule_id": finding.rule_id,
        "level": finding.level,
        "message": finding.message,
        "file": finding_path(finding),
        "line": loc.line,
        "column": loc.column,
        "logical_path": loc.logical_path,
        "arn": loc.arn,
        "set": finding.set_name,
        "destination": finding.destination_name,
        "field": ".".join(map(str, finding.field)) or None,
        "source_kind": finding.source_kind,
        "account": finding.account,
        "region": finding.region,
        "fingerprint": finding.fingerprint,
        "suppressions": [{"kind": s.kind, "justification": s.justification} for s in finding.suppressions],
        "baseline_state": finding.baseline_state,
        "diff": finding.diff,
    }
