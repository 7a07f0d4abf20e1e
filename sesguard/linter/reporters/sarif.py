"""SARIF 2.1.0 for GitHub code scanning (SPEC §7).

Output is byte-identical for identical input: rules and results sorted, no timestamps, no absolute
paths for files below the working directory. File URIs are relative to the repository's root
(the nearest directory with `.git`), which is what GitHub resolves them against, even when
sesguard runs in a subdirectory of it; outside a repository, to the working directory.
Fingerprints come from the finding's identity (rule, source kind, account, region, set,
destination, field), never from its line, so an alert stays the same alert (and stays dismissed)
when lines move.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from urllib.parse import quote

from sesguard import __version__
from sesguard.linter.reporters import finding_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/sesguard/sesguard"
# GitHub code scanning keeps at most this much of a rule's description; `help` carries the whole text.
FULL_DESCRIPTION_LIMIT = 1024


def render(report, options) -> str:
    cwd = Path.cwd()
    root = _repository_root(cwd)
    rules = sorted(report.rules.values(), key=lambda rule: rule.id)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "sesguard",
                "semanticVersion": __version__,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [_invocation(report)],
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(finding, rule_index, cwd, root) for finding in report.findings if finding.rule_id in rule_index
        ],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _rule(rule) -> dict:
    docs = rule.docs()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": _within(docs, FULL_DESCRIPTION_LIMIT)},
        "help": {"text": docs, "markdown": _markdown(rule)},
        "helpUri": rule.help_uri(),
        "defaultConfiguration": {"level": rule.level},
        "properties": {
            "tags": list(rule.tags),
            "precision": rule.precision,
            "security-severity": rule.security_severity(),
        },
    }


def _within(docs: str, limit: int) -> str:
    """The rule's paragraphs that fit in `limit` characters (the first one cut at a word if it alone is longer)."""
    kept = ""
    for paragraph in docs.split("\n\n"):
        longer = f"{kept}\n\n{paragraph}" if kept else paragraph
        if len(longer) > limit:
            break
        kept = longer
    return kept or (docs[: limit - 1].rsplit(" ", 1)[0] + "…" if docs else "")


def _markdown(rule) -> str:
    summary, _, body = rule.docs().partition("\n")
    return f"**{rule.id} {rule.name}**: {summary}\n{body}\n\n[Rule documentation]({rule.help_uri()})"


def _invocation(report) -> dict:
    notifications = [{"level": "error", "message": {"text": error}} for error in report.errors]
    notifications += [
        {
            "level": "error",
            "message": {"text": f"{finding_path(f)}: {f.message}"},
            "descriptor": {"id": f.rule_id},
        }
        for f in report.findings
        if f.rule_id == "SG900"
    ]
    invocation = {"executionSuccessful": not report.incomplete}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _repository_root(cwd: Path) -> Path | None:
    """The nearest directory at or above `cwd` with a `.git` (a directory, or a worktree's file)."""
    return next((directory for directory in (cwd, *cwd.parents) if (directory / ".git").exists()), None)


def _result(finding, rule_index, cwd: Path, root: Path | None) -> dict:
    loc = finding.location
    path = finding_path(finding) if loc.file is None else loc.file  # the name's own bytes, for the URI
    if root is not None and loc.file is not None:
        absolute = posixpath.normpath((cwd / path).as_posix())  # `..` resolved, symlinks kept
        if absolute.startswith(root.as_posix().rstrip("/") + "/"):
            path = posixpath.relpath(absolute, root.as_posix())
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": finding.level,
        "message": {"text": f"{finding.message} [{finding.subject}]" if finding.subject else finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(path)},
                    "region": {"startLine": loc.line, "startColumn": loc.column},
                },
                "logicalLocations": _logical_locations(finding),
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": finding.fingerprint},
    }
    if finding.suppressions:
        result["suppressions"] = [{"kind": s.kind, "justification": s.justification} for s in finding.suppressions]
    if finding.baseline_state:
        result["baselineState"] = finding.baseline_state
    return result


def _logical_locations(finding) -> list:
    locations = []
    if finding.location.logical_path:
        locations.append(
            {
                "fullyQualifiedName": finding.location.logical_path,
                "kind": "resource",
                "name": finding.subject or finding.location.logical_path,
            }
        )
    if finding.location.arn:
        locations.append({"fullyQualifiedName": finding.location.arn, "kind": "resource"})
    return locations or [{"fullyQualifiedName": finding_path(finding), "kind": "resource"}]


def _uri(path: str) -> str:
    """Relative paths stay relative (GitHub resolves them against the repository root).

    Either way a URI: a space, `#`, `%` or a `:` in a file name is percent-encoded, not taken for a
    fragment, an escape or a scheme; so is a byte of a name that is not UTF-8 (as the file system has it).
    """
    candidate = Path(path)
    quoted = quote(os.fsencode(candidate.as_posix()), safe="/")
    if not candidate.is_absolute():
        return quoted
    try:
        return candidate.as_uri()
    except UnicodeEncodeError:  # a POSIX name that is not UTF-8
        return f"file://{quoted}"
