"""Inline suppressions (SPEC §6): the pipeline stage between the rules and the reporters.

Sources attach what a file declares to the model (`ConfigurationSet.suppressions`,
`EventDestination.suppressions`: the native spec's `Suppress` lists, CloudFormation's
`Metadata.sesguard.Suppress`); comments (`# sesguard: ignore[ID,ID2] reason`) are read here from
the text the engine already holds. `apply_suppressions` then runs once over every finding:

- a declaration covers a finding when its rule id (or prefix) matches and the finding is about its
  set (a set-level declaration also covers the set's destinations) or destination, in the same
  file; a comment covers the findings on its own line (a trailing comment) or on the next line that
  is not a comment (a comment on a line of its own);
- a covered finding stays in the report with a SARIF `inSource` suppression (justification: the
  reason) and leaves the exit code alone;
- a declaration that expired (`Expires` before today) covers nothing and is SG101; one that covered
  nothing is SG100 (only when its rule ran: `--ignore` does not make suppressions unused);
- SG001 and the configured `mandatory` ids are never covered; SG100 and SG101 are not suppressible.

A comment without a reason, or with something other than rule ids in the brackets, suppresses
nothing and is an SG002 finding at its line: a suppression must say why.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from sesguard.linter.findings import Finding, Suppression, pipeline_finding
from sesguard.linter.model import UNKNOWN, Location

NEVER_SUPPRESSED = ("SG001", "SG100", "SG101")
TODAY_VARIABLE = "SESGUARD_TODAY"  # YYYY-MM-DD: fixes the clock, for tests only
_RULE = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_COMMENT = re.compile(r"(?:#|//)\s*sesguard:\s*ignore\[([^\]]*)\]?(.*)$")
_EXPIRES = re.compile(r"[\s;,(]*\bexpires[:=\s]\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\)?\s*$", re.I)


class Declaration(NamedTuple):
    """One suppression as written: its rule id or prefix, reason, expiry, and what it may cover."""

    rule: str
    reason: str
    expires: str | None
    location: Location  # where it is written
    source_kind: str
    set_name: str | None = None  # scope for declarations in the model (filled by `model_declarations`)
    destination_name: str | None = None
    lines: tuple = ()  # scope for comments: the lines whose findings it covers

    def matches_rule(self, rule_id: str) -> bool:
        return rule_id.startswith(self.rule)

    def covers(self, finding: Finding) -> bool:
        if finding.location.file != self.location.file or not self.matches_rule(finding.rule_id):
            return False
        if self.lines:
            return finding.location.line in self.lines
        if finding.set_name != self.set_name:
            return False
        return self.destination_name is None or finding.destination_name == self.destination_name

    @property
    def subject(self) -> str:
        return "/".join(p for p in (self.set_name, self.destination_name) if p is not None)


def today() -> str:
    """Today as YYYY-MM-DD; `SESGUARD_TODAY` fixes it (tests only)."""
    fixed = os.environ.get(TODAY_VARIABLE, "")
    if _DATE.match(fixed):
        return fixed
    from datetime import date  # only needed once a suppression has an expiry date to judge

    return date.today().isoformat()


# -- reading declarations ------------------------------------------------------------------------


def parse_declarations(entries, origin) -> tuple[tuple, list]:
    """Declarations from a `Suppress` list at `origin` (a DocumentOrigin), and SG002 for bad entries.

    The native spec's schema already checks these; CloudFormation's Metadata is free-form, so the
    same checks are made here for both.
    """
    if entries is None:
        return (), []
    if not isinstance(entries, list):
        return (), [pipeline_finding("SG002", "Suppress must be a list", origin.locate(), origin.kind)]
    declarations, findings = [], []
    for index, entry in enumerate(entries):
        where = origin.child(index)
        problem = _entry_problem(entry)
        if problem:
            findings.append(pipeline_finding("SG002", f"Suppress[{index}]: {problem}", where.locate(), origin.kind))
            continue
        expires = entry.get("Expires")
        declarations.append(Declaration(entry["Rule"], entry["Reason"].strip(), expires, where.locate(), origin.kind))
    return tuple(declarations), findings


def _entry_problem(entry) -> str | None:
    if not isinstance(entry, dict):
        return "each suppression is a mapping {Rule, Reason, Expires}"
    unknown = sorted(set(map(str, entry)) - {"Rule", "Reason", "Expires"})
    if unknown:
        return f"unknown key {unknown[0]!r} (allowed: Rule, Reason, Expires)"
    if not isinstance(entry.get("Rule"), str) or not _PREFIX.match(entry["Rule"]):
        return "Rule must be a rule id or prefix, e.g. SES301"
    if not isinstance(entry.get("Reason"), str) or not entry["Reason"].strip():
        return "Reason is required: say why the finding is accepted"
    expires = entry.get("Expires")
    if expires is not None and not (isinstance(expires, str) and _DATE.match(expires)):
        return "Expires must be a date YYYY-MM-DD"
    return None


def model_declarations(config_sets) -> list:
    """The model's declarations, each scoped to the set (and destination) that carries it."""
    found = []
    for config_set in config_sets:
        set_name = _shown(config_set.name)
        found.extend(d._replace(set_name=set_name) for d in config_set.suppressions)
        for destination in config_set.destinations:
            found.extend(
                d._replace(set_name=set_name, destination_name=_shown(destination.name))
                for d in destination.suppressions
            )
    return found


def comment_declarations(path: str, text: str, kind: str) -> tuple[list, list]:
    """`# sesguard: ignore[ID,ID2] reason [expires YYYY-MM-DD]` comments of one file, and SG002 for bad ones."""
    if "sesguard:" not in text:  # the common case costs one scan of the text
        return [], []
    if path.lower().endswith(".json"):  # JSON has no comments: a match is text inside a string
        return [], []
    lines = text.splitlines()
    declarations, findings = [], []
    for number, line in enumerate(lines, 1):
        match = _COMMENT.search(line)
        if match is None:
            continue
        location = Location(path, number, match.start() + 1, "# sesguard: ignore")
        ids = [part.strip().upper() for part in match.group(1).split(",") if part.strip()]
        reason, expires = match.group(2), None
        expiry = _EXPIRES.search(reason)
        if expiry:
            reason, expires = reason[: expiry.start()], expiry.group(1)
        reason = reason.strip().lstrip(":-–— ").strip()
        if not ids or not all(_PREFIX.match(i) for i in ids) or not match.group(0).count("]"):
            message = "`sesguard: ignore[...]` needs rule ids or prefixes in brackets, e.g. ignore[SES202]"
        elif not reason:
            message = f"`sesguard: ignore[{','.join(ids)}]` needs a reason after the brackets; it suppresses nothing"
        else:
            message = None
        if message:
            findings.append(pipeline_finding("SG002", message, location, kind))
            continue
        covered = (number,) if line[: match.start()].strip() else (_next_code_line(lines, number),)
        declarations.extend(Declaration(i, reason, expires, location, kind, lines=covered) for i in ids)
    return declarations, findings


def _next_code_line(lines: list, number: int) -> int:
    """The line a comment on a line of its own is about: the next one that is neither blank nor a comment."""
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(("#", "//")):
            return index + 1
    return number + 1


# -- applying them -------------------------------------------------------------------------------


def apply_suppressions(findings, declarations, rules, mandatory=(), known=None, on: str | None = None) -> list:
    """`findings` with covered ones marked suppressed, plus SG100/SG101 about the declarations.

    `rules` are the rules that ran (a declaration for a rule that did not run is not unused),
    `mandatory` ids or prefixes no declaration covers, `known` every registered rule id (a
    declaration naming none of them is a typo: SG100), `on` the date to judge expiry (default today).
    """
    if on is None and any(declaration.expires for declaration in declarations):
        on = today()

    def is_mandatory(rule_id: str) -> bool:
        return rule_id in NEVER_SUPPRESSED or any(rule_id.startswith(prefix) for prefix in mandatory)

    live, extra = [], []
    for declaration in declarations:
        if declaration.expires and declaration.expires < on:  # ISO dates compare as text; `on` is set then
            extra.append(
                _about(
                    declaration,
                    "SG101",
                    f"suppression of {declaration.rule} expired on "
                    f"{declaration.expires} ({declaration.reason}); what it hid is reported again",
                )
            )
        else:
            live.append(declaration)
    used = [False] * len(live)
    # Indexed by what a finding must share with a declaration, so a spec with thousands of sets and
    # suppressions costs a lookup per finding, not a scan of every declaration.
    by_scope: dict = {}
    for index, declaration in enumerate(live):
        scopes = [(declaration.location.file, line) for line in declaration.lines] or [
            (declaration.location.file, declaration.set_name)
        ]
        for scope in scopes:
            by_scope.setdefault(scope, []).append(index)
    for finding in findings:
        if is_mandatory(finding.rule_id):
            continue
        file = finding.location.file
        candidates = by_scope.get((file, finding.location.line), []) + by_scope.get((file, finding.set_name), [])
        for index in sorted(set(candidates)):
            declaration = live[index]
            if declaration.covers(finding):
                used[index] = True
                suppression = Suppression("inSource", declaration.reason)
                if suppression not in finding.suppressions:  # SARIF wants each suppression once
                    finding.suppressions = (*finding.suppressions, suppression)
    for declaration, was_used in zip(live, used):
        if was_used:
            continue
        if known is not None and not any(declaration.matches_rule(rule_id) for rule_id in known):
            message = f"suppression of {declaration.rule} names no known rule (`sesguard rules` lists them)"
        elif not any(declaration.matches_rule(rule_id) for rule_id in rules):
            continue  # its rule did not run (--select/--ignore): not evidence that it is stale
        elif declaration.rule in NEVER_SUPPRESSED:
            message = f"suppression of {declaration.rule} cannot apply: {declaration.rule} is never suppressible"
        elif is_mandatory(declaration.rule):
            message = f"suppression of {declaration.rule} cannot apply: {declaration.rule} is mandatory"
        else:
            message = f"suppression of {declaration.rule} matched no finding; remove it"
        extra.append(_about(declaration, "SG100", message))
    return list(findings) + extra


def _about(declaration: Declaration, rule_id: str, message: str) -> Finding:
    finding = pipeline_finding(rule_id, message, declaration.location, declaration.source_kind, level="warning")
    finding.set_name, finding.destination_name = declaration.set_name, declaration.destination_name
    finding.field = ("Suppress", declaration.rule)
    return finding


def _shown(name) -> str | None:
    """A model name as findings show it (the same spelling `Rule.finding` uses)."""
    if name is None:
        return None
    return "<unknown>" if name is UNKNOWN else str(name)
