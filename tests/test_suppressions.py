"""Inline suppressions end to end (SPEC §6): native `Suppress`, CloudFormation Metadata, comments; SG100, SG101."""

from __future__ import annotations

import json

import pytest

# SES301 (TLS not required) and SES202 (disabled destination) are the findings being suppressed;
# the SNS destination otherwise satisfies the routing rules that are not selected anyway.
SPEC = """\
ConfigurationSets:
  - Name: relay
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    ReputationOptions: {ReputationMetricsEnabled: true}
    Suppress:
      - {Rule: SES301, Reason: "the legacy relay cannot do TLS", Expires: 2027-03-31}
    EventDestinations:
      - Name: alerts
        Enabled: false
        MatchingEventTypes: [BOUNCE, COMPLAINT]
        SnsDestination: {TopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts"}
        Suppress:
          - {Rule: SES202, Reason: "paused during the migration"}
"""
SELECT = ("--select", "SES202,SES301,SG1")

CLOUDFORMATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Relay:
    Type: AWS::SES::ConfigurationSet
    Metadata:
      sesguard:
        Suppress:
          - {Rule: SES3, Reason: "options are owned by the platform team"}
    Properties:
      Name: relay
      DeliveryOptions: {TlsPolicy: OPTIONAL}
  Alerts:
    Type: AWS::SES::ConfigurationSetEventDestination
    Metadata:
      sesguard:
        Suppress:
          - {Rule: SES202, Reason: "paused during the migration", Expires: "2030-01-01"}
    Properties:
      ConfigurationSetName: !Ref Relay
      EventDestination:
        Name: alerts
        Enabled: false
        MatchingEventTypes: [bounce, complaint]
        SnsDestination: {TopicARN: "arn:aws:sns:eu-west-1:123456789012:alerts"}
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SESGUARD_TODAY", "2026-11-27")


def lines(stdout: str) -> list:
    return [line for line in stdout.splitlines() if line and not line[0].isdigit()]


def test_native_suppressions_hide_findings_from_text_and_exit_code(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)

    code, out, err = cli("check", "spec.yaml", *SELECT, cwd=tmp_path)

    assert (code, err) == (0, "")
    assert lines(out) == []
    assert out.splitlines()[-1] == "0 findings (0 errors, 0 warnings, 0 notes) in 1 file, 0 skipped; 2 suppressed"


def test_show_suppressed_lists_them_marked(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)

    code, out, _ = cli("check", "spec.yaml", *SELECT, "--show-suppressed", cwd=tmp_path)

    assert code == 0
    assert lines(out) == [
        "spec.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [relay] (suppressed)",
        "spec.yaml:9:9: SES202 error destination is disabled (Enabled: false) [relay/alerts] (suppressed)",
    ]


def test_suppressed_findings_stay_in_sarif_with_their_justification(cli, tmp_path, validate_sarif):
    (tmp_path / "spec.yaml").write_text(SPEC)

    code, _, _ = cli("check", "spec.yaml", *SELECT, "--format", "sarif", "--output", "out.sarif", cwd=tmp_path)

    assert code == 0
    validate_sarif(tmp_path / "out.sarif")
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["suppressions"]) for r in results] == [
        ("SES301", [{"kind": "inSource", "justification": "the legacy relay cannot do TLS"}]),
        ("SES202", [{"kind": "inSource", "justification": "paused during the migration"}]),
    ]


def test_an_expired_suppression_brings_its_finding_back_with_sg101(cli, tmp_path, monkeypatch):
    (tmp_path / "spec.yaml").write_text(SPEC)
    monkeypatch.setenv("SESGUARD_TODAY", "2027-03-31")  # the last day it applies
    assert cli("check", "spec.yaml", *SELECT, cwd=tmp_path)[0] == 0
    monkeypatch.setenv("SESGUARD_TODAY", "2027-04-01")

    code, out, _ = cli("check", "spec.yaml", *SELECT, cwd=tmp_path)

    assert code == 1
    assert lines(out) == [
        "spec.yaml:3:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [relay]",
        "spec.yaml:6:9: SG101 warning suppression of SES301 expired on 2027-03-31 (the legacy relay cannot do TLS);"
        " what it hid is reported again [relay]",
    ]


def test_a_suppression_that_matches_nothing_is_sg100(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC.replace("TlsPolicy: OPTIONAL", "TlsPolicy: REQUIRE"))

    code, out, _ = cli("check", "spec.yaml", *SELECT, cwd=tmp_path)

    assert code == 1
    assert lines(out) == [
        "spec.yaml:6:9: SG100 warning suppression of SES301 matched no finding; remove it [relay]",
    ]


def test_a_suppression_of_a_rule_that_did_not_run_is_not_unused(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC.replace("TlsPolicy: OPTIONAL", "TlsPolicy: REQUIRE"))

    code, out, _ = cli("check", "spec.yaml", "--select", "SES202,SG1", cwd=tmp_path)

    assert (code, lines(out)) == (0, [])


def test_a_destination_suppression_does_not_cover_its_set(cli, tmp_path):
    spec = SPEC.replace('      - {Rule: SES301, Reason: "the legacy relay cannot do TLS", Expires: 2027-03-31}\n', "")
    spec = spec.replace("    Suppress:\n    EventDestinations:", "    EventDestinations:")
    spec = spec.replace("{Rule: SES202,", "{Rule: SES301,")
    (tmp_path / "spec.yaml").write_text(spec)

    code, out, _ = cli("check", "spec.yaml", *SELECT, cwd=tmp_path)

    assert code == 1
    assert [line.split(": ")[1].split()[0] for line in lines(out)] == ["SES301", "SES202", "SG100"]


def test_a_mandatory_rule_ignores_suppressions(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)
    (tmp_path / ".sesguard.toml").write_text('mandatory = ["SES2"]\n')

    code, out, _ = cli("check", "spec.yaml", *SELECT, cwd=tmp_path)

    assert code == 1
    assert lines(out) == [
        "spec.yaml:9:9: SES202 error destination is disabled (Enabled: false) [relay/alerts]",
        "spec.yaml:13:13: SG100 warning suppression of SES202 cannot apply: SES202 is mandatory [relay/alerts]",
    ]


def test_parse_errors_are_never_suppressible(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text("# sesguard: ignore[SG001] broken on purpose\nConfigurationSets: [\n")

    code, out, _ = cli("check", "spec.yaml", cwd=tmp_path)

    assert code == 2
    assert "SG001 error" in out and "(suppressed)" not in out


def test_comment_suppressions_on_the_line_or_the_line_above(cli, tmp_path):
    spec = """\
ConfigurationSets:
  - Name: relay
    ReputationOptions: {ReputationMetricsEnabled: true}
    # sesguard: ignore[SES301] the legacy relay cannot do TLS
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    EventDestinations:
      - Name: alerts
        Enabled: false  # sesguard: ignore[SES202,SES101] paused during the migration expires 2027-01-31
        MatchingEventTypes: [BOUNCE, COMPLAINT]
        SnsDestination: {TopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts"}
"""
    (tmp_path / "spec.yaml").write_text(spec)

    code, out, _ = cli("check", "spec.yaml", "--select", "SES202,SES301,SES101,SG1", "--show-suppressed", cwd=tmp_path)

    assert code == 1  # SES101 ran and found nothing on line 8
    assert lines(out) == [
        "spec.yaml:5:23: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [relay] (suppressed)",
        "spec.yaml:8:9: SES202 error destination is disabled (Enabled: false) [relay/alerts] (suppressed)",
        "spec.yaml:8:25: SG100 warning suppression of SES101 matched no finding; remove it",
    ]


def test_a_comment_without_a_reason_suppresses_nothing_and_is_sg002(cli, tmp_path):
    spec = SPEC.replace(
        "    DeliveryOptions: {TlsPolicy: OPTIONAL}\n",
        "    DeliveryOptions: {TlsPolicy: OPTIONAL}  # sesguard: ignore[SES301]\n",
    )
    spec = spec.replace("{Rule: SES301,", "{Rule: SES303,")
    (tmp_path / "spec.yaml").write_text(spec)

    code, out, _ = cli("check", "spec.yaml", *SELECT, cwd=tmp_path)

    assert code == 2
    assert (
        "spec.yaml:3:45: SG002 error `sesguard: ignore[SES301]` needs a reason after the brackets;"
        " it suppresses nothing" in lines(out)
    )
    assert any(line.startswith("spec.yaml:3:23: SES301 warning") for line in lines(out))


def test_json_has_no_comments_so_a_string_that_looks_like_one_suppresses_nothing(cli, tmp_path):
    spec = {
        "ConfigurationSets": [
            {"Name": "json", "DeliveryOptions": {"TlsPolicy": "OPTIONAL"}, "Tags": [{"Key": "note", "Value": "x"}]}
        ]
    }
    spec["ConfigurationSets"][0]["Tags"][0]["Value"] = "# sesguard: ignore[SES301] not a comment"
    (tmp_path / "spec.json").write_text(json.dumps(spec, indent=2))

    code, out, _ = cli("check", "spec.json", "--select", "SES301,SG", "--quiet", cwd=tmp_path)

    assert (code, lines(out)) == (
        1,
        ["spec.json:6:9: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [json]"],
    )


def test_terraform_comment_suppression(cli, tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_sesv2_configuration_set" "relay" {\n'
        '  configuration_set_name = "relay"\n'
        "  delivery_options {\n"
        '    tls_policy = "OPTIONAL" # sesguard: ignore[SES301] the legacy relay cannot do TLS\n'
        "  }\n"
        "}\n"
    )

    code, out, _ = cli("check", "main.tf", "--select", "SES301,SG1", "--show-suppressed", cwd=tmp_path)

    assert code == 0
    assert lines(out) == [
        "main.tf:4:5: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [relay] (suppressed)"
    ]


def test_cloudformation_metadata_suppressions(cli, tmp_path):
    (tmp_path / "template.yaml").write_text(CLOUDFORMATION)

    code, out, _ = cli("check", "template.yaml", *SELECT, "--show-suppressed", cwd=tmp_path)

    assert code == 0
    assert lines(out) == [
        "template.yaml:11:25: SES301 warning DeliveryOptions.TlsPolicy is OPTIONAL; set it to REQUIRE [relay]"
        " (suppressed)",
        "template.yaml:22:9: SES202 error destination is disabled (Enabled: false) [relay/alerts] (suppressed)",
    ]


def test_a_malformed_cloudformation_suppression_is_sg002(cli, tmp_path):
    (tmp_path / "template.yaml").write_text(CLOUDFORMATION.replace('Reason: "paused during the migration", ', ""))

    code, out, _ = cli("check", "template.yaml", *SELECT, cwd=tmp_path)

    assert code == 2
    assert "template.yaml:17:13: SG002 error Suppress[0]: Reason is required: say why the finding is accepted" in lines(
        out
    )
    assert any(" SES202 error " in line for line in lines(out))


def test_a_fresh_process_reads_the_date_from_the_environment(sesguard, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC)

    before = sesguard("check", "spec.yaml", *SELECT, cwd=tmp_path, env={"SESGUARD_TODAY": "2027-03-01"})
    after = sesguard("check", "spec.yaml", *SELECT, cwd=tmp_path, env={"SESGUARD_TODAY": "2028-01-01"})

    assert (before.code, after.code) == (0, 1)
    assert " SG101 warning " in after.stdout


def test_a_suppression_naming_no_known_rule_is_sg100_even_when_not_selected(cli, tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC.replace("{Rule: SES301,", "{Rule: SES399,"))

    code, out, _ = cli("check", "spec.yaml", "--select", "SES202,SG1", cwd=tmp_path)

    assert code == 1
    assert lines(out) == [
        "spec.yaml:6:9: SG100 warning suppression of SES399 names no known rule (`sesguard rules` lists them) [relay]"
    ]
