"""Every rule against its own good and bad fixtures (after trivy-checks and cfn-lint).

Layout: `tests/rules/<RULE_ID>/good.yaml` and `bad.yaml` (native spec), and where a rule reads
another format differently, `good.<format>`/`bad.<format>` beside them: `template` (CloudFormation,
YAML) and `tf` (Terraform). A bad fixture marks each line where a finding is expected with a trailing
`# expect: ID[, ID...]` comment, and `bad.expected` (`bad.<format>.expected`) holds the exact
text-report lines (position, id, level, message, subject). Only the rule under test runs, so the
fixtures stay small and readable.

To regenerate the `.expected` snapshots after a deliberate message change, run
`SESGUARD_UPDATE_SNAPSHOTS=1 pytest tests/rules` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import marked_lines

from sesguard.linter.config import Settings
from sesguard.linter.engine import check_files
from sesguard.linter.plugins import load_plugins
from sesguard.linter.reporters import ReportOptions, text

HERE = Path(__file__).resolve().parent
FIXTURE_DIRS = sorted(path for path in HERE.iterdir() if path.is_dir() and (path / "bad.yaml").exists())
FORMATS = ("yaml", "template", "tf")  # native spec first; the others where a rule dir has them
FIXTURES = [(directory, fmt) for directory in FIXTURE_DIRS for fmt in FORMATS if (directory / f"bad.{fmt}").exists()]


def fixture_id(fixture) -> str:
    directory, fmt = fixture
    return directory.name if fmt == "yaml" else f"{directory.name}-{fmt}"


REGISTRY = load_plugins(entry_points=False)


def lint(path: Path, rule_id: str):
    cwd = os.getcwd()
    os.chdir(HERE)  # paths in reports are relative to the working directory
    try:
        report = check_files([path.relative_to(HERE).as_posix()], REGISTRY, Settings(select=(rule_id, "SG002")))
    finally:
        os.chdir(cwd)
    # A fixture the schema rejects would be skipped silently: it must be a valid spec.
    assert [f.message for f in report.findings if f.rule_id == "SG002"] == [] and report.errors == []
    return report


def test_every_rule_has_fixtures():
    covered = {path.name for path in FIXTURE_DIRS}
    # Live-only rules (SG900, SES4xx) never fire on a file: tests/test_live_*.py are their fixtures;
    # drift rules (DR0xx) compare two sources: tests/test_drift*.py are theirs.
    live_only = {rule_id for rule_id, rule in REGISTRY.rules.items() if {"live", "drift"} & set(rule.tags)}
    missing = sorted(set(REGISTRY.rules) - covered - {"SG001", "SG002"} - live_only)
    assert not missing, f"rules without tests/rules/<ID>/bad.yaml: {missing}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_good_fixture_is_clean(fixture):
    fixture_dir, fmt = fixture
    rule_id = fixture_dir.name
    report = lint(fixture_dir / f"good.{fmt}", rule_id)
    assert [f.rule_id for f in report.findings] == []
    assert report.files_checked == 1


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_bad_fixture_findings_are_on_marked_lines(fixture):
    fixture_dir, fmt = fixture
    rule_id = fixture_dir.name
    bad = fixture_dir / f"bad.{fmt}"
    report = lint(bad, rule_id)
    found = sorted((f.rule_id, f.location.line) for f in report.findings)
    assert found == marked_lines(bad)
    assert found, "a bad fixture must make its rule fire"


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_bad_fixture_messages_match_snapshot(fixture):
    fixture_dir, fmt = fixture
    rule_id = fixture_dir.name
    report = lint(fixture_dir / f"bad.{fmt}", rule_id)
    actual = text.render(report, ReportOptions(quiet=True))
    snapshot = fixture_dir / ("bad.expected" if fmt == "yaml" else f"bad.{fmt}.expected")
    if os.environ.get("SESGUARD_UPDATE_SNAPSHOTS"):
        snapshot.write_text(actual, encoding="utf-8")
    assert snapshot.exists(), f"{snapshot} is missing: run with SESGUARD_UPDATE_SNAPSHOTS=1 and review it"
    assert actual == snapshot.read_text(encoding="utf-8")
