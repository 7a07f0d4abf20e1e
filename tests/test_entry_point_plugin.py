"""A third-party plugin distribution, installed for real, found through its `sesguard` entry point.

tests/example_plugin_dist/ is a package as its authors would publish it (pyproject.toml with
`[project.entry-points.sesguard]`). pip builds and installs it into a temporary directory (offline:
its in-tree backend needs only the standard library); sesguard then runs in a fresh interpreter
with that directory on PYTHONPATH, so the only way it can find the rule is importlib.metadata's
entry points, exactly as in a user's environment.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parent / "example_plugin_dist"
SPEC = """\
ConfigurationSets:
  - Name: tagged
    Tags: [{Key: team, Value: mail}]
  - Name: orphan
    Tags: [{Key: owner, Value: nobody}]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("src") / "dist"
    shutil.copytree(DIST, source)  # pip may build in place: keep the repository clean
    target = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert (target / "sesguard_acme_rules-1.0.0.dist-info" / "entry_points.txt").is_file()
    return target


@pytest.fixture
def with_plugin(sesguard, site):
    return lambda *args, cwd: sesguard(*args, cwd=cwd, env={"PYTHONPATH": str(site)})


def test_the_installed_plugin_rule_runs(with_plugin, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)

    run = with_plugin("check", "spec.yaml", "--select", "ACME", cwd=tmp_path)

    assert (run.code, run.stderr) == (1, "")
    assert run.stdout.splitlines()[0] == "spec.yaml:5:5: ACME001 warning no 'team' tag [orphan]"


def test_the_installed_plugin_rule_is_listed_and_documented(with_plugin, tmp_path):
    listing = with_plugin("rules", cwd=tmp_path)
    page = with_plugin("rule", "ACME001", cwd=tmp_path)

    assert listing.code == page.code == 0
    assert any(line.split()[:3] == ["ACME001", "team-tag", "warning"] for line in listing.stdout.splitlines())
    assert page.stdout.startswith("ACME001 team-tag (warning)\n")
    assert page.stdout.splitlines()[-1] == "More: https://rules.acme.example/sesguard/ACME001"  # its own docs


def test_the_installed_plugin_rule_appears_in_sarif(with_plugin, tmp_path, validate_sarif):
    (tmp_path / "spec.yaml").write_text(SPEC)

    run = with_plugin("check", "spec.yaml", "--format", "sarif", "-o", "out.sarif", cwd=tmp_path)

    assert run.code == 1
    validate_sarif(tmp_path / "out.sarif")
    sarif = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]
    rules = [rule["id"] for rule in sarif["tool"]["driver"]["rules"]]
    (result,) = [r for r in sarif["results"] if r["ruleId"] == "ACME001"]
    assert rules[result["ruleIndex"]] == "ACME001"
    assert (
        sarif["tool"]["driver"]["rules"][result["ruleIndex"]]["helpUri"]
        == "https://rules.acme.example/sesguard/ACME001"
    )
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 5


def test_the_installed_plugin_rule_takes_config_and_suppressions(with_plugin, tmp_path):
    (tmp_path / "spec.yaml").write_text(
        SPEC.replace(
            "    Tags: [{Key: team", "    Suppress: [{Rule: ACME001, Reason: shared set}]\n    Tags: [{Key: team"
        )
    )
    (tmp_path / ".sesguard.toml").write_text('[rules.ACME001]\nkey = "owner"\nlevel = "error"\n')

    run = with_plugin("check", "spec.yaml", "--select", "ACME", "--show-suppressed", cwd=tmp_path)

    assert run.code == 0
    assert run.stdout.splitlines()[0] == "spec.yaml:4:5: ACME001 error no 'owner' tag [tagged] (suppressed)"


def test_without_the_installed_distribution_the_rule_is_unknown(sesguard, tmp_path):
    run = sesguard("rule", "ACME001", cwd=tmp_path)

    assert run.code == 2
    assert "no rule 'ACME001'" in run.stderr
