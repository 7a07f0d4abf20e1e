"""Every rule against its own good and bad fixtures (after trivy-checks and cfn-lint).

Layout: `tests/rules/<RULE_ID>/good.yaml` and `bad.yaml` (more formats as sources land). The bad
fixture marks each line where a finding is expected with a trailing `# expect: ID[, ID...]`
comment, and `bad.expected` holds the exact text-report lines (position, id, level, message,
subject). Only the rule under test runs, so the fixtures stay small and readable.

To regenerate the `.expected` snapshots after a deliberate message change, run
`SESGUARD_UPDATE_SNAPSHOTS=1 pytest tests/rules` and review the diff.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sesguard.linter.config import Settings
from sesguard.linter.engine import check_files
from sesguard.linter.plugins import load_plugins
from sesguard.linter.reporters import ReportOptions, text

HERE = Path(__file__).resolve().parent
FIXTURE_DIRS = sorted(path for path in HERE.iterdir() if path.is_dir() and (path / "bad.yaml").exists())
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)$")
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


def marked_lines(path: Path) -> list:
    expected = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            expected.extend((rule_id.strip(), number) for rule_id in match.group(1).split(",") if rule_id.strip())
    return sorted(expected)


def test_every_rule_has_fixtures():
    covered = {path.name for path in FIXTURE_DIRS}
    missing = sorted(set(REGISTRY.rules) - covered - {"SG001", "SG002"})
    assert not missing, f"rules without tests/rules/<ID>/bad.yaml: {missing}"


@pytest.mark.parametrize("fixture_dir", FIXTURE_DIRS, ids=lambda path: path.name)
def test_good_fixture_is_clean(fixture_dir):
    rule_id = fixture_dir.name
    report = lint(fixture_dir / "good.yaml", rule_id)
    assert [f.rule_id for f in report.findings] == []
    assert report.files_checked == 1


@pytest.mark.parametrize("fixture_dir", FIXTURE_DIRS, ids=lambda path: path.name)
def test_bad_fixture_findings_are_on_marked_lines(fixture_dir):
    rule_id = fixture_dir.name
    bad = fixture_dir / "bad.yaml"
    report = lint(bad, rule_id)
    found = sorted((f.rule_id, f.location.line) for f in report.findings)
    assert found == marked_lines(bad)
    assert found, "a bad fixture must make its rule fire"


@pytest.mark.parametrize("fixture_dir", FIXTURE_DIRS, ids=lambda path: path.name)
def test_bad_fixture_messages_match_snapshot(fixture_dir):
    rule_id = fixture_dir.name
    report = lint(fixture_dir / "bad.yaml", rule_id)
    actual = text.render(report, ReportOptions(quiet=True))
    snapshot = fixture_dir / "bad.expected"
    if os.environ.get("SESGUARD_UPDATE_SNAPSHOTS"):
        snapshot.write_text(actual, encoding="utf-8")
    assert snapshot.exists(), f"{snapshot} is missing: run with SESGUARD_UPDATE_SNAPSHOTS=1 and review it"
    assert actual == snapshot.read_text(encoding="utf-8")
