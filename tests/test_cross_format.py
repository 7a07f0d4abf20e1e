"""The done-criterion of the CloudFormation/Terraform issue: one misconfiguration, six formats.

Each fixture in tests/fixtures/formats/ describes the same set with the same mistakes. Every format
must yield the same rule ids for the same set and destination, each at its own file's lines; values
that cannot be resolved must never cause a finding; and SARIF must be valid for every format.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import marked_lines

from sesguard.linter.config import Settings
from sesguard.linter.engine import check_files
from sesguard.linter.plugins import load_plugins

REPO = Path(__file__).resolve().parent.parent
FORMATS = REPO / "tests" / "fixtures" / "formats"
REGISTRY = load_plugins(entry_points=False)

# (rule, set, destination): the same in every format.
EXPECTED_SUBJECTS = sorted(
    [
        ("SES101", "transactional", "bounces"),
        ("SES106", "transactional", "bounces"),
        ("SES107", "transactional", "bus"),
        ("SES201", "transactional", None),
        ("SES202", "transactional", "archive"),
        ("SES203", "transactional", None),
        ("SES204", "transactional", None),
        ("SES301", "transactional", None),
        ("SES302", "transactional", None),
    ]
)
# JSON has no comments to mark lines with: the lines, checked by eye against each file.
JSON_LINES = {
    "cloudformation.json": [
        ("SES101", 37),  # "COMPLAINTS"
        ("SES106", 40),  # "TopicARN": "...bounces.fifo"
        ("SES107", 77),  # "EventBusArn": "...event-bus/custom"
        ("SES201", 12),  # the set's "Properties"
        ("SES202", 53),  # "Enabled": false
        ("SES203", 12),
        ("SES204", 12),
        ("SES301", 15),  # "TlsPolicy": "OPTIONAL"
        ("SES302", 22),  # "HttpsPolicy": "OPTIONAL"
    ],
    "plan.json": [
        ("SES101", 127),  # "COMPLAINTS" in matching_event_types
        ("SES106", 121),  # "topic_arn"
        ("SES107", 164),  # "event_bus_arn"
        ("SES201", 16),  # the set's "values"
        ("SES202", 77),  # "enabled": false
        ("SES203", 16),
        ("SES204", 16),
        ("SES301", 22),  # "tls_policy"
        ("SES302", 36),  # "https_policy"
    ],
    "cdktf/main.tf.json": [
        ("SES101", 35),  # "COMPLAINTS"
        ("SES106", 38),  # "topic_arn"
        ("SES107", 65),  # "event_bus_arn"
        ("SES201", 11),  # the set's "transactional" key
        ("SES202", 47),  # "enabled": false, in a block written as a list
        ("SES203", 11),
        ("SES204", 11),
        ("SES301", 15),  # "tls_policy"
        ("SES302", 22),  # "https_policy"
    ],
}
FIXTURES = ["native.yaml", "cloudformation.yaml", "cloudformation.json", "plan.json", "main.tf", "cdktf/main.tf.json"]


def lint(*names, base=FORMATS):
    cwd = os.getcwd()
    os.chdir(base)
    try:
        return check_files(list(names), REGISTRY, Settings())
    finally:
        os.chdir(cwd)


def expected_lines(name: str) -> list:
    return sorted(JSON_LINES[name]) if name.endswith(".json") else marked_lines(FORMATS / name)


@pytest.mark.parametrize("name", FIXTURES)
def test_same_rules_for_the_same_set_and_destination(name):
    report = lint(name)
    assert report.errors == [] and report.files_checked == 1
    assert sorted((f.rule_id, f.set_name, f.destination_name) for f in report.findings) == EXPECTED_SUBJECTS


@pytest.mark.parametrize("name", FIXTURES)
def test_each_finding_is_on_its_own_files_line(name):
    report = lint(name)
    assert {f.location.file for f in report.findings} == {name}
    assert sorted((f.rule_id, f.location.line) for f in report.findings) == expected_lines(name)


def test_the_six_formats_are_read_by_six_sources():
    report = lint(*FIXTURES)
    kinds = {f.location.file: f.source_kind for f in report.findings}
    assert kinds == {
        "native.yaml": "spec",
        "cloudformation.yaml": "cloudformation",
        "cloudformation.json": "cloudformation",
        "plan.json": "terraform",
        "main.tf": "terraform",
        "cdktf/main.tf.json": "terraform",
    }
    assert report.files_checked == 6 and len(report.findings) == 6 * len(EXPECTED_SUBJECTS)


def test_messages_are_the_same_in_every_format():
    report = lint(*FIXTURES)
    by_file = {}
    for finding in report.findings:
        by_file.setdefault(finding.location.file, []).append((finding.rule_id, finding.message))
    native = sorted(by_file.pop("native.yaml"))
    for name, messages in by_file.items():
        assert sorted(messages) == native, name


def test_compact_plan_is_one_line_with_distinct_columns():
    """`terraform show -json` prints one line: findings differ by column, at the value they are about."""
    report = lint("plan.compact.json")
    assert sorted((f.rule_id, f.set_name, f.destination_name) for f in report.findings) == EXPECTED_SUBJECTS
    assert {f.location.line for f in report.findings} == {1}
    text = (FORMATS / "plan.compact.json").read_text(encoding="utf-8")
    at = {f.rule_id: text[f.location.column - 1 :] for f in report.findings}
    assert at["SES106"].startswith('"topic_arn":"arn:aws:sns:us-east-1:123456789012:bounces.fifo"')
    assert at["SES101"].startswith('"COMPLAINTS"')
    assert at["SES301"].startswith('"tls_policy":"OPTIONAL"')
    assert at["SES202"].startswith('"enabled":false')


def test_logical_paths_are_in_each_sources_own_terms():
    paths = {
        (f.location.file, f.rule_id): f.location.logical_path
        for f in lint(*FIXTURES).findings
        if f.rule_id in ("SES106", "SES301")
    }
    assert paths == {
        ("native.yaml", "SES106"): "ConfigurationSets[0].EventDestinations[0].SnsDestination.TopicArn",
        ("native.yaml", "SES301"): "ConfigurationSets[0].DeliveryOptions.TlsPolicy",
        ("cloudformation.yaml", "SES106"): "Resources.Bounces.Properties.EventDestination.SnsDestination.TopicARN",
        ("cloudformation.yaml", "SES301"): "Resources.TransactionalSet.Properties.DeliveryOptions.TlsPolicy",
        ("cloudformation.json", "SES106"): "Resources.Bounces.Properties.EventDestination.SnsDestination.TopicARN",
        ("cloudformation.json", "SES301"): "Resources.TransactionalSet.Properties.DeliveryOptions.TlsPolicy",
        ("plan.json", "SES106"): "module.mail.aws_sesv2_configuration_set_event_destination.bounces"
        ".event_destination[0].sns_destination[0].topic_arn",
        ("plan.json", "SES301"): "module.mail.aws_sesv2_configuration_set.transactional.delivery_options[0].tls_policy",
        ("main.tf", "SES106"): "aws_sesv2_configuration_set_event_destination.bounces"
        ".event_destination[0].sns_destination[0].topic_arn",
        ("main.tf", "SES301"): "aws_sesv2_configuration_set.transactional.delivery_options[0].tls_policy",
        ("cdktf/main.tf.json", "SES106"): "aws_sesv2_configuration_set_event_destination.bounces"
        ".event_destination[0].sns_destination[0].topic_arn",
        ("cdktf/main.tf.json", "SES301"): "aws_sesv2_configuration_set.transactional.delivery_options[0].tls_policy",
    }


@pytest.mark.parametrize(
    "name",
    ["cloudformation.yaml", "cloudformation.json", "plan.json", "main.tf", "cdktf/main.tf.json"],
)
def test_unresolvable_values_never_cause_findings(name):
    report = lint(f"unknowns/{name}")
    assert report.errors == [] and report.files_checked == 1
    assert [(f.rule_id, f.location.line, f.message) for f in report.findings] == []


def outside_any_repository(tmp_path) -> Path:
    """The fixtures copied out of this repository: SARIF URIs are then relative to where sesguard runs."""
    shutil.copytree(FORMATS, tmp_path / "formats")
    return tmp_path / "formats"


def test_sarif_is_valid_for_every_format(sesguard, tmp_path, validate_sarif):
    output = tmp_path / "formats.sarif"
    run = sesguard("check", *FIXTURES, "--format", "sarif", "--output", output, cwd=outside_any_repository(tmp_path))
    assert run.code == 1, run.stderr
    validate_sarif(output)
    results = json.loads(output.read_text(encoding="utf-8"))["runs"][0]["results"]
    located = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]) for r in results)
    assert located == sorted((name, rule) for name in FIXTURES for rule, _, _ in EXPECTED_SUBJECTS)
    # Fingerprints come from rule, source kind, set, destination and field: the two CloudFormation
    # files agree with each other, and differ from the other kinds.
    prints = {}
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        prints.setdefault(uri, set()).add(result["partialFingerprints"]["primaryLocationLineHash"])
    assert prints["cloudformation.yaml"] == prints["cloudformation.json"]
    assert prints["plan.json"] == prints["main.tf"] == prints["cdktf/main.tf.json"]
    assert len(prints["native.yaml"] | prints["cloudformation.yaml"] | prints["plan.json"]) == 3 * len(
        EXPECTED_SUBJECTS
    )


def test_sarif_is_valid_for_unknowns_and_compact_plan(sesguard, tmp_path, validate_sarif):
    output = tmp_path / "unknowns.sarif"
    formats = outside_any_repository(tmp_path)
    run = sesguard("check", "unknowns", "plan.compact.json", "--format", "sarif", "--output", output, cwd=formats)
    assert run.code == 1, run.stderr
    validate_sarif(output)
    results = json.loads(output.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"plan.compact.json"}
