"""`[[policies]]` end to end (SPEC §6): declarative rules that behave like built-in ones everywhere."""

from __future__ import annotations

import json

CONFIG = """\
[project]
name = "mail"

[[tool.sesguard.policies]]
id = "ORG001"
summary = "Marketing sets archive OPEN and CLICK to Firehose"
sets = "marketing-*"
require = { events = ["OPEN", "CLICK"], target = "firehose" }
level = "error"

[[tool.sesguard.policies]]
id = "ORG002"
summary = "No CloudWatch destinations in production"
sets = "prod-*"
forbid = { target = "cloudwatch" }

[[tool.sesguard.policies]]
id = "ORG003"
summary = "Production sets pin TLS"
description = "The security baseline requires TLS for every production message."
sets = "prod-*"
expect = { "DeliveryOptions.TlsPolicy" = "REQUIRE" }
level = "warning"
"""

SPEC = """\
ConfigurationSets:
  - Name: marketing-eu
    EventDestinations:
      - Name: archive
        Enabled: true
        MatchingEventTypes: [SEND, OPEN]
        KinesisFirehoseDestination:
          IamRoleArn: "arn:aws:iam::123456789012:role/ses-firehose"
          DeliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/archive"
  - Name: prod-eu
    DeliveryOptions: {TlsPolicy: OPTIONAL}
    EventDestinations:
      - Name: metrics
        Enabled: false
        MatchingEventTypes: [SEND]
        CloudWatchDestination:
          DimensionConfigurations:
            - {DimensionName: set, DimensionValueSource: MESSAGE_TAG, DefaultDimensionValue: none}
  - Name: staging
    DeliveryOptions: {TlsPolicy: OPTIONAL}
"""


def project(tmp_path, config=CONFIG, spec=SPEC):
    (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "spec.yaml").write_text(spec)
    return tmp_path


def lines(stdout: str) -> list:
    return [line for line in stdout.splitlines() if line and not line[0].isdigit()]


def test_policies_report_like_rules(cli, tmp_path):
    code, out, err = cli("check", "spec.yaml", "--select", "ORG", cwd=project(tmp_path))

    assert (code, err) == (1, "")
    assert lines(out) == [
        "spec.yaml:2:5: ORG001 error CLICK reaches no enabled Firehose destination"
        " (Marketing sets archive OPEN and CLICK to Firehose) [marketing-eu]",
        'spec.yaml:11:23: ORG003 warning DeliveryOptions.TlsPolicy is "OPTIONAL", expected "REQUIRE" [prod-eu]',
        "spec.yaml:16:9: ORG002 error CloudWatch destinations are forbidden"
        " (No CloudWatch destinations in production) [prod-eu/metrics]",
    ]


def test_policies_are_listed_and_documented(cli, tmp_path):
    project(tmp_path)

    _, listing, _ = cli("rules", cwd=tmp_path)
    _, page, _ = cli("rule", "org003", cwd=tmp_path)
    _, as_json, _ = cli("rules", "--format", "json", cwd=tmp_path)

    assert "ORG001  marketing-sets-archive-open-and-click-to" in listing
    assert page.startswith("ORG003 production-sets-pin-tls (warning)\n")
    assert "The security baseline requires TLS for every production message." in page
    assert 'expect = {"DeliveryOptions.TlsPolicy": "REQUIRE"}' in page
    assert {"ORG001", "ORG002", "ORG003"} <= {rule["id"] for rule in json.loads(as_json)}


def test_policies_appear_in_sarif_rules(cli, tmp_path, validate_sarif):
    code, _, _ = cli("check", "spec.yaml", "--format", "sarif", "-o", "out.sarif", cwd=project(tmp_path))

    assert code == 1
    validate_sarif(tmp_path / "out.sarif")
    run = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["ORG003"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["ORG003"]["properties"]["tags"] == ["policy"]
    assert {r["ruleId"] for r in run["results"]} >= {"ORG001", "ORG002", "ORG003"}


def test_select_ignore_level_and_suppressions_apply_to_policies(cli, tmp_path):
    config = CONFIG + '\n[tool.sesguard.rules.ORG001]\nlevel = "note"\n'
    spec = SPEC.replace(
        "  - Name: prod-eu\n",
        "  - Name: prod-eu\n    Suppress:\n      - {Rule: ORG002, Reason: metrics go away in Q3}\n",
    )
    project(tmp_path, config, spec)

    _, out, _ = cli("check", "spec.yaml", "--select", "ORG", "--ignore", "ORG003", "--show-suppressed", cwd=tmp_path)

    assert [line.split(": ", 1)[1].split(" (")[0] for line in lines(out)] == [
        "ORG001 note CLICK reaches no enabled Firehose destination",
        "ORG002 error CloudWatch destinations are forbidden",
    ]
    assert lines(out)[1].endswith("(suppressed)")


def test_require_without_events_and_forbid_with_events(cli, tmp_path):
    config = """\
[[policies]]
id = "ORG010"
summary = "Every set has an SNS destination"
require = { target = "sns" }

[[policies]]
id = "ORG011"
summary = "Nobody receives OPEN events"
forbid = { events = ["open"] }
"""
    (tmp_path / ".sesguard.toml").write_text(config)
    (tmp_path / "spec.yaml").write_text(SPEC)

    _, out, _ = cli("check", "spec.yaml", "--select", "ORG", cwd=tmp_path)

    assert [line.split(": ", 1)[1].split(" (")[0] for line in lines(out)] == [
        "ORG010 error no enabled SNS destination",
        "ORG011 error receives OPEN, which policy forbids",
        "ORG010 error no enabled SNS destination",
        "ORG010 error no enabled SNS destination",
    ]


def test_unknown_values_are_never_reported(cli, tmp_path):
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters: {Tls: {Type: String}}
Resources:
  Prod:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: prod-eu
      DeliveryOptions: {TlsPolicy: !Ref Tls}
"""
    project(tmp_path, spec=template)

    code, out, _ = cli("check", "spec.yaml", "--select", "ORG003", cwd=tmp_path)

    assert (code, lines(out)) == (0, [])


def test_a_policy_reusing_a_builtin_id_is_a_usage_error(cli, tmp_path):
    project(tmp_path, CONFIG.replace('id = "ORG002"', 'id = "SES301"'))

    code, out, err = cli("check", "spec.yaml", cwd=tmp_path)

    assert (code, out) == (2, "")
    assert err == (
        "sesguard: error: policy SES301 in pyproject.toml: the id is already used by "
        "sesguard.rules.options.tls_required; choose another id\n"
    )


def test_policy_mistakes_are_sg002_at_the_policy(cli, tmp_path):
    config = CONFIG.replace('events = ["OPEN", "CLICK"]', 'events = ["OPEN", "CLICKS"]')
    config = config.replace('"DeliveryOptions.TlsPolicy"', '"Delivery.TlsPolicy"')
    project(tmp_path, config)

    code, out, _ = cli("check", "spec.yaml", cwd=tmp_path)

    assert code == 2
    first, second = lines(out)
    assert (
        first
        == "pyproject.toml:5:1: SG002 error policies[0] (ORG001): require.events: 'CLICKS' is not an SES event type"
    )
    assert second.startswith(
        "pyproject.toml:18:1: SG002 error policies[2] (ORG003): expect: 'Delivery.TlsPolicy' is not an option field"
        " (Block.Field, blocks: DeliveryOptions, "
    )


def test_a_policy_without_a_check_is_refused(cli, tmp_path):
    project(tmp_path, '[[tool.sesguard.policies]]\nid = "ORG001"\nsummary = "x"\nsets = "*"\n')

    code, out, _ = cli("check", "spec.yaml", cwd=tmp_path)

    assert code == 2
    assert "a policy needs at least one of require, forbid, expect" in out
