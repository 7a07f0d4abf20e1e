"""SARIF 2.1.0 for GitHub code scanning (SPEC §7). Every log produced here goes through the OASIS schema
and GitHub's ingestion checks (`validate_sarif`), then its content is checked field by field.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sesguard import __version__
from sesguard.linter.config import Settings
from sesguard.linter.engine import Report, check_files
from sesguard.linter.findings import Finding, Suppression
from sesguard.linter.model import Location
from sesguard.linter.plugins import load_plugins
from sesguard.linter.reporters import ReportOptions, sarif

REPO = Path(__file__).resolve().parent.parent
REGISTRY = load_plugins(entry_points=False)
SECURITY_SEVERITY = {"error": "7.0", "warning": "4.0", "note": "1.0"}

WEAK = """\
ConfigurationSets:
  - Name: weak
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: false}
    EventDestinations:
      - Name: alerts
        Enabled: true
        MatchingEventTypes: [BOUNCE, COMPLAINT, BOUNCES]
        SnsDestination: {TopicArn: "arn:aws:sns:us-east-1:123456789012:alerts"}
"""


def sarif_run(log: dict) -> dict:
    assert log["version"] == "2.1.0"
    assert (
        log["$schema"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert len(log["runs"]) == 1
    return log["runs"][0]


def render(report: Report, tmp_path: Path, validate_sarif) -> dict:
    """Render `report` as SARIF, validate it, return it parsed."""
    path = tmp_path / "unit.sarif"
    path.write_text(sarif.render(report, ReportOptions()), encoding="utf-8")
    validate_sarif(path)
    return json.loads(path.read_text(encoding="utf-8"))


def check_rule_indexes(run: dict) -> None:
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(rule["id"] for rule in rules)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def lint(directory: Path, *names: str, select=()) -> Report:
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        return check_files(list(names), REGISTRY, Settings(select=tuple(select)))
    finally:
        os.chdir(cwd)


# -- end to end ----------------------------------------------------------------------------------


def test_clean_run(sesguard, tmp_path, validate_sarif):
    run = sesguard("check", "examples/clean.yaml", "--format", "sarif", "--output", tmp_path / "clean.sarif", cwd=REPO)

    assert (run.code, run.stdout, run.stderr) == (0, "", "")
    validate_sarif(tmp_path / "clean.sarif")
    raw = (tmp_path / "clean.sarif").read_text(encoding="utf-8")
    assert '"results": []' in raw
    sarif_log = sarif_run(json.loads(raw))
    assert sarif_log["results"] == []
    assert sarif_log["invocations"] == [{"executionSuccessful": True}]
    driver = sarif_log["tool"]["driver"]
    assert (driver["name"], driver["semanticVersion"], driver["informationUri"]) == (
        "sesguard",
        __version__,
        "https://github.com/sesguard/sesguard",
    )
    assert [rule["id"] for rule in driver["rules"]] == sorted(REGISTRY.rules)


def test_bad_examples(sesguard, tmp_path, validate_sarif):
    run = sesguard("check", "examples/", "--format", "sarif", cwd=REPO)
    (tmp_path / "bad.sarif").write_text(run.stdout, encoding="utf-8")

    assert run.code == 1
    validate_sarif(tmp_path / "bad.sarif")
    sarif_log = sarif_run(run.json())
    check_rule_indexes(sarif_log)
    results = sarif_log["results"]
    assert len(results) == 19
    assert sarif_log["invocations"] == [{"executionSuccessful": True}]
    fingerprints = [result["partialFingerprints"]["primaryLocationLineHash"] for result in results]
    assert len(set(fingerprints)) == len(fingerprints)
    unknown = next(r for r in results if r["message"]["text"] == "unknown event type 'BOUNCES' [marketing.eu/bounces]")
    assert unknown["ruleId"] == "SES101"
    assert unknown["level"] == "error"
    assert unknown["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "examples/bad.yaml"},
                "region": {"startLine": 15, "startColumn": 38},
            },
            "logicalLocations": [
                {
                    "fullyQualifiedName": "ConfigurationSets[0].EventDestinations[0].MatchingEventTypes[1]",
                    "kind": "resource",
                    "name": "marketing.eu/bounces",
                }
            ],
        }
    ]
    assert {result["level"] for result in results} == {"error", "warning", "note"}


def test_rules_metadata(sesguard):
    driver = sarif_run(sesguard("check", "examples/clean.yaml", "--format", "sarif", cwd=REPO).json())["tool"]["driver"]

    assert len(driver["rules"]) == len(REGISTRY.rules) >= 20
    for entry in driver["rules"]:
        rule = REGISTRY.rules[entry["id"]]
        docs = rule.docs()
        assert entry["name"] == rule.name
        assert entry["shortDescription"] == {"text": rule.summary()}
        full = entry["fullDescription"]["text"]
        assert len(full) <= 1024 and docs.startswith(full)  # whole paragraphs: GitHub keeps 1,024 characters
        assert full == docs or (len(docs) > 1024 and docs[len(full) :].startswith("\n\n"))
        assert entry["help"]["text"] == docs
        assert entry["help"]["markdown"].startswith(f"**{rule.id} {rule.name}**: {rule.summary()}\n")
        assert entry["help"]["markdown"].endswith(f"[Rule documentation]({rule.help_uri()})")
        assert entry["helpUri"] == rule.help_uri()
        assert entry["helpUri"].startswith("https://")
        assert entry["defaultConfiguration"] == {"level": rule.level}
        properties = entry["properties"]
        assert properties["tags"] == list(rule.tags)
        assert properties["precision"] in ("very-high", "high", "medium", "low")
        assert properties["security-severity"] == SECURITY_SEVERITY[rule.level]  # a string, as GitHub wants
    assert {e["id"] for e in driver["rules"] if e["fullDescription"]["text"] != e["help"]["text"]} >= {"DR003", "SG002"}
    ses201 = next(entry for entry in driver["rules"] if entry["id"] == "SES201")
    assert ses201["shortDescription"] == {"text": "BOUNCE and COMPLAINT events must reach an enabled SNS destination."}
    assert (
        ses201["helpUri"]
        == "https://github.com/sesguard/sesguard/blob/main/docs/rules.md#ses201-bounce-complaint-to-sns"
    )
    assert ses201["properties"]["tags"] == ["routing", "deliverability"]
    assert ses201["properties"]["security-severity"] == "7.0"


def test_parse_error_makes_execution_unsuccessful(sesguard, tmp_path, validate_sarif):
    (tmp_path / "weak.yaml").write_text(WEAK, encoding="utf-8")
    (tmp_path / "dup.yaml").write_text("ConfigurationSets:\n  - Name: a\n    Name: b\n", encoding="utf-8")

    run = sesguard("check", ".", "--format", "sarif", "-o", "out.sarif", "--select", "SES301", cwd=tmp_path)

    assert (run.code, run.stdout) == (2, "")
    validate_sarif(tmp_path / "out.sarif")
    sarif_log = sarif_run(json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8")))
    check_rule_indexes(sarif_log)
    assert sarif_log["invocations"][0]["executionSuccessful"] is False
    assert [rule["id"] for rule in sarif_log["tool"]["driver"]["rules"]] == [
        "SES301",
        "SG001",
        "SG002",
    ]  # what cannot be read is always reportable
    assert [(r["ruleId"], r["ruleIndex"], r["level"], r["message"]["text"]) for r in sarif_log["results"]] == [
        ("SG001", 1, "error", "duplicate key 'Name' (first defined at line 2)"),
        ("SES301", 0, "warning", "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [weak]"),
    ]
    parse_error = sarif_log["results"][0]["locations"][0]
    assert parse_error["physicalLocation"] == {
        "artifactLocation": {"uri": "dup.yaml"},
        "region": {"startLine": 3, "startColumn": 5},
    }
    assert parse_error["logicalLocations"] == [{"fullyQualifiedName": "dup.yaml", "kind": "resource"}]


def test_config_errors(sesguard, tmp_path, validate_sarif):
    (tmp_path / ".sesguard.toml").write_text(
        '[rules.SES201]\nevents = ["BOUNCES"]\ntarget = "sqs"\n\n[rules.SES999]\nx = 1\n', encoding="utf-8"
    )

    run = sesguard("check", "--format", "sarif", cwd=tmp_path)
    (tmp_path / "out.sarif").write_text(run.stdout, encoding="utf-8")

    assert run.code == 2
    validate_sarif(tmp_path / "out.sarif")
    sarif_log = sarif_run(run.json())
    check_rule_indexes(sarif_log)
    assert sarif_log["invocations"][0]["executionSuccessful"] is False
    results = sarif_log["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("SG002", 2),
        ("SG002", 3),
        ("SG002", 5),
    ]
    assert [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results] == [
        "rules.SES201.events[0]",
        "rules.SES201.target",
        "rules.SES999",
    ]
    assert len({r["partialFingerprints"]["primaryLocationLineHash"] for r in results}) == 3


def test_byte_identical_across_runs_and_hash_seeds(sesguard, tmp_path):
    for name in ("b.yaml", "a.yaml", "c/d.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text((REPO / "examples" / "bad.yaml").read_text(encoding="utf-8"), encoding="utf-8")

    first = sesguard("check", ".", "--format", "sarif", cwd=tmp_path, env={"PYTHONHASHSEED": "1"})
    second = sesguard("check", "c", "b.yaml", "a.yaml", "--format", "sarif", cwd=tmp_path, env={"PYTHONHASHSEED": "2"})

    assert first.code == second.code == 1
    assert len(first.json()["runs"][0]["results"]) == 57
    assert first.stdout == second.stdout


# -- through the Python API ----------------------------------------------------------------------


def test_fingerprints_do_not_move_when_lines_are_inserted_above(tmp_path, validate_sarif):
    (tmp_path / "spec.yaml").write_text(WEAK, encoding="utf-8")
    before = render(lint(tmp_path, "spec.yaml"), tmp_path, validate_sarif)
    (tmp_path / "spec.yaml").write_text("# a comment\n# and another\n\n" + WEAK, encoding="utf-8")
    after = render(lint(tmp_path, "spec.yaml"), tmp_path, validate_sarif)

    def by_fingerprint(log):
        return {
            r["partialFingerprints"]["primaryLocationLineHash"]: (
                r["ruleId"],
                r["message"]["text"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in sarif_run(log)["results"]
        }

    old, new = by_fingerprint(before), by_fingerprint(after)
    assert len(old) == len(sarif_run(before)["results"]) >= 5
    assert old.keys() == new.keys()
    for fingerprint, (rule_id, message, line) in old.items():
        assert new[fingerprint] == (rule_id, message, line + 3)


def test_fingerprint_depends_on_identity_not_position():
    def located(line, **identity):
        values = {"set_name": "prod", "destination_name": "alerts", "field": ("SnsDestination", "TopicArn")}
        values.update(identity)
        return Finding("SES106", "error", "m", Location("a.yaml", line, 3, "ConfigurationSets[0]"), "spec", **values)

    base = located(10).fingerprint
    assert located(99).fingerprint == base
    assert len(base) == 32 and int(base, 16) >= 0
    others = [
        located(10, destination_name="other"),
        located(10, set_name="staging"),
        located(10, field=("SnsDestination",)),
        located(10, region="eu-west-1"),
        located(10, account="123456789012"),
    ]
    assert len({base, *(f.fingerprint for f in others)}) == 6


def test_live_findings_use_the_pseudo_path_and_the_arn(tmp_path, validate_sarif):
    arn = "arn:aws:ses:eu-west-1:123456789012:configuration-set/prod"
    live = Finding(
        "SES301",
        "warning",
        "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE",
        Location(None, 1, 1, "prod", arn),
        "live",
        set_name="prod",
        field=("DeliveryOptions", "TlsPolicy"),
        account="123456789012",
        region="eu-west-1",
    )

    sarif_log = render(Report(findings=[live], rules={"SES301": REGISTRY.rules["SES301"]}), tmp_path, validate_sarif)

    location = sarif_run(sarif_log)["results"][0]["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "sesv2/123456789012/eu-west-1/prod"},
        "region": {"startLine": 1, "startColumn": 1},
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "prod", "kind": "resource", "name": "prod"},
        {"fullyQualifiedName": arn, "kind": "resource"},
    ]


def test_suppressed_findings_stay_with_their_justification(tmp_path, validate_sarif):
    suppressed = Finding(
        "SES301",
        "warning",
        "DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE",
        Location("spec.yaml", 3, 23, "ConfigurationSets[0].DeliveryOptions.TlsPolicy"),
        "spec",
        set_name="weak",
        suppressions=(Suppression("inSource", "legacy relay"),),
        baseline_state="unchanged",
    )

    sarif_log = render(
        Report(findings=[suppressed], rules={"SES301": REGISTRY.rules["SES301"]}), tmp_path, validate_sarif
    )

    result = sarif_run(sarif_log)["results"][0]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "legacy relay"}]
    assert result["baselineState"] == "unchanged"
    assert sarif_run(sarif_log)["invocations"] == [{"executionSuccessful": True}]


def test_internal_errors_become_notifications(tmp_path, validate_sarif):
    report = Report(rules={"SG001": REGISTRY.rules["SG001"]}, errors=["rule ORG901 failed on set 'x': boom"])

    invocation = sarif_run(render(report, tmp_path, validate_sarif))["invocations"][0]

    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [{"level": "error", "message": {"text": "rule ORG901 failed on set 'x': boom"}}],
    }


def test_configured_level_overrides_the_default_level(tmp_path, validate_sarif):
    (tmp_path / "spec.yaml").write_text(WEAK, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = check_files(
            ["spec.yaml"], REGISTRY, Settings(select=("SES301",), rules={"SES301": {"level": "error"}})
        )
    finally:
        os.chdir(cwd)

    run = sarif_run(render(report, tmp_path, validate_sarif))

    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("SES301", "error")]
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["defaultConfiguration"] == {
        "level": "warning"
    }


def test_uris_are_relative_to_the_repository_root_from_any_subdirectory(sesguard, tmp_path):
    (tmp_path / ".git").mkdir()  # what marks a repository's root (a worktree has a `.git` file instead)
    for directory in ("infra", "shared"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "spec.yaml").write_text("ConfigurationSets:\n  - Name: s\n")

    def uris(*args, cwd) -> list:
        run = sesguard("check", *args, "--select", "SES203", "--format", "sarif", cwd=cwd)
        return sorted(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run.json()["runs"][0]["results"]
        )

    assert uris("spec.yaml", "../shared/spec.yaml", cwd=tmp_path / "infra") == ["infra/spec.yaml", "shared/spec.yaml"]
    assert uris(".", cwd=tmp_path) == ["infra/spec.yaml", "shared/spec.yaml"]
    (tmp_path / ".git").rmdir()  # no repository: relative to where sesguard runs, as the text report shows them
    assert uris("spec.yaml", cwd=tmp_path / "infra") == ["spec.yaml"]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("examples/bad.yaml", "examples/bad.yaml"),
        ("my spec#1 100%.yaml", "my%20spec%231%20100%25.yaml"),
        ("c:/odd.yaml", "c%3A/odd.yaml"),  # relative, not a `c:` scheme
        ("/abs/dir/a b.yaml", "file:///abs/dir/a%20b.yaml"),
        (os.fsdecode(b"caf\xe9.yaml"), "caf%E9.yaml"),  # a Latin-1 name, not UTF-8: its byte, as the disk has it
        (os.fsdecode(b"/abs/caf\xe9.yaml"), "file:///abs/caf%E9.yaml"),
    ],
)
def test_artifact_uris_are_uri_references(tmp_path, validate_sarif, path, uri):
    parse_error = Finding("SG001", "error", "no such file", Location(path, 1, 1, ""), "file")

    sarif_log = render(
        Report(findings=[parse_error], rules={"SG001": REGISTRY.rules["SG001"]}), tmp_path, validate_sarif
    )

    assert sarif_run(sarif_log)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": uri}
