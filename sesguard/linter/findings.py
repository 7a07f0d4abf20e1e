"""Findings: what a rule reports, with everything a reporter needs and nothing it must look up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sesguard.linter.model import Location

LEVEL_RANK = {"note": 1, "warning": 2, "error": 3}


class Suppression(NamedTuple):
    kind: str  # SARIF suppression kind: "inSource" or "external"
    justification: str


@dataclass
class Finding:
    rule_id: str
    level: str
    message: str
    location: Location
    source_kind: str  # "spec", "cloudformation", "terraform", "live"
    set_name: str | None = None
    destination_name: str | None = None
    field: tuple = ()  # API field path below the set or destination, e.g. ("SnsDestination", "TopicArn")
    account: str | None = None
    region: str | None = None
    suppressions: tuple[Suppression, ...] = ()
    baseline_state: str | None = None  # "new", "unchanged", "absent" when a baseline is in use
    # Drift findings only (DR001-DR003): {"change", "field", "spec", "live"}, JSON values (sesguard.linter.drift).
    diff: dict | None = None

    @property
    def subject(self) -> str:
        """`set/destination` as shown after each message."""
        parts = [p for p in (self.set_name, self.destination_name) if p is not None]
        return "/".join(parts)

    @property
    def fingerprint(self) -> str:
        """Stable identity for SARIF and baselines: never the line number, so edits above do not move it."""
        parts = (
            self.rule_id,
            self.source_kind,
            self.account or "",
            self.region or "",
            self.set_name or "",
            self.destination_name or "",
            ".".join(map(str, self.field)),
            "" if self.set_name else self.location.logical_path,
        )
        import hashlib  # only reporters that fingerprint pay for it (about 5 ms of start-up)

        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def sort_key(self):
        loc = self.location
        return (loc.file or "", loc.arn or "", loc.line, loc.column, self.rule_id, self.message)


def is_active(finding: Finding) -> bool:
    """Neither suppressed nor accepted by a baseline: what the exit code and the text report count."""
    return not finding.suppressions and finding.baseline_state in (None, "new")


def fails(finding: Finding, fail_on: str) -> bool:
    """True when `finding` is active (unsuppressed, not in the baseline) and at or above `--fail-on`."""
    return fail_on != "never" and is_active(finding) and LEVEL_RANK[finding.level] >= LEVEL_RANK[fail_on]


def pipeline_finding(rule_id: str, message: str, location: Location, source_kind: str, level: str = "error") -> Finding:
    """A finding the pipeline itself reports (SG001 parse errors, SG002 schema violations, ...)."""
    return Finding(rule_id=rule_id, level=level, message=message, location=location, source_kind=source_kind)
