"""Baselines (SPEC §6): accept today's findings, report only new ones.

`--write-baseline FILE` records every unsuppressed finding; `--baseline FILE` (or config
`baseline`) then marks each finding `unchanged` when the baseline holds it and `new` otherwise,
and adds the baseline's entries that are no longer found as `absent` (SARIF `baselineState`).
Only new findings count for the exit code and the text report.

A finding is keyed by (rule, file, fingerprint); the fingerprint is the one SARIF carries, made
from the rule, source kind, account, region, set, destination and field, never from the line, so
inserting lines above a finding (or reordering sets) does not resurrect it. Identical keys are
counted: a baseline with one such finding accepts one.

The file (version 1) is JSON, sorted, one entry per finding::

    {"version": 1, "tool": "sesguard", "findings": [
      {"rule": "SES301", "file": "specs/mail.yaml", "fingerprint": "…", "level": "warning",
       "message": "…", "set": "transactional", "destination": null, "path": "ConfigurationSets[0]…",
       "line": 4, "column": 5, "source_kind": "spec", "field": ["DeliveryOptions", "TlsPolicy"],
       "account": null, "region": "eu-west-1", "arn": null}]}

`line` and `column` are for people reading it (and for `absent` results); matching ignores them.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from sesguard.linter.errors import UsageError
from sesguard.linter.findings import Finding
from sesguard.linter.model import Location

VERSION = 1
BASELINE_EXCLUDED = ("SG001", "SG002", "SG900")  # unreadable input is never accepted as normal


def key(finding: Finding) -> tuple:
    return (finding.rule_id, _file(finding.location.file), finding.fingerprint)


def render_baseline(findings) -> str:
    entries = sorted(
        (_entry(f) for f in findings if not f.suppressions and f.rule_id not in BASELINE_EXCLUDED),
        key=lambda e: (e["file"] or "", e["rule"], e["fingerprint"], e["line"], e["message"]),
    )
    return json.dumps({"version": VERSION, "tool": "sesguard", "findings": entries}, indent=2, sort_keys=True) + "\n"


def read_baseline(path: str) -> list:
    """The baseline's entries; a missing or malformed file is a usage error (exit 2)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise UsageError(f"cannot read baseline {path}: {error.strerror or error}") from error
    except ValueError as error:
        raise UsageError(f"baseline {path} is not valid JSON: {error}") from error
    entries = data.get("findings") if isinstance(data, dict) and data.get("version") == VERSION else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and {"rule", "file", "fingerprint"} <= set(e) for e in entries
    ):
        raise UsageError(f"baseline {path} is not a sesguard baseline (version {VERSION})")
    return entries


def apply_baseline(findings, entries) -> list:
    """`findings` marked new/unchanged, plus an `absent` finding per baseline entry not found again."""
    remaining = Counter((e["rule"], e["file"], e["fingerprint"]) for e in entries)
    for finding in findings:
        if finding.suppressions:
            continue
        identity = key(finding)
        if remaining[identity] > 0:
            remaining[identity] -= 1
            finding.baseline_state = "unchanged"
        else:
            finding.baseline_state = "new"
    absent = []
    for entry in entries:
        identity = (entry["rule"], entry["file"], entry["fingerprint"])
        if remaining[identity] > 0:
            remaining[identity] -= 1
            absent.append(_absent(entry))
    return list(findings) + absent


def _file(path: str | None) -> str | None:
    return None if path is None else os.path.normpath(path).replace(os.sep, "/")


def _entry(finding: Finding) -> dict:
    loc = finding.location
    return {
        "rule": finding.rule_id,
        "file": _file(loc.file),
        "fingerprint": finding.fingerprint,
        "level": finding.level,
        "message": finding.message,
        "set": finding.set_name,
        "destination": finding.destination_name,
        "path": loc.logical_path,
        "line": loc.line,
        "column": loc.column,
        "source_kind": finding.source_kind,
        "field": list(finding.field),
        "account": finding.account,
        "region": finding.region,
        "arn": loc.arn,
    }


def _absent(entry: dict) -> Finding:
    """A baseline entry no longer found, as a finding with `baselineState: absent` (fixed, or moved away)."""
    return Finding(
        rule_id=entry["rule"],
        level=entry.get("level") if entry.get("level") in ("error", "warning", "note") else "warning",
        message=str(entry.get("message", "")),
        location=Location(
            entry["file"],
            int(entry.get("line") or 1),
            int(entry.get("column") or 1),
            entry.get("path") or "",
            entry.get("arn"),
        ),
        source_kind=entry.get("source_kind") or "file",
        set_name=entry.get("set"),
        destination_name=entry.get("destination"),
        field=tuple(entry.get("field") or ()),
        account=entry.get("account"),
        region=entry.get("region"),
        baseline_state="absent",
    )
