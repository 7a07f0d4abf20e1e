"""The pipeline: files -> sources -> model -> rules -> findings, gathered into one Report.

Every failure becomes a finding with a location (SG001, SG002) or an entry in `Report.errors`;
nothing here prints, exits or lets one file's problem hide another file's results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sesguard.linter import limits
from sesguard.linter.discovery import discover, read_candidate
from sesguard.linter.errors import LoadError
from sesguard.linter.findings import Finding, pipeline_finding
from sesguard.linter.model import Location
from sesguard.linter.suppressions import apply_suppressions, comment_declarations, model_declarations

# Findings that mean an input was not fully read: the run exits 2 whatever --fail-on says.
INCOMPLETE_RULES = ("SG001", "SG002", "SG900")


@dataclass(eq=False)  # compared by identity: no generated __eq__ (a cold start pays for each)
class Report:
    findings: list[Finding] = field(default_factory=list)
    rules: dict = field(default_factory=dict)  # id -> rule class: every rule that could report
    files_checked: int = 0
    files_skipped: int = 0
    live_sets: int | None = None  # sets read live (`scan`), counted instead of files; None when files were read
    errors: list[str] = field(default_factory=list)  # internal errors (a plugin rule that crashed, ...)

    @property
    def incomplete(self) -> bool:
        """True when something could not be read or checked: the run must exit 2, never pass."""
        return bool(self.errors) or any(f.rule_id in INCOMPLETE_RULES and not f.suppressions for f in self.findings)


def check_files(paths, registry, settings, verbose=None) -> Report:
    """Lint local files and directories with every selected rule."""
    report = Report(rules=_selected_rules(registry, settings, unread=("SG001", "SG002")))
    declarations = []  # inline suppressions of every file, applied once every rule ran
    for path, text, source, config_sets in _read_sources(paths, registry, settings, report, verbose):
        report.findings.extend(run_rules(config_sets, report, settings))
        found, problems = _declarations(path, text, source, config_sets)
        declarations.extend(found)
        report.findings.extend(problems)
    report.findings = apply_suppressions(
        report.findings, declarations, _rules_that_ran(report.rules), settings.mandatory, registry.rules
    )
    return _finalized(report, settings)


def _rules_that_ran(rules: dict) -> dict:
    """`rules` without the drift rules, which report only in `sesguard drift`: their suppressions are not unused."""
    return {rid: rule for rid, rule in rules.items() if "drift" not in rule.tags}


def _declarations(path, text, source, config_sets) -> tuple[list, list]:
    """(inline suppressions of one file, its model's and its comments'; SG002 for comments that say too little)."""
    comments, problems = comment_declarations(path, text, getattr(source, "kind", "file"))
    return model_declarations(config_sets) + comments, problems


def _read_sources(paths, registry, settings, report: Report, verbose=None):
    """(path, text, source, sets) for each file a source reads; skips, SG001 and SG002 go to `report`."""
    for candidate in discover(paths, settings.include, settings.exclude, settings.force_exclude):
        try:
            with limits.applied(settings.limits):
                text = read_candidate(candidate.path)
                source = text and next((s for s in registry.sources if s.claims(candidate.path, text)), None)
                if source:
                    config_sets, findings = source.load(candidate.path, text)
        except LoadError as error:
            report.files_checked += 1
            location = Location(candidate.path, error.line, error.column, "")
            report.findings.append(pipeline_finding("SG001", error.message, location, "file"))
            continue
        if not source:
            report.files_skipped += 1
            if verbose:
                verbose(f"skipped {candidate.path}: no SES configuration in a format sesguard reads")
            continue
        report.files_checked += 1
        if verbose:
            verbose(f"checked {candidate.path} as {source.name}: {len(config_sets)} configuration sets")
        report.findings.extend(findings)
        yield candidate.path, text, source, config_sets


def _selected_rules(registry, settings, unread: tuple) -> dict:
    """The rules that may report: those selected, and always `unread`, those that say what was not read."""
    return {rid: rule for rid, rule in registry.rules.items() if settings.selects(rid) or rid in unread}


def _finalized(report: Report, settings) -> Report:
    # What was not read is always reported: --select/--ignore choose rules, not blind spots.
    report.findings = sorted(
        (f for f in report.findings if f.rule_id in INCOMPLETE_RULES or settings.selects(f.rule_id)),
        key=Finding.sort_key,
    )
    return report


def run_rules(config_sets: Iterable, report: Report, settings) -> list[Finding]:
    """Every selected rule over every set, with configured levels and parameters applied.

    A plugin's bug (a rule that cannot start, raises, or yields something else than a Finding) is
    recorded in `report.errors` (exit 2) and never hides the other rules' findings.
    """
    findings = []
    active = []
    for _, rule_class in sorted(report.rules.items()):
        try:
            rule = rule_class()
        except Exception as error:
            report.errors.append(f"rule {rule_class.id} cannot start: {error!r}")
            continue
        level = settings.rule_level(rule_class)  # a configured level replaces the rule's own, escalations too
        active.append((rule, settings.rule_params(rule_class), level if level != rule_class.level else None))
    for config_set in config_sets:
        for rule, params, level in active:
            try:
                produced = list(rule.check(config_set, params))
                wrong = next((item for item in produced if not isinstance(item, Finding)), None)
                if wrong is not None:
                    raise TypeError(f"check() yielded {wrong!r}, not a Finding")
            except Exception as error:
                report.errors.append(f"rule {rule.id} failed on set {config_set.name!r}: {error!r}")
                continue
            for finding in produced:
                if level:
                    finding.level = level
                findings.append(finding)
    return findings


def check_sets(config_sets, registry, settings, findings=()) -> Report:
    """Every selected rule over sets a live source already built; `findings` are the source's own (SG900)."""
    report = Report(rules=_selected_rules(registry, settings, unread=("SG900",)), live_sets=len(config_sets))
    report.findings = list(findings) + run_rules(config_sets, report, settings)
    return _finalized(report, settings)


def read_files(paths, registry, settings, verbose=None) -> tuple[list, list, Report]:
    """(sets, inline suppressions, report) of local files and directories, without running rules.

    For `sesguard drift`. The report holds what reading found (SG001/SG002) and the file counts; its
    `rules` are empty. A suppression comment that says too little is `check`'s to report: here it
    only suppresses nothing.
    """
    report = Report()
    config_sets, declarations = [], []
    for path, text, source, sets in _read_sources(paths, registry, settings, report, verbose):
        config_sets += sets
        declarations += _declarations(path, text, source, sets)[0]
    return config_sets, declarations, report
